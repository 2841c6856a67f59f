/**
 * The action end to end, as the runner runs it: the bundled `dist/main` and
 * `dist/post` as child processes, with `INPUT_*` (action.yml defaults filled
 * in), the file commands (GITHUB_OUTPUT / _STATE / _ENV / _STEP_SUMMARY),
 * `STATE_*` for post from what main saved, and the ID token endpoint of the
 * reference gateway's local issuer. No HTTP mocking.
 */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startVaultDouble, VAULT_AUDIENCE, type VaultDouble } from '../doubles/vault.js';
import { startHoopDouble, type HoopDouble } from '../doubles/hoop.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { makeCa, startProxy, tlsFront, type Ca, type Front, type Proxy } from '../helpers/proxy.js';
import {
  CLI,
  MAIN,
  POST,
  githubStep,
  launch,
  readCommands,
  type Result,
  type Step,
} from '../helpers/runner.js';

const CREDENTIALS = `
- name: api
  ttl: 10m
  scope: read
  audience: https://api.example.com
  env: { API_TOKEN: access_token }
`;

let gw: TestGateway;
let vault: VaultDouble;
/** The runner's ID token endpoint for the Vault double's issuer. */
let vaultTokens: Server;
let vaultTokenUrl: string;
let root: string;

beforeAll(async () => {
  gw = await testGateway();
  vault = await startVaultDouble({
    roles: {
      ci: {
        boundAudiences: [VAULT_AUDIENCE],
        boundClaims: { repository: ['octo-org/app'] },
        policies: [{ path: 'database/creds/migrator', capabilities: ['read'] }],
      },
    },
    databaseRoles: { migrator: { ttl: 600 } },
  });
  vaultTokens = createServer((req, res) => {
    const audience = new URL(req.url ?? '/', 'http://x').searchParams.get('audience') ?? undefined;
    void vault.issuer
      .mint({ platform: 'github', ...(audience === undefined ? {} : { audience }) })
      .then((value) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value }));
      });
  });
  await new Promise<void>((resolve) => vaultTokens.listen(0, '127.0.0.1', resolve));
  vaultTokenUrl = `http://127.0.0.1:${(vaultTokens.address() as AddressInfo).port}/token?api-version=2.0`;
  root = mkdtempSync(join(tmpdir(), 'gatepass-action-'));
});
afterAll(async () => {
  await gw.stop();
  await vault.stop();
  vaultTokens.close();
  rmSync(root, { recursive: true, force: true });
});

/** The runner's contract for one step; `inputs` override action.yml's defaults. */
function step(inputs: Record<string, string>, extra: Record<string, string> = {}): Step {
  return githubStep({
    root,
    inputs: { gateway: gw.url, credentials: CREDENTIALS, ...inputs },
    idToken: { url: gw.idTokenRequestUrl, token: gw.idTokenRequestToken },
    env: { GITHUB_RUN_ID: '9000001', GITHUB_JOB: 'deploy', GITHUB_WORKFLOW: 'deploy', ...extra },
  });
}

function runMain(s: Step): Promise<Result> {
  return launch(MAIN, s.env).result;
}

/** Post in a new step context, with STATE_* from what main saved, as the runner does. */
function runPost(
  s: Step,
  state: Record<string, string> = readCommands(s.files.state),
): Promise<Result> {
  const summary = join(s.dir, 'post-summary.md');
  writeFileSync(summary, '');
  const env: Record<string, string> = { ...s.env, GITHUB_STEP_SUMMARY: summary };
  for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value;
  return launch(POST, env).result;
}

/** The token the script received, which it wrote to a file of its own. */
function seenToken(s: Step): string {
  return readFileSync(join(s.dir, 'workspace', 'seen'), 'utf8');
}

const SCRIPT = [
  'echo "started $(node -p "Date.now()")"',
  'printf %s "$API_TOKEN" > seen',
  'echo "raw: $API_TOKEN"',
  'echo "b64: $(printf %s "$API_TOKEN" | base64 -w0)"',
  'echo "hex: $(node -p "Buffer.from(process.env.API_TOKEN).toString(\'hex\')")"',
  'echo "stderr: $API_TOKEN" >&2',
  'echo "inputs visible: $(env | grep -c ^INPUT_ || true)"',
].join('\n');

