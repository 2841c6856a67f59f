// npm run bench: masking throughput against plain passthrough, measured in one
// run on the same input, plus automaton build time and peak memory.
//
// Figures are ratios of medians over interleaved runs, because the machines
// this runs on are shared and their absolute speed varies.
import { spawn, execFileSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const MB = 1e6;
const TARGET_BYTES = Number(process.env.BENCH_MB ?? 256) * MB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'gatepass-bench-'));
const node = process.execPath;
const cli = 'dist/cli/index.js';

function makeSecrets(count) {
  // Mixed shapes: API-key-like, password-like with punctuation, and a JWT-ish value.
  return Array.from({ length: count }, (_, i) => {
    const base = randomBytes(24).toString('base64url');
    if (i % 3 === 0) return `sk_live_${base}`;
    if (i % 3 === 1) return `P@ss/${base.slice(0, 18)}+'"&%`;
    return `${base}.${randomBytes(12).toString('hex')}`;
  });
}

async function makeLog(path, secrets) {
  const out = createWriteStream(path);
  const words = [
    'INFO',
    'DEBUG',
    'compiling',
    'module',
    'src/app/main.ts',
    'GET',
    '/api/v1/items?id=42',
    '200',
    'cache',
    'hit',
    'npm',
    'warn',
    'deprecated',
    '{"level":"info","msg":"ok"}',
    'Downloading',
    'https://registry.npmjs.org/pkg/-/pkg-1.2.3.tgz',
  ];
  let written = 0;
  let line = 0;
  while (written < TARGET_BYTES) {
    const parts = [];
    for (let i = 0; i < 2000; i++, line++) {
      let text = `2026-11-22T05:40:${String(line % 60).padStart(2, '0')}.${line % 1000}Z`;
      for (let w = 0; w < 8; w++) text += ' ' + words[(line * 7 + w * 13) % words.length];
      if (line % 5000 === 0) text += ` token=${secrets[line % secrets.length]}`;
      parts.push(text, '\n');
    }
    const chunk = parts.join('');
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

/** Runs a filter over the log file into /dev/null; returns seconds and peak RSS. */
function timeFilter(args, input) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, ['--import', './scripts/report-max-rss.mjs', ...args], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createReadStream(input).pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0)
        return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      const rss = Number(/gatepass-bench-max-rss-kb (\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
      resolve({ seconds, rss });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const secrets = makeSecrets(100);
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify(secrets));
  const log = join(dir, 'log.txt');
  await makeLog(log, secrets);
  const size = statSync(log).size;

  const passthrough = ['-e', 'process.stdin.pipe(process.stdout)'];
  const mask = [cli, 'mask', '--secrets-file', secretsFile];
  const plain = [];
  const masked = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    plain.push((await timeFilter(passthrough, log)).seconds);
    const m = await timeFilter(mask, log);
    masked.push(m.seconds);
    rss = Math.max(rss, m.rss);
  }
  const plainMBs = size / MB / median(plain);
  const maskedMBs = size / MB / median(masked);
  const build = execFileSync(node, ['--import', './bench/ts-hook.mjs', 'bench/build-time.ts'], {
    encoding: 'utf8',
  });

  console.log(
    `input: ${(size / MB).toFixed(0)} MB of log lines, 100 secrets (all forms) + detectors, ${RUNS} interleaved runs`,
  );
  console.log(`passthrough   ${plainMBs.toFixed(0)} MB/s`);
  console.log(`gatepass mask ${maskedMBs.toFixed(0)} MB/s`);
  console.log(`ratio         ${(maskedMBs / plainMBs).toFixed(2)} (target >= 0.5)`);
  for (const [, count, ms] of build.matchAll(/build (\d+) ([\d.]+)/g)) {
    console.log(`build time    ${ms} ms for ${count} secrets`);
  }
  console.log(`peak RSS      ${rss.toFixed(0)} MB (gatepass mask)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
