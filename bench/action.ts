/**
 * Start → credentials in the command, as the runner runs an action, side by
 * side with hashicorp/vault-action (median of --runs interleaved rounds,
 * default 20):
 *
 *   npm run build && node bench/action.ts [--runs 20] [--tls] [--anchor DIR] [--baseline DIR] [--cpu-prof DIR]
 *
 * Everything runs on loopback, on the Node that runs this script, against
 * one Vault double (__tests__/doubles/vault.ts) and one ID-token endpoint
 * (a local server minting the double's GitHub-shaped tokens):
 *
 * - gatepass, vault: `dist/main/index.js` with `provider: vault` (JWT login,
 *   one read of database/creds/migrator, PGUSER and PGPASSWORD in the `run`
 *   script's environment); the time is the parent's spawn of node to the
 *   moment the script's first command (`date +%s%3N`) reads the clock.
 * - vault-action: hashicorp/vault-action v3.4.0's `dist/index.js` (not in this
 *   repository: `--anchor DIR`, else GATEPASS_BENCH_ANCHOR, else
 *   ../shared/anchors/vault-action-3.4.0 beside the repository), with the
 *   inputs the runner would pass (its action.yml defaults, then `url`,
 *   `method: jwt`, `role`, `jwtGithubAudience`, `secrets` for the same two
 *   fields into PGUSER and PGPASSWORD, `exportEnv: true`). It makes the same
 *   three requests, writes the variables to GITHUB_ENV and the outputs (the
 *   bench checks both, and that it exited 0, or the timing would mean
 *   nothing), and exits. It runs no command: the credentials reach one when
 *   the runner starts the next step's shell. So its side is, per round,
 *   (spawn of node → its exit, the pipes closed) + (spawn of bash → the same
 *   `date +%s%3N`, the "bash start" case, measured in the same round). That
 *   is the same script gatepass starts, started the same way (from a file,
 *   `bash --noprofile --norc -eo pipefail FILE`, as the runner starts a
 *   `run:` step; child_process from Node), timed to the same point; what the
 *   runner itself spends between two steps is left out, which favours
 *   vault-action.
 *   The ratio is median(gatepass) / median(vault-action + bash start), each
 *   median over the rounds; below it, the ratio round by round (each
 *   gatepass run over its own round's vault-action side), median and
 *   quartiles, which a few slow rounds move less.
 * - Floors, in the same rounds: `node -e 0` (Node's own start and exit) and
 *   bench/plain-vault.mjs (the same three requests, then the same command;
 *   no checks, masking, audit or revocation), once with node:http (what
 *   gatepass's transport uses without a proxy: the floor for gatepass) and
 *   once with fetch (whose first use loads Node's own undici, as gatepass
 *   did before its transport moved to node:http).
 * - gatepass, token-exchange, against the reference gateway.
 * - With `--baseline DIR`: another build of gatepass (DIR holding its
 *   main/ and post/ bundles, a copy of an earlier dist/), as one more vault
 *   case, so a change is measured before and after in the same rounds.
 *
 * - With `--tls`: the ID-token endpoint, the Vault double and the reference
 *   gateway are reached over HTTPS (TLS fronts on loopback with a private CA
 *   from openssl, trusted through NODE_EXTRA_CA_CERTS by every case), as they
 *   are on a real runner: every case then loads Node's TLS and makes the
 *   handshakes, which on plain HTTP only vault-action (it loads https at
 *   start whatever the URLs) pays.
 * - With `--cpu-prof DIR`: each gatepass vault run writes a CPU profile there
 *   (`node --cpu-prof`; it slows that case, so its times mean nothing then).
 *
 * A round runs each case once, starting at a different case each round, so
 * a busy moment of a shared machine slows all of them alike. Each gatepass
 * run's post step revokes what the run got, untimed. The breakdown under the
 * table comes from the request timestamps (the ID-token endpoint and the
 * double, taken when each request arrives), medians over the rounds.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { registerHooks } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (/^\.\.?\/.*\.js$/.test(specifier) && context.parentURL?.endsWith('.ts') === true) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    return nextResolve(specifier, context);
  },
});

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The first command of every script: when it prints, the script has its environment. */
const RUN = 'echo "started $(date +%s%3N) ${PGPASSWORD:+credentials}"';
const SECRETS =
  'database/creds/migrator username | PGUSER ; database/creds/migrator password | PGPASSWORD';