/** Every printable form of a secret a log could hold. */
function forms(secret: string): string[] {
  const b = Buffer.from(secret);
  const parts = secret.split('.').filter((p) => p.length >= 16);
  return [
    secret,
    b.toString('base64'),
    b.toString('base64url'),
    b.toString('hex'),
    encodeURIComponent(secret),
    ...parts,
  ];
}

/** No line of the log shows the secret except the runner's own `::add-mask::` commands. */
function expectMaskedLog(log: string, secret: string): void {
  for (const line of log.split('\n')) {
    if (line.startsWith('::add-mask::')) continue;
    for (const form of forms(secret)) expect(line.includes(form)).toBe(false);
  }
}

/** Every file under `dir` but the listed ones is free of the secret. */
function expectNoSecretInFiles(dir: string, secret: string, allowed: string[]): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: false }) as string[]) {
    const path = join(dir, entry);
    if (allowed.includes(path) || !statSync(path).isFile()) continue;
    const text = readFileSync(path, 'utf8');
    for (const form of forms(secret))
      expect({ path, leaked: text.includes(form) }).toEqual({ path, leaked: false });
  }
}

describe('gatepass action: main then post, as the runner runs them', () => {
  it('runs the script with the credential, masks it, records it, and revokes it when the script ends', async () => {
    const s = step({ run: SCRIPT }, { RUNNER_DEBUG: '1' });
    const main = await runMain(s);
    expect(main.stderr).toBe('stderr: ***\n');
    expect(main.code).toBe(0);

    // Dead as soon as the main step is over: before any later step, not at the job's end.
    const token = seenToken(s);
    expect(token.split('.')).toHaveLength(3);
    expect(await gw.introspect(token)).toEqual({ active: false });
    expect(main.stdout).toContain('"api" revoked');

    // The script ran and its output is masked: every form of the token is ***.
    expect(main.stdout).toMatch(/^raw: \*\*\*$/m);
    expect(main.stdout).toMatch(/^b64: \*\*\*$/m);
    expect(main.stdout).toMatch(/^hex: \*\*\*$/m);
    expect(main.stdout).toMatch(/^inputs visible: 0$/m);
    expectMaskedLog(main.stdout + main.stderr, token);
    // ::add-mask:: came before the script could print anything.
    const addMask = main.stdout.indexOf(`::add-mask::${token}`);
    expect(addMask).toBeGreaterThanOrEqual(0);
    expect(addMask).toBeLessThan(main.stdout.indexOf('started '));
    // So is the runner's ID token, which gatepass asks for itself (not through core).
    const idTokenMask = main.stdout.split('\n').findIndex((line) => {
      if (!line.startsWith('::add-mask::')) return false;
      try {
        return decodeJwt(line.slice('::add-mask::'.length)).iss === gw.issuerUrl;
      } catch {
        return false;
      }
    });
    expect(idTokenMask).toBeGreaterThanOrEqual(0);
    expect(main.stdout).toMatch(/::debug::/); // RUNNER_DEBUG=1 was honoured, and leaked nothing

    const started = Number(/^started (\d+)$/m.exec(main.stdout)?.[1]);
    process.stdout.write(
      `gatepass e2e: node dist/main start → script start ${started - main.startedAt} ms\n`,
    );

    const outputs = readCommands(s.files.output);
    expect(outputs['request-id']).toMatch(/^[0-9a-f]{8}$/);
    expect(Date.parse(outputs['expires-at'] ?? '')).toBeGreaterThan(Date.now() + 8 * 60_000);
    expect(outputs['approved-by']).toBe('');
    const auditFile = outputs['audit-file'] ?? '';
    expect(auditFile).toBe(
      join(s.env.RUNNER_TEMP ?? '', `gatepass-audit-${outputs['request-id'] ?? ''}.json`),
    );

    const audit = JSON.parse(readFileSync(auditFile, 'utf8')) as Record<string, unknown>;
    expect(audit).toMatchObject({
      requestId: outputs['request-id'],
      outcome: 'succeeded',
      context: {
        repository: 'octo-org/app',
        sha: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
        runId: '9000001',
      },
      identity: { sub: 'repo:octo-org/app:ref:refs/heads/main' },
      gateway: { provider: 'token-exchange', url: gw.url },
      credentials: [
        {
          name: 'api',
          target: 'scope read, audience https://api.example.com',
          requestedTtlSeconds: 600,
          env: ['API_TOKEN'],
          revocable: true,
        },
      ],
      delivery: { run: true, export: 'none', exitCode: 0 },
      revocations: [{ name: 'api', result: 'revoked' }],
    });
    const { delivery, revocations } = audit as {
      delivery: { endedAt: string };
      revocations: Array<{ at: string }>;
    };
    const revokedAfterMs = Date.parse(revocations[0]?.at ?? '') - Date.parse(delivery.endedAt);
    process.stdout.write(`gatepass e2e: script end → revoked ${revokedAfterMs} ms\n`);
    expect(revokedAfterMs).toBeGreaterThanOrEqual(0);
    expect(revokedAfterMs).toBeLessThan(1_000);
    const summary = readFileSync(s.files.summary, 'utf8');
    expect(summary).toContain('### gatepass: ✅ succeeded');
    expect(summary).toMatch(/\| api \| ✅ revoked \| \S+ \(\d\.\d s after the command ended\) \|/);
    expect(summary).toContain(
      '| api | token-exchange | scope read, audience https://api.example.com | 10m |',
    );
    expect(summary).toContain(
      '[run 9000001 attempt 1](https://github.com/octo-org/app/actions/runs/9000001/attempts/1)',
    );

    const post = await runPost(s);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(
      'gatepass: nothing left to revoke: the main step revoked "api" when it ended',
    );
    expect(readFileSync(join(s.dir, 'post-summary.md'), 'utf8')).toBe('');

    expectMaskedLog(post.stdout + post.stderr, token);
    // Only the runner's state file holds it (the revocation handle), and the script's own file.
    expectNoSecretInFiles(s.dir, token, [s.files.state, join(s.dir, 'workspace', 'seen')]);
    // The script file is gone from RUNNER_TEMP.
    expect(readdirSync(s.env.RUNNER_TEMP ?? '')).toEqual([
      `gatepass-audit-${outputs['request-id'] ?? ''}.json`,
    ]);
  });

  it('fails the step with the script exit code and still revokes at its end', async () => {
    const s = step({ run: 'printf %s "$API_TOKEN" > seen\nexit 3' });
    const main = await runMain(s);
    expect(main.code).toBe(3);
    expect(main.stdout).toContain('::error::the script exited with 3');
    const token = seenToken(s);
    expect(await gw.introspect(token)).toEqual({ active: false });
    expect(readFileSync(s.files.summary, 'utf8')).toContain('script exited 3');
    expect((await runPost(s)).code).toBe(0);
  });

  it('a cancelled step (SIGTERM) stops the script and post still revokes', async () => {
    const s = step({ run: 'printf %s "$API_TOKEN" > seen\necho ready\nsleep 30 & wait' });
    const main = launch(MAIN, s.env);
    await waitFor(() => main.stdout().includes('ready'));
    const signalled = Date.now();
    main.child.kill('SIGTERM');
    const result = await main.result;
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('received SIGTERM: forwarding it to the script');
    const token = seenToken(s);
    expect(await gw.introspect(token)).toEqual({ active: false });
    expect((await runPost(s)).code).toBe(0);
  });

  it('a cancel while the exchange is in flight: its answer is awaited and revoked', async () => {
    const s = step({ run: 'echo never' });
    const from = gw.audit.length;
    const exchanges = gw.requests.filter((r) => r === 'POST /token').length;
    gw.intercept = (req) => (req.path === '/token' ? { delayMs: 800 } : undefined);
    try {
      const main = launch(MAIN, s.env);
      await waitFor(() => gw.requests.filter((r) => r === 'POST /token').length > exchanges);
      main.child.kill('SIGINT'); // the runner's cancel
      const result = await main.result;
      expect(result.code).toBe(1);
      expect(result.stdout).not.toContain('never');
      expect(result.stdout).toContain(
        '::error::the step was cancelled (SIGINT) before the command started',
      );
      expect(result.stdout).toContain('"api" revoked');
    } finally {
      gw.intercept = undefined;
    }
    expect(gw.tokens(from)).toEqual({ issued: 1, live: [] });
    const post = await runPost(s);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('nothing left to revoke');
  });

  it('a killed main whose post step never came is revoked by `gatepass revoke --state FILE`', async () => {
    const s = step({ run: 'printf %s "$API_TOKEN" > seen\necho ready\nsleep 30 & wait' });
    const main = launch(MAIN, s.env);
    await waitFor(() => main.stdout().includes('ready'));
    main.child.kill('SIGKILL'); // a crashed runner: no revocation, no post
    await main.result;
    const token = seenToken(s);
    expect(await gw.introspect(token)).toMatchObject({ active: true });
    const stateFile = join(s.dir, 'gatepass-state.json');
    writeFileSync(stateFile, readCommands(s.files.state).gatepass ?? '');
    const revoke = (file: string) =>
      launch(CLI, { PATH: process.env.PATH ?? '' }, ['revoke', '--state', file]).result;
    const first = await revoke(stateFile);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('"api" revoked');
    expect(first.stderr).not.toContain(token);
    expect(await gw.introspect(token)).toEqual({ active: false });
    expect(existsSync(stateFile)).toBe(false); // done with: removed
    const again = await revoke(stateFile); // twice is fine
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(
      /^gatepass: nothing to revoke: .*gatepass-state\.json does not exist/,
    );
    const unreadable = await revoke(s.dir); // a directory
    expect(unreadable.code).toBe(125);
    expect(unreadable.stderr).toMatch(/^gatepass: the state file .* is not a file of this user/);
  });

  it('bad input fails before any network call, naming the input and the fix', async () => {
    const before = gw.requests.length;
    const s = step({
      credentials: '- name: api\n  env: { PATH: access_token }',
      export: 'file',
      timeout: 'soon',
    });
    const main = await runMain(s);
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /^::error::input `credentials`: credential "api": env name PATH is reserved.*Pick another name/m,
    );
    expect(main.stdout).toMatch(/^::error::input `export` is "file"\. Use one of: none, env$/m);
    expect(main.stdout).toMatch(/^::error::input `timeout` is "soon", not a duration/m);
    expect(gw.requests.length).toBe(before);
    expect(readCommands(s.files.state)).toEqual({});
    const post = await runPost(s);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('nothing to revoke');
  });

  it('a missing working directory also fails before any network call', async () => {
    const before = gw.requests.length;
    const main = await runMain(step({ run: 'true', 'working-directory': 'nope' }));
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/::error::input `working-directory` nope is not a directory/);
    expect(gw.requests.length).toBe(before);
  });

  it('post with nothing saved says so and succeeds', async () => {
    const post = await runPost(step({}), {});
    expect(post).toMatchObject({ code: 0, stderr: '' });
    expect(post.stdout).toContain('nothing to revoke (the main step issued no credentials)');
  });

  it('retries a gateway that fails twice', async () => {
    let failures = 0;
    gw.intercept = (req) =>
      req.method === 'POST' && req.path === '/token' && failures++ < 2
        ? { status: 503 }
        : undefined;
    try {
      const s = step({ run: 'printf %s "$API_TOKEN" > seen' });
      const main = await runMain(s);
      expect(main.code).toBe(0);
      expect(failures).toBe(3);
      expect(main.stdout).toMatch(/HTTP 503.*retrying in/);
      expect((await runPost(s)).code).toBe(0);
      expect(await gw.introspect(seenToken(s))).toEqual({ active: false });
    } finally {
      gw.intercept = undefined;
    }
  });

  it('export: env hands masked variables to later steps, live until post revokes them at the end of the job', async () => {
    const s = step({ export: 'env' });
    const main = await runMain(s);
    expect(main.code).toBe(0);
    const exported = readCommands(s.files.env);
    const token = exported.API_TOKEN ?? '';
    expect(token.split('.')).toHaveLength(3);
    const addMask = main.stdout.indexOf(`::add-mask::${token}`);
    expect(addMask).toBeGreaterThanOrEqual(0);
    expect(main.stdout).toMatch(
      /::warning::exported API_TOKEN to later steps: their output is masked only by the runner/,
    );
    expectMaskedLog(main.stdout, token);
    expect(main.stdout).toContain(
      'the credentials stay valid for later steps (`export: env`): the post step revokes them when the job ends',
    );
    expect(await gw.introspect(token)).toMatchObject({ active: true });
    const post = await runPost(s);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('gatepass: "api" revoked');
    expect(await gw.introspect(token)).toEqual({ active: false });
  });

  it('provider vault: a dynamic database credential, masked, and post revokes lease and token', async () => {
    const s = step(
      {
        provider: 'vault',
        gateway: vault.url,
        audience: VAULT_AUDIENCE,
        'vault-role': 'ci',
        credentials:
          '- name: db\n  path: database/creds/migrator\n  env: { PGUSER: username, PGPASSWORD: password }',
        run: 'echo "started $(node -p "Date.now()")"\necho "user=$PGUSER password=$PGPASSWORD"\nprintf %s "$PGPASSWORD" > seen',
      },
      { ACTIONS_ID_TOKEN_REQUEST_URL: vaultTokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' },
    );
    const main = await runMain(s);
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/^user=\*\*\* password=\*\*\*$/m);
    const password = seenToken(s);
    expectMaskedLog(main.stdout, password);
    const started = Number(/^started (\d+)$/m.exec(main.stdout)?.[1]);
    process.stdout.write(
      `gatepass e2e (vault): node dist/main start → script start ${started - main.startedAt} ms\n`,
    );
    // Lease and login token revoked by main when the script ended.
    expect(vault.liveLeases()).toEqual([]);
    expect(vault.liveTokens()).toEqual([]);
    expect((await runPost(s)).code).toBe(0);
    expect(vault.violations).toEqual([]);
  });

  it("provider vault, plain credentials: main loads neither Node's fetch, yaml, TLS on plain HTTP, core's unused HTTP client, nor the stand-ins it does not call (ms of start-up each)", async () => {
    const s = step(
      {
        provider: 'vault',
        gateway: vault.url,
        audience: VAULT_AUDIENCE,
        'vault-role': 'ci',
        credentials: '- name: db\n  path: database/creds/migrator',
        run: 'true',
      },
      { ACTIONS_ID_TOKEN_REQUEST_URL: vaultTokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' },
    );
    // Preloaded into main: at its exit, the built-in modules and the files it loaded.
    const preload = join(s.dir, 'modules.mjs');
    const loaded = join(s.dir, 'modules.txt');
    writeFileSync(
      preload,
      [
        `import { writeFileSync } from 'node:fs';`,
        `import { Module } from 'node:module';`,
        `process.on('exit', () => writeFileSync(${JSON.stringify(loaded)}, [...process.moduleLoadList, ...Object.keys(Module._cache)].join('\\n')));`,
      ].join('\n'),
    );
    const main = await launch(MAIN, { ...s.env, NODE_OPTIONS: `--import=${preload}` }).result;
    expect(main.code).toBe(0);
    const modules = readFileSync(loaded, 'utf8').split('\n');
    expect(modules).toContain('NativeModule http');
    // None of the packages behind stand-ins (scripts/build.mjs) loads, nor
    // any stand-in file: they are bound to the bundle lazily
    // (scripts/defer-stand-ins.mjs), yaml, undici, core's HTTP client and
    // exec, the parser, and what node-vault requires (debug, which it calls
    // at load, included).
    expect(modules.filter((m) => /deps\/undici|\.cjs$/.test(m))).toEqual([]);
    // Nor what @actions/core's unused HTTP client and exec brought along (tunnel, assert),
    // nor TLS, which a Vault and token endpoint on plain HTTP never use, nor
    // perf_hooks (the `performance` global), for a debug line's duration.
    expect(modules.filter((m) => /^NativeModule (assert|https|tls|perf_hooks)$/.test(m))).toEqual(
      [],
    );
    expect((await runPost(s)).code).toBe(0);
  });

  it('provider vault: a cancel during the read leaves no token or lease live', async () => {
    const s = step(
      {
        provider: 'vault',
        gateway: vault.url,
        audience: VAULT_AUDIENCE,
        'vault-role': 'ci',
        credentials: [
          '- name: one\n  path: database/creds/migrator',
          '- name: two\n  path: database/creds/migrator',
        ].join('\n'),
        run: 'echo never',
      },
      { ACTIONS_ID_TOKEN_REQUEST_URL: vaultTokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' },
    );
    let reads = 0;
    // Both reads are on the wire, slow, when the cancel comes; each still answers.
    vault.intercept = (req) => {
      if (req.path !== '/v1/database/creds/migrator') return undefined;
      reads += 1;
      return { delayMs: 800 };
    };
    try {
      const main = launch(MAIN, s.env);
      await waitFor(() => reads === 2);
      main.child.kill('SIGINT');
      const result = await main.result;
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('"one" revoked');
      expect(result.stdout).toContain('"two" revoked');
    } finally {
      vault.intercept = undefined;
    }
    expect(vault.liveLeases()).toEqual([]);
    expect(vault.liveTokens()).toEqual([]);
    expect(vault.violations).toEqual([]);
  });

  it('a gateway refusal fails the step with the reason; nothing is left to revoke', async () => {
    const s = step({ credentials: '- name: admin\n  scope: admin' });
    const main = await runMain(s);
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::token exchange for "admin" was refused: HTTP 400 invalid_scope/,
    );
    expect(readFileSync(s.files.summary, 'utf8')).toContain('### gatepass: ❌ failed');
    expect(existsSync(readCommands(s.files.output)['audit-file'] ?? '')).toBe(true);
    const post = await runPost(s);
    expect(post.stdout).toContain('nothing to revoke');
  });
});

