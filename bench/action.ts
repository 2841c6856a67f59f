/**
 * Time from `node dist/main/index.js` starting to the wrapped command
 * starting, as the runner runs the action (median of --runs, default 20):
 *
 *   npm run build && node bench/action.ts [--runs 20]
 *
 * Two cases on loopback: vault (JWT login + one dynamic database credential)
 * against the Vault double, and token-exchange against the reference gateway.
 * Beside them, in the same runs, two floors no action gets under:
 * - `node -e 0`: Node's own start and exit;
 * - bench/plain-vault.mjs: a plain script making vault's three requests with
 *   fetch and starting the same command, with no checks, masking, audit
 *   record or revocation.
 * One round runs each of the four once, so a busy moment of a shared machine
 * slows all of them; medians and ranges are over the rounds.
 *
 * The script's first command prints `date +%s%3N`; the time is that minus the
 * moment the parent spawned node. Each action run's post step revokes what
 * the run got, untimed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { registerHooks } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (/^\.\.?\/.*\.js$/.test(specifier) && context.parentURL?.endsWith('.ts') === true) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    return nextResolve(specifier, context);
  },
});

interface Case {
  name: string;
  /** The script to time, with the arguments node gets. */
  argv: string[];
  inputs: Record<string, string>;
  tokenUrl: string;
  tokenSecret: string;
  /** Run dist/post afterwards (revokes what the run got). */
  post: boolean;
}

const RUN = 'echo "started $(date +%s%3N)"';

async function main(): Promise<void> {
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] ?? 20) || 20;
  const { startGateway } = await import('../examples/gateway/index.js');
  const { startVaultDouble, VAULT_AUDIENCE } = await import('../__tests__/doubles/vault.js');
  const gw = await startGateway({
    policy:
      'rules: [{ name: r, match: { repository: octo-org/app }, scopes: [read], audiences: ["https://**"] }]',
  });
  const vault = await startVaultDouble({
    roles: {
      ci: {
        boundAudiences: [VAULT_AUDIENCE],
        policies: [{ path: 'database/creds/migrator', capabilities: ['read'] }],
      },
    },
    databaseRoles: { migrator: { ttl: 600 } },
  });
  const tokens = createServer((req, res) => {
    const audience =
      new URL(req.url ?? '/', 'http://x').searchParams.get('audience') ?? VAULT_AUDIENCE;
    void vault.issuer.mint({ platform: 'github', audience }).then((value) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value }));
    });
  });
  await new Promise<void>((resolve) => tokens.listen(0, '127.0.0.1', resolve));
  const tokenUrl = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}/t?api-version=2.0`;
  const vaultInputs = {
    provider: 'vault',
    gateway: vault.url,
    audience: VAULT_AUDIENCE,
    'vault-role': 'ci',
    credentials: '- name: db\n  path: database/creds/migrator',
  };
  const cases: Case[] = [
    {
      name: 'plain script: same requests with fetch, then the command',
      argv: ['bench/plain-vault.mjs'],
      inputs: vaultInputs,
      tokenUrl,
      tokenSecret: 'x',
      post: false,
    },
    {
      name: 'gatepass, vault (JWT login + database/creds)',
      argv: ['dist/main/index.js'],
      inputs: vaultInputs,
      tokenUrl,
      tokenSecret: 'x',
      post: true,
    },
    {
      name: 'gatepass, token-exchange',
      argv: ['dist/main/index.js'],
      inputs: {
        gateway: gw.url,
        credentials: '- name: api\n  scope: read\n  audience: https://api.example.com',
      },
      tokenUrl: gw.idTokenRequestUrl,
      tokenSecret: gw.idTokenRequestToken,
      post: true,
    },
  ];
  const root = mkdtempSync(join(tmpdir(), 'gatepass-bench-'));
  const baseline: number[] = [];
  const times = cases.map((): number[] => []);
  try {
    for (let round = 0; round < runs; round++) {
      const started = Date.now();
      await exec(['-e', '0'], {});
      baseline.push(Date.now() - started);
      for (const [index, c] of cases.entries()) {
        times[index]?.push(await once(join(root, `${round}-${index}`), c));
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    tokens.close();
    await gw.stop();
    await vault.stop();
  }
  process.stdout.write(
    `action start → wrapped command starts, median of ${runs} interleaved rounds (range):\n`,
  );
  report('node -e 0 (start and exit, the floor)', baseline);
  for (const [index, c] of cases.entries()) report(c.name, times[index] ?? []);
}

function report(name: string, values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const range = `${sorted[0] ?? 0}–${sorted.at(-1) ?? 0}`;
  process.stdout.write(`  ${name.padEnd(58)} ${String(median).padStart(4)} ms  (${range})\n`);
}

async function once(dir: string, c: Case): Promise<number> {
  mkdirSync(join(dir, 'temp'), { recursive: true });
  const files = ['state', 'output', 'env', 'summary'].map((f) => join(dir, f));
  for (const f of files) writeFileSync(f, '');
  const [state = '', output = '', env = '', summary = ''] = files;
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_REPOSITORY: 'octo-org/app',
    GITHUB_SHA: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: join(dir, 'temp'),
    GITHUB_STATE: state,
    GITHUB_OUTPUT: output,
    GITHUB_ENV: env,
    GITHUB_STEP_SUMMARY: summary,
    ACTIONS_ID_TOKEN_REQUEST_URL: c.tokenUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: c.tokenSecret,
    INPUT_RUN: RUN,
  };
  for (const [name, value] of Object.entries(c.inputs)) base[`INPUT_${name.toUpperCase()}`] = value;
  const started = Date.now();
  const out = await exec(c.argv, base);
  const at = Number(/^started (\d+)$/m.exec(out)?.[1]);
  if (!Number.isFinite(at)) throw new Error(`${c.name} failed:\n${out}`);
  if (c.post) {
    // Post revokes, so runs do not pile up live credentials.
    const saved = /^gatepass<<(.+)\n([\s\S]*?)\n\1$/m.exec(readFileSync(state, 'utf8'));
    await exec(['dist/post/index.js'], { ...base, STATE_gatepass: saved?.[2] ?? '' });
  }
  return at - started;
}

function exec(argv: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', () => {
      resolve(Buffer.concat(chunks).toString());
    });
  });
}

void main();