/** What one run measured, in ms from the spawn. */
interface Sample {
  total: number;
  /** When the ID-token request, the Vault login and the read arrived. */
  marks: { token?: number; login?: number; read?: number };
}

interface Case {
  key: string;
  name: string;
  run(dir: string): Promise<Sample>;
}

interface Recorder {
  /** Arrival times of the requests since the last call, by kind. */
  take(): { token?: number; login?: number; read?: number };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at < 0 ? undefined : args[at + 1];
  };
  const runs = Number(option('--runs') ?? 20) || 20;
  const anchor = resolve(
    REPO,
    option('--anchor') ??
      process.env.GATEPASS_BENCH_ANCHOR ??
      '../shared/anchors/vault-action-3.4.0',
  );
  const vaultAction = join(anchor, 'dist', 'index.js');
  const baseline = option('--baseline');
  const tls = args.includes('--tls');
  const cpuProfiles = option('--cpu-prof');
  const haveAnchor = existsSync(vaultAction) && existsSync(join(anchor, 'action.yml'));

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
  const arrivals: Array<[kind: 'token' | 'login' | 'read', at: number]> = [];
  vault.intercept = ({ method, path }) => {
    if (method === 'POST' && path === '/v1/auth/jwt/login') arrivals.push(['login', Date.now()]);
    if (method === 'GET' && path === '/v1/database/creds/migrator') {
      arrivals.push(['read', Date.now()]);
    }
    return undefined;
  };
  const tokens = createServer((req, res) => {
    arrivals.push(['token', Date.now()]);
    const audience =
      new URL(req.url ?? '/', 'http://x').searchParams.get('audience') ?? VAULT_AUDIENCE;
    void vault.issuer.mint({ platform: 'github', audience }).then((value) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value }));
    });
  });
  await new Promise<void>((done) => tokens.listen(0, '127.0.0.1', done));
  const tokenOrigin = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}`;
  const secure = tls ? await tlsFronts([tokenOrigin, vault.url, gw.url]) : undefined;
  const over = (origin: string): string => secure?.url(origin) ?? origin;
  const trust = secure === undefined ? {} : { NODE_EXTRA_CA_CERTS: secure.caFile };
  const tokenUrl = `${over(tokenOrigin)}/t?api-version=2.0`;
  const recorder: Recorder = {
    take() {
      const marks: { token?: number; login?: number; read?: number } = {};
      for (const [kind, at] of arrivals.splice(0)) marks[kind] ??= at;
      return marks;
    },
  };

  const vaultInputs = {
    provider: 'vault',
    gateway: over(vault.url),
    audience: VAULT_AUDIENCE,
    'vault-role': 'ci',
    credentials:
      '- name: db\n  path: database/creds/migrator\n  env:\n    PGUSER: username\n    PGPASSWORD: password',
  };
  const vaultActionInputs = {
    ...(haveAnchor ? actionDefaults(join(anchor, 'action.yml')) : {}),
    url: over(vault.url),
    method: 'jwt',
    role: 'ci',
    jwtGithubAudience: VAULT_AUDIENCE,
    secrets: SECRETS,
    exportEnv: 'true',
  };
  const cases: Case[] = [
    {
      key: 'node',
      name: 'node -e 0 (start and exit, the floor)',
      run: async () => {
        const started = Date.now();
        await exec(process.execPath, ['-e', '0'], {});
        return { total: Date.now() - started, marks: {} };
      },
    },
    {
      key: 'bash',
      name: 'bash start (spawn → `date` in the script)',
      run: async (dir) => {
        // As the runner starts a `run:` step (and gatepass its script): from a file.
        mkdirSync(dir, { recursive: true });
        const script = join(dir, 'step.sh');
        writeFileSync(script, `${RUN}\n`);
        const started = Date.now();
        const { out } = await exec('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
          PATH: process.env.PATH ?? '',
        });
        return { total: startedAt(out, 'bash') - started, marks: {} };
      },
    },
    {
      key: 'plain-http',
      name: 'plain script: same requests (node:http), then the command',
      run: (dir) =>
        action(dir, {
          name: 'plain-http',
          script: join(REPO, 'bench/plain-vault.mjs'),
          args: ['http'],
          inputs: vaultInputs,
          tokenUrl,
          recorder,
          trust,
        }),
    },
    {
      key: 'plain',
      name: 'plain script: same requests with fetch, then the command',
      run: (dir) =>
        action(dir, {
          name: 'plain',
          script: join(REPO, 'bench/plain-vault.mjs'),
          inputs: vaultInputs,
          tokenUrl,
          recorder,
          trust,
        }),
    },
    {
      key: 'gatepass-vault',
      name: 'gatepass, vault (JWT login + database/creds)',
      run: (dir) =>
        action(dir, {
          name: 'gatepass, vault',
          script: join(REPO, 'dist/main/index.js'),
          inputs: vaultInputs,
          tokenUrl,
          recorder,
          trust,
          post: join(REPO, 'dist/post/index.js'),
          check: (out) => out.includes(' credentials'),
          ...(cpuProfiles === undefined ? {} : { cpuProfile: resolve(cpuProfiles) }),
        }),
    },
    ...(baseline === undefined
      ? []
      : [
          {
            key: 'baseline',
            name: `gatepass, vault, baseline build (${baseline})`,
            run: (dir: string) =>
              action(dir, {
                name: 'baseline',
                script: resolve(baseline, 'main/index.js'),
                inputs: vaultInputs,
                tokenUrl,
                recorder,
                trust,
                post: resolve(baseline, 'post/index.js'),
                check: (out) => out.includes(' credentials'),
              }),
          },
        ]),
    ...(haveAnchor
      ? [
          {
            key: 'vault-action',
            name: 'vault-action 3.4.0: start → exit (same requests)',
            run: (dir: string) =>
              action(dir, {
                name: 'vault-action',
                script: vaultAction,
                inputs: vaultActionInputs,
                tokenUrl,
                recorder,
                trust,
                untilExit: true,
              }),
          },
        ]
      : []),
    {
      key: 'gatepass-token-exchange',
      name: 'gatepass, token-exchange (reference gateway)',
      run: (dir) =>
        action(dir, {
          name: 'gatepass, token-exchange',
          script: join(REPO, 'dist/main/index.js'),
          inputs: {
            gateway: over(gw.url),
            // The gateway accepts tokens minted for its own (HTTP) origin.
            audience: gw.url,
            credentials: '- name: api\n  scope: read\n  audience: https://api.example.com',
          },
          tokenUrl: gw.idTokenRequestUrl.replace(gw.url, over(gw.url)),
          tokenSecret: gw.idTokenRequestToken,
          recorder,
          trust,
          post: join(REPO, 'dist/post/index.js'),
        }),
    },
  ];
  if (!haveAnchor) {
    process.stdout.write(
      `vault-action not found at ${anchor} (--anchor DIR or GATEPASS_BENCH_ANCHOR): running without it\n`,
    );
  }

  const root = mkdtempSync(join(tmpdir(), 'gatepass-bench-'));
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.key, []]));
  try {
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < cases.length; i++) {
        const c = cases[(round + i) % cases.length] as Case;
        samples.get(c.key)?.push(await c.run(join(root, `${round}-${c.key}`)));
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    await secure?.close();
    tokens.close();
    await gw.stop();
    await vault.stop();
  }
  if (vault.violations.length > 0) {
    throw new Error(
      `the Vault double saw requests Vault would refuse:\n${vault.violations.join('\n')}`,
    );
  }

  const totals = (key: string): number[] => (samples.get(key) ?? []).map((s) => s.total);
  process.stdout.write(
    `start → credentials in the command, median of ${runs} interleaved rounds (range), ${process.version}:\n`,
  );
  for (const c of cases) report(c.name, totals(c.key));
  const gatepass = median(totals('gatepass-vault'));
  if (haveAnchor) {
    const bash = totals('bash');
    const anchorSide = totals('vault-action').map((t, i) => t + (bash[i] ?? 0));
    report('vault-action + bash start (its side of the ratio)', anchorSide);
    const ratio = gatepass / median(anchorSide);
    process.stdout.write(
      `  ratio gatepass, vault / vault-action + bash start: ${ratio.toFixed(2)} (target ≤ 0.8)\n`,
    );
    // Round by round as well: each gatepass run against the vault-action run
    // of its own round, so a machine that slows for a few rounds moves both.
    const paired = totals('gatepass-vault')
      .map((t, i) => t / (anchorSide[i] ?? Number.NaN))
      .sort((a, b) => a - b);
    const quartile = (q: number): string =>
      (paired[Math.floor((paired.length - 1) * q)] ?? 0).toFixed(2);
    process.stdout.write(
      `  the same round by round: median ${quartile(0.5)}, quartiles ${quartile(0.25)}–${quartile(0.75)}\n`,
    );
    if (baseline !== undefined) {
      const before = median(totals('baseline')) / median(anchorSide);
      process.stdout.write(`  ratio of the baseline build, same rounds: ${before.toFixed(2)}\n`);
    }
  }
  process.stdout.write(
    `floors: node -e 0 ${median(totals('node'))} ms, plain node:http script ${median(totals('plain-http'))} ms, plain fetch script ${median(totals('plain'))} ms\n`,
  );
  process.stdout.write(
    'where the time goes (ms from the spawn, medians: ID token, login, read, end):\n',
  );
  for (const key of ['plain-http', 'plain', 'gatepass-vault', 'baseline', 'vault-action']) {
    const list = samples.get(key);
    if (list === undefined || list.length === 0) continue;
    const mark = (name: 'token' | 'login' | 'read'): string =>
      String(median(list.map((s) => s.marks[name] ?? Number.NaN)));
    const end = key === 'vault-action' ? 'exit' : 'command';
    process.stdout.write(
      `  ${key.padEnd(16)} token ${mark('token').padStart(4)}  login ${mark('login').padStart(4)}  read ${mark('read').padStart(4)}  ${end} ${String(median(totals(key))).padStart(4)}\n`,
    );
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function report(name: string, values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const range = `${sorted[0] ?? 0}–${sorted.at(-1) ?? 0}`;
  process.stdout.write(
    `  ${name.padEnd(58)} ${String(median(values)).padStart(4)} ms  (${range})\n`,
  );
}

/** The inputs' defaults in an action.yml, as the runner passes them. */
function actionDefaults(path: string): Record<string, string> {
  const manifest = parse(readFileSync(path, 'utf8')) as {
    inputs?: Record<string, { default?: string | number | boolean }>;
  };
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(manifest.inputs ?? {})) {
    if (input.default !== undefined) defaults[name] = String(input.default);
  }
  return defaults;
}

interface ActionRun {
  name: string;
  script: string;
  /** Arguments after the script. */
  args?: string[];
  inputs: Record<string, string>;
  tokenUrl: string;
  tokenSecret?: string;
  recorder: Recorder;
  /** A post bundle to run afterwards (revokes what the run got), untimed. */
  post?: string;
  /** Time to the process's exit instead of the script's start; the action must succeed. */
  untilExit?: boolean;
  /** What the script's output must show. */
  check?: (out: string) => boolean;
  /** NODE_EXTRA_CA_CERTS with --tls. */
  trust: Record<string, string>;
  /** Write a CPU profile of the run into this folder. */
  cpuProfile?: string;
}

/** One action run, with the environment the runner gives a step. */
async function action(dir: string, a: ActionRun): Promise<Sample> {
  mkdirSync(join(dir, 'temp'), { recursive: true });
  const files = ['state', 'output', 'env', 'summary'].map((f) => join(dir, f));
  for (const f of files) writeFileSync(f, '');
  const [state = '', output = '', envFile = '', summary = ''] = files;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_REPOSITORY: 'octo-org/app',
    GITHUB_SHA: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: join(dir, 'temp'),
    GITHUB_STATE: state,
    GITHUB_OUTPUT: output,
    GITHUB_ENV: envFile,
    GITHUB_STEP_SUMMARY: summary,
    ACTIONS_ID_TOKEN_REQUEST_URL: a.tokenUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: a.tokenSecret ?? 'x',
    ...a.trust,
  };
  if (a.untilExit !== true) env.INPUT_RUN = RUN;
  // The runner's naming: upper case, spaces to underscores.
  for (const [name, value] of Object.entries(a.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  a.recorder.take();
  const started = Date.now();
  const profile = a.cpuProfile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', a.cpuProfile];
  const { out, code } = await exec(
    process.execPath,
    [...profile, a.script, ...(a.args ?? [])],
    env,
  );
  const exited = Date.now();
  const marks = a.recorder.take();
  const relative = {
    ...(marks.token === undefined ? {} : { token: marks.token - started }),
    ...(marks.login === undefined ? {} : { login: marks.login - started }),
    ...(marks.read === undefined ? {} : { read: marks.read - started }),
  };
  if (a.untilExit === true) {
    const exported = readFileSync(envFile, 'utf8');
    const outputs = readFileSync(output, 'utf8');
    const wrote = ['PGUSER', 'PGPASSWORD'].every(
      (name) => exported.includes(`${name}<<`) && outputs.toUpperCase().includes(`${name}<<`),
    );
    if (code !== 0 || !wrote) {
      throw new Error(
        `${a.name} did not deliver (exit ${code}; GITHUB_ENV: ${exported.length} bytes, outputs: ${outputs.length} bytes):\n${out}`,
      );
    }
    return { total: exited - started, marks: relative };
  }
  const total = startedAt(out, a.name) - started;
  if (a.check !== undefined && !a.check(out)) {
    throw new Error(`${a.name}: the command did not get the credentials:\n${out}`);
  }
  if (a.post !== undefined) {
    // Post revokes, so runs do not pile up live credentials.
    const saved = /^gatepass<<(.+)\n([\s\S]*?)\n\1$/m.exec(readFileSync(state, 'utf8'));
    await exec(process.execPath, [a.post], {
      ...env,
      STATE_gatepass: saved?.[2] ?? '',
    });
  }
  return { total, marks: relative };
}

function startedAt(out: string, name: string): number {
  const at = Number(/^started (\d+)/m.exec(out)?.[1]);
  if (!Number.isFinite(at)) throw new Error(`${name} failed:\n${out}`);
  return at;
}

function exec(
  file: string,
  argv: string[],
  env: Record<string, string>,
): Promise<{ out: string; code: number | null }> {
  return new Promise((done) => {
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', (code) => {
      done({ out: Buffer.concat(chunks).toString(), code });
    });
  });
}

void main();

interface TlsFronts {
  /** The HTTPS origin in front of an HTTP origin. */
  url(origin: string): string;
  caFile: string;
  close(): Promise<void>;
}

/** An HTTPS front on loopback for each origin, certified by one private CA. */
async function tlsFronts(origins: string[]): Promise<TlsFronts> {
  const { makeCa, tlsFront } = await import('../__tests__/helpers/proxy.js');
  const ca = makeCa(['localhost'], ['127.0.0.1']);
  const fronts = new Map<string, Awaited<ReturnType<typeof tlsFront>>>();
  // Origins in answers (a discovery document's issuer) are rewritten to the front's.
  for (const origin of origins) {
    fronts.set(origin, await tlsFront(origin, ca, { publicName: '127.0.0.1' }));
  }
  return {
    url: (origin) => {
      const front = fronts.get(origin);
      if (front === undefined) throw new Error(`no TLS front for ${origin}`);
      return `https://127.0.0.1:${front.port}`;
    },
    caFile: ca.caFile,
    close: async () => {
      await Promise.all([...fronts.values()].map((front) => front.close()));
      ca.remove();
    },
  };
}