async function waitFor(test: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !test(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!test()) throw new Error('timed out waiting');
}

describe('behind a proxy (main and post), trusting a private CA by `ca-certificate`', () => {
  const NAMES = { vault: 'vault.corp.test', sts: 'sts.corp.test', hoop: 'hoop.corp.test' };
  const PASSWORD = 'pr0xy-s3cret-pw';
  const HOOP_KEY = `hpk_${'pr0xy'.repeat(8)}`;
  let ca: Ca;
  let hoop: HoopDouble;
  let fronts: Record<keyof typeof NAMES, Front>;
  let proxy: Proxy;

  beforeAll(async () => {
    ca = makeCa(Object.values(NAMES));
    hoop = await startHoopDouble({ connections: { pg: {} }, apiKeys: { [HOOP_KEY]: 'ci-bot' } });
    fronts = {
      vault: await tlsFront(vault.url, ca),
      // The reference gateway's discovery document names the address it is reached at.
      sts: await tlsFront(gw.url, ca, { publicName: NAMES.sts }),
      hoop: await tlsFront(hoop.url, ca),
    };
    proxy = await startProxy({
      hosts: Object.fromEntries(Object.values(NAMES).map((name) => [name, '127.0.0.1'])),
      credentials: { user: 'ci-bot', password: PASSWORD },
    });
  });
  afterAll(async () => {
    await proxy.close();
    for (const front of Object.values(fronts)) await front.close();
    await hoop.stop();
    ca.remove();
  });

  const at = (key: keyof typeof NAMES): string => `https://${NAMES[key]}:${fronts[key].port}`;

  /** Per provider: its inputs and runner variables, and what it has issued and not revoked. */
  const providers: Array<
    [
      string,
      () => {
        key: keyof typeof NAMES;
        inputs: Record<string, string>;
        extra: Record<string, string>;
        live: () => number;
      },
    ]
  > = [
    [
      'vault',
      () => ({
        key: 'vault',
        inputs: {
          provider: 'vault',
          'vault-role': 'ci',
          audience: VAULT_AUDIENCE,
          credentials: '- name: db\n  path: database/creds/migrator',
        },
        extra: { ACTIONS_ID_TOKEN_REQUEST_URL: vaultTokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' },
        live: () => vault.liveTokens().length + vault.liveLeases().length,
      }),
    ],
    [
      'token-exchange',
      () => {
        const from = gw.audit.length;
        // The subject token's audience: what the reference gateway accepts, its own address.
        return {
          key: 'sts',
          inputs: { audience: gw.url },
          extra: {},
          live: () => gw.tokens(from).live.length,
        };
      },
    ],
    [
      'hoop',
      () => ({
        key: 'hoop',
        inputs: {
          provider: 'hoop',
          'hoop-api-key': HOOP_KEY,
          credentials: '- name: pg\n  connection: pg',
        },
        extra: {},
        live: () => hoop.liveCredentials().length,
      }),
    ],
  ];

  it.each(providers)(
    '%s: main issues through the proxy, post revokes through it; the password never shows',
    async (_provider, setup) => {
      const { key, inputs, extra, live } = setup();
      const s = step(
        { gateway: at(key), 'ca-certificate': ca.caPem, export: 'env', ...inputs },
        { https_proxy: proxy.url, NO_PROXY: 'github.com', ...extra },
      );
      const before = proxy.connects.length;
      const main = await runMain(s);
      expect(main.stdout).not.toContain(PASSWORD);
      expect(main.code).toBe(0);
      expect(live()).toBeGreaterThan(0);
      const afterMain = proxy.connects.length;
      expect(afterMain).toBeGreaterThan(before);
      const post = await runPost(s);
      expect(post.stdout).not.toContain(PASSWORD);
      expect(post.code).toBe(0);
      expect(post.stdout).toMatch(/gatepass: "\w+" revoked/);
      expect(proxy.connects.length).toBeGreaterThan(afterMain);
      expect(new Set(proxy.connects.slice(before).map((c) => c.target))).toEqual(
        new Set([`${NAMES[key]}:${fronts[key].port}`]),
      );
      expect(live()).toBe(0);
      expect(hoop.violations).toEqual([]);
    },
  );
});
