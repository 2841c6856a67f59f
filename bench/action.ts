/**
 * Time from `node dist/main/index.js` starting to the wrapped command
 * starting, as the runner runs the action (median of --runs, default 20):
 *
 *   npm run build && node bench/action.ts [--runs 20]
 *
 * Two cases on loopback: token-exchange against the reference gateway, and
 * vault (JWT login + one dynamic database credential) against the Vault
 * double. The script's first command prints `date +%s%3N`; the parent
 * subtracts the spawn time. Each run's post step revokes what it got.
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
  inputs: Record<string, string>;
  tokenUrl: string;
}

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
  const cases: Case[] = [
    {
      name: 'token-exchange',
      tokenUrl: gw.idTokenRequestUrl,
      inputs: {
        gateway: gw.url,
        credentials: '- name: api\n  scope: read\n  audience: https://api.example.com',
      },
    },
    {
      name: 'vault (JWT login + database/creds)',
      tokenUrl,
      inputs: {
        provider: 'vault',
        gateway: vault.url,
        audience: VAULT_AUDIENCE,
        'vault-role': 'ci',
        credentials: '- name: db\n  path: database/creds/migrator',
      },
    },
  ];
  const root = mkdtempSync(join(tmpdir(), 'gatepass-bench-'));
  try {
    for (const c of cases) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const token = c.name === 'token-exchange' ? gw.idTokenRequestToken : 'x';
        times.push(await once(join(root, `${times.length}-${c.name.length}`), c, token));
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] ?? 0;
      process.stdout.write(
        `${c.name}: start → command ${median} ms median of ${runs} (min ${times[0] ?? 0}, max ${times.at(-1) ?? 0})\n`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    tokens.close();
    await gw.stop();
    await vault.stop();
  }
}

async function once(dir: string, c: Case, requestToken: string): Promise<number> {
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
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    INPUT_RUN: 'echo "started $(date +%s%3N)"',
  };
  for (const [name, value] of Object.entries(c.inputs)) base[`INPUT_${name.toUpperCase()}`] = value;
  const started = Date.now();
  const out = await exec('dist/main/index.js', base);
  const at = Number(/^started (\d+)$/m.exec(out)?.[1]);
  if (!Number.isFinite(at)) throw new Error(`main failed:\n${out}`);
  // Post revokes, so runs do not pile up live credentials.
  const saved = /^gatepass<<(.+)\n([\s\S]*?)\n\1$/m.exec(readFileSync(state, 'utf8'));
  await exec('dist/post/index.js', { ...base, STATE_gatepass: saved?.[2] ?? '' });
  return at - started;
}

function exec(entry: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', () => {
      resolve(Buffer.concat(chunks).toString());
    });
  });
}

void main();
