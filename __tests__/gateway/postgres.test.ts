/**
 * Just-in-time PostgreSQL roles from the reference gateway, against a real
 * server (a throwaway cluster per run): through the action bundle as the
 * runner runs it, and on the gateway's own endpoints.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { Client } from 'pg';
import { POSTGRES_URL_TOKEN_TYPE, parsePolicy } from '../../examples/gateway/index.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { postgresGateway, type PostgresGateway, type TestPostgres } from '../helpers/postgres.js';
import {
  MAIN,
  POST,
  githubStep,
  launch,
  readCommands,
  type Result,
  type Step,
} from '../helpers/runner.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

const POLICY = `
max_ttl: 1h
default_ttl: 15m
rules:
  - name: migrate
    match: { repository: octo-org/app }
    scopes: ['db:migrator']
    postgres: { grants: [migrator], database: app, connection_limit: 3 }
  - name: broken-grant
    match: { repository: octo-org/app }
    scopes: ['db:broken']
    postgres: { grants: [migrator, no_such_role], database: app }
  - name: read
    match: { repository: octo-org/app }
    scopes: [read]
`;

let pg: TestPostgres;
let gw: TestGateway;
let root: string;
let db: PostgresGateway;
/** Every password issued here: none may show up in any log. */
const passwords = new Set<string>();

beforeAll(async () => {
  db = await postgresGateway({ policy: POLICY, tempPrefix: 'gatepass-pg-action-' });
  ({ pg, gw, root } = db);
}, 60_000);
afterAll(async () => {
  // Leave nothing behind: stop() dropped every role the gateway made.
  expect(await db.stop()).toEqual([]);
});

interface Exchanged {
  status: number;
  body: Record<string, unknown>;
}

async function exchange(
  gateway: { url: string; mintIdToken: TestGateway['mintIdToken'] },
  extra: Record<string, string> = {},
): Promise<Exchanged> {
  const res = await fetch(`${gateway.url}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: EXCHANGE,
      client_id: 'gatepass',
      subject_token: await gateway.mintIdToken({ platform: 'github' }),
      subject_token_type: ID_TOKEN,
      scope: 'db:migrator',
      ...extra,
    }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (typeof body.password === 'string') passwords.add(body.password);
  return { status: res.status, body };
}

async function revoke(token: string, gateway: { url: string } = gw): Promise<number> {
  const res = await fetch(`${gateway.url}/revoke`, {
    method: 'POST',
    body: new URLSearchParams({ token, client_id: 'gatepass' }),
  });
  return res.status;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Every printable form of a password a log could hold. */
function forms(secret: string): string[] {
  const b = Buffer.from(secret);
  return [
    secret,
    b.toString('base64'),
    b.toString('base64url'),
    b.toString('hex'),
    encodeURIComponent(secret),
  ];
}

/** No line shows a password, except the runner's own `::add-mask::` commands (it consumes them). */
function expectNoPassword(log: string, secrets: Iterable<string> = passwords): void {
  const lines = log.split('\n').filter((line) => !line.startsWith('::add-mask::'));
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      expect({ form, leaked: lines.some((line) => line.includes(form)) }).toEqual({
        form,
        leaked: false,
      });
    }
  }
}

describe('policy: postgres', () => {
  it('reads grants, database and connection_limit, and refuses what it does not know', () => {
    const rule = (postgres: string) =>
      parsePolicy(`rules:\n  - match: { repository: a/b }\n    postgres: ${postgres}\n`).rules[0]
        ?.postgres;
    expect(rule('{ grants: [migrator, reader], database: app, connection_limit: 2 }')).toEqual({
      grants: ['migrator', 'reader'],
      database: 'app',
      connectionLimit: 2,
    });
    expect(rule('{}')).toEqual({ grants: [], database: undefined, connectionLimit: undefined });
    expect(rule('')).toEqual({ grants: [], database: undefined, connectionLimit: undefined });
    expect(() => rule('{ grant: [migrator] }')).toThrow('unknown key `grant`');
    expect(() => rule('{ connection_limit: 0 }')).toThrow('connection_limit must be a positive');
    expect(() => rule('[migrator]')).toThrow('must be a mapping');
  });
});

describe('the action runs psql with a role made for it', () => {
  it('connects as a fresh role, masks it, and drops the role when the script ends', async () => {
    const s = step({
      credentials: [
        '- name: db',
        '  ttl: 10m',
        "  scope: 'db:migrator'",
        `  requested-token-type: ${POSTGRES_URL_TOKEN_TYPE}`,
        '  env: { DATABASE_URL: access_token }',
      ].join('\n'),
      run: [
        'printf %s "$DATABASE_URL" > url',
        'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -Atc "select current_user" > who',
        'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qc "create table widgets (id int)"',
        'echo "url: $DATABASE_URL"',
        'pw=${DATABASE_URL#postgresql://*:}; echo "password: ${pw%%@*}"',
        'psql "$DATABASE_URL" -Atc "select current_user"',
        'echo "on stderr: $DATABASE_URL" >&2',
      ].join('\n'),
    });
    const main = await launch(MAIN, s.env).result;
    expect({ code: main.code, stderr: main.stderr }).toEqual({
      code: 0,
      stderr: 'on stderr: ***\n',
    });

    const url = new URL(readFileSync(join(s.workspace, 'url'), 'utf8'));
    const [role, password] = [url.username, decodeURIComponent(url.password)];
    passwords.add(password);
    expect(role).toMatch(/^gp_[0-9a-f]{12}$/);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(`${url.hostname}:${url.port}${url.pathname}`).toBe(`127.0.0.1:${pg.port}/app`);
    expect(readFileSync(join(s.workspace, 'who'), 'utf8').trim()).toBe(role);
    expect(main.stdout).toMatch(/^url: \*\*\*$/m);
    // The role name is inside the secret URL, so it is masked too.
    expect(
      main.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes(role)),
    ).toEqual([]);
    expectNoPassword(main.stdout + main.stderr);
    // The role is dropped when the script ends, inside the main step.
    expect(main.stdout).toContain('"db" revoked');
    expect(await pg.gatewayRoles()).not.toContain(role);

    const post = await runPost(s);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('nothing left to revoke');
    expect(await pg.tryConnect(url.href)).toBe('28P01'); // password authentication failed
    expect(await owner('widgets')).toBe('migrator'); // the migration outlives its role

    expectNoPassword(post.stdout + post.stderr);
    const auditFile = readCommands(s.files.output)['audit-file'] ?? '';
    expectNoPassword(readFileSync(auditFile, 'utf8'));
    expectNoPassword(gw.audit.join('\n'));
    // Only the runner's state (the revocation handle) and the script's own file hold it.
    expectNoPasswordInFiles(s.dir, password, [s.files.state, join(s.workspace, 'url')]);
    const issued = gw.audit.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(issued).toContainEqual(
      expect.objectContaining({ event: 'token.issued', postgres_role: role }),
    );
    expect(issued).toContainEqual(
      expect.objectContaining({ event: 'token.revoked', postgres_role: role }),
    );
  });

  it('a grant of a role that does not exist fails the step with the reason, leaving no role', async () => {
    const before = await pg.gatewayRoles();
    const s = step({
      credentials: `- name: db\n  scope: 'db:broken'\n  requested-token-type: ${POSTGRES_URL_TOKEN_TYPE}\n  env: { DATABASE_URL: access_token }`,
      run: 'echo never',
    });
    const main = await launch(MAIN, s.env).result;
    expect(main.code).not.toBe(0);
    expect(main.stdout).not.toMatch(/^never$/m);
    expect(main.stdout + main.stderr).toContain('role "no_such_role" does not exist');
    expect(main.stdout + main.stderr).toContain('fix `postgres.grants` in the policy');
    expect(await newRoles(before)).toEqual([]);
  });
});

describe('token endpoint', () => {
  it('answers the role as additional members, VALID UNTIL the token exp to the second', async () => {
    const { status, body } = await exchange(gw, { expires_in: '120' });
    expect(status).toBe(200);
    const role = text(body.username);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 120,
      host: '127.0.0.1',
      port: pg.port,
      database: 'app',
      username: expect.stringMatching(/^gp_[0-9a-f]{12}$/),
      password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    expect(body.url).toBe(`postgresql://${role}:${text(body.password)}@127.0.0.1:${pg.port}/app`);
    const exp = decodeJwt(text(body.access_token)).exp;
    const [row] = await pg.query<{ until: string; limit: number; login: boolean }>(
      `SELECT extract(epoch FROM rolvaliduntil)::bigint AS until, rolconnlimit AS limit, rolcanlogin AS login
       FROM pg_roles WHERE rolname = $1`,
      [role],
    );
    expect(row).toEqual({ until: String(exp), limit: 3, login: true });
    const member = await pg.query(
      `SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
       WHERE g.rolname = 'migrator' AND r.rolname = $1`,
      [role],
    );
    expect(member).toHaveLength(1);
    expect(await pg.tryConnect(text(body.url))).toBe('ok');
    expect(await revoke(text(body.access_token))).toBe(200);
  });

  it('gives two concurrent requests two different roles', async () => {
    const [a, b] = await Promise.all([exchange(gw), exchange(gw)]);
    const roles = [text(a.body.username), text(b.body.username)];
    expect(roles[0]).not.toBe(roles[1]);
    expect(await pg.gatewayRoles()).toEqual(expect.arrayContaining(roles));
    expect(await Promise.all([a, b].map((r) => pg.tryConnect(text(r.body.url))))).toEqual([
      'ok',
      'ok',
    ]);
    await Promise.all([a, b].map((r) => revoke(text(r.body.access_token))));
    expect(await pg.gatewayRoles()).toEqual(expect.not.arrayContaining([roles[0]]));
    expect(await pg.gatewayRoles()).toEqual(expect.not.arrayContaining([roles[1]]));
  });

  it('issues the URL itself as the token when asked for that token type, and revokes by it', async () => {
    const { body } = await exchange(gw, { requested_token_type: POSTGRES_URL_TOKEN_TYPE });
    expect(body).toMatchObject({
      access_token: body.url,
      issued_token_type: POSTGRES_URL_TOKEN_TYPE,
    });
    expect(await gw.introspect(text(body.url))).toMatchObject({
      active: true,
      scope: 'db:migrator',
    });
    expect(await revoke(text(body.url))).toBe(200);
    expect(await gw.introspect(text(body.url))).toEqual({ active: false });
    expect(await pg.gatewayRoles()).not.toContain(body.username);
  });

  it('refuses the URL token type under a rule without postgres', async () => {
    const { status, body } = await exchange(gw, {
      scope: 'read',
      requested_token_type: POSTGRES_URL_TOKEN_TYPE,
    });
    expect(status).toBe(400);
    expect(body.error_description).toContain('needs a policy rule with `postgres:`');
  });
});

describe('revocation', () => {
  it('ends the sessions, drops the role, and the old password fails', async () => {
    const { body } = await exchange(gw);
    const session = new Client({ connectionString: text(body.url) });
    await session.connect();
    const ended = new Promise<unknown>((resolve) => session.on('error', resolve));
    expect(await revoke(text(body.access_token))).toBe(200);
    expect(String(await ended)).toMatch(/terminat/);
    await session.end().catch(() => undefined);
    expect(await pg.gatewayRoles()).not.toContain(body.username);
    expect(await pg.tryConnect(text(body.url))).toBe('28P01');
  });

  it('is fine twice, concurrently, for unknown tokens and for expired ones', async () => {
    const { body } = await exchange(gw);
    const token = text(body.access_token);
    expect(await Promise.all([revoke(token), revoke(token)])).toEqual([200, 200]);
    expect(await revoke(token)).toBe(200);
    const revoked = gw.audit.filter(
      (l) => l.includes('"token.revoked"') && l.includes(text(body.username)),
    );
    expect(revoked).toHaveLength(1);
    expect(await revoke('not-a-token-we-issued')).toBe(200);

    const short = await exchange(gw, { expires_in: '1' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await revoke(text(short.body.access_token))).toBe(200);
    expect(await pg.gatewayRoles()).not.toContain(short.body.username);
  });

  it('drops a role once it expires, ending its open sessions (VALID UNTIL alone would not)', async () => {
    // 2 s: `exp` is whole seconds, so 1 s could leave no time to log in first.
    const { body } = await exchange(gw, { expires_in: '2' });
    const session = new Client({ connectionString: text(body.url) });
    await session.connect();
    const ended = new Promise<unknown>((resolve) => session.on('error', resolve));
    expect(String(await ended)).toMatch(/terminat/);
    await session.end().catch(() => undefined);
    // Sessions end inside the dropping transaction: the role is gone once it commits.
    await waitForAsync(async () => !(await pg.gatewayRoles()).includes(text(body.username)));
    expect(gw.audit.join('\n')).toMatch(
      new RegExp(
        `"postgres.role_dropped","postgres_role":"${text(body.username)}","reason":"expired"`,
      ),
    );
  });
});

describe('unhappy paths', () => {
  it('PostgreSQL down: 503 with the reason, no role left, and it recovers', async () => {
    const before = await pg.gatewayRoles();
    await exchange(gw).then((r) => revoke(text(r.body.access_token))); // the pool holds connections
    await pg.pause();
    try {
      const { status, body } = await exchange(gw);
      expect(status).toBe(503);
      expect(body.error).toBe('temporarily_unavailable');
      expect(body.error_description).toMatch(
        new RegExp(
          `^rule "migrate": cannot reach PostgreSQL at 127\\.0\\.0\\.1:${pg.port} to create the role .*: start the server, or fix the gateway's --postgres$`,
        ),
      );
    } finally {
      await pg.resume();
    }
    expect(await newRoles(before)).toEqual([]);
    const again = await exchange(gw);
    expect(again.status).toBe(200);
    expect(await revoke(text(again.body.access_token))).toBe(200);
  });

  it('a grant of a missing role: 400 naming the fix, no half-created role', async () => {
    const before = await pg.gatewayRoles();
    const { status, body } = await exchange(gw, { scope: 'db:broken' });
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'invalid_request',
      error_description: `rule "broken-grant": PostgreSQL at 127.0.0.1:${pg.port} refused to create the role: role "no_such_role" does not exist; create that role, or fix \`postgres.grants\` in the policy`,
    });
    expect(await newRoles(before)).toEqual([]);
    expect(gw.audit.at(-1)).toContain('"event":"token.failed"');
  });

  it('a rule that asks for postgres on a gateway without it: 400 naming the flag', async () => {
    const bare = await testGateway({ policy: POLICY });
    try {
      const { status, body } = await exchange(bare);
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_request');
      expect(body.error_description).toContain('start it with --postgres postgresql://');
    } finally {
      await bare.stop();
    }
  });
});

describe('stopping the gateway', () => {
  it('stop() drops every role it made', async () => {
    const own = await testGateway({ policy: POLICY, postgres: { url: pg.adminUrl } });
    const made = await Promise.all([exchange(own), exchange(own)]);
    const roles = made.map((r) => text(r.body.username));
    expect(await pg.gatewayRoles()).toEqual(expect.arrayContaining(roles));
    await own.stop();
    const left = await pg.gatewayRoles();
    for (const role of roles) expect(left).not.toContain(role);
    expect(own.audit.filter((l) => l.includes('"reason":"gateway stopped"'))).toHaveLength(2);
  });

  it('server.ts --postgres: the demo policy issues a role, SIGTERM drops it', async () => {
    const child = spawn(
      process.execPath,
      ['examples/gateway/server.ts', '--port', '0', '--postgres', pg.adminUrl],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    const stderr: string[] = [];
    child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      void exited.then((code) => {
        reject(new Error(`exited ${String(code)}: ${stderr.join('')}`));
      });
    });
    await waitFor(() => stderr.join('').includes('ACTIONS_ID_TOKEN_REQUEST_TOKEN='));
    const banner = stderr.join('');
    expect(banner).toContain(
      `PostgreSQL roles are created as gp_admin@127.0.0.1:${pg.port}/postgres`,
    );
    expect(banner).not.toContain(pg.admin.password);
    const requestUrl = /ACTIONS_ID_TOKEN_REQUEST_URL='([^']+)'/.exec(banner)?.[1] ?? '';
    const requestToken = /ACTIONS_ID_TOKEN_REQUEST_TOKEN='([^']+)'/.exec(banner)?.[1] ?? '';
    const idToken = await fetch(`${requestUrl}&audience=${encodeURIComponent(url)}`, {
      headers: { authorization: `bearer ${requestToken}` },
    });
    const { value } = (await idToken.json()) as { value: string };
    const res = await fetch(`${url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: EXCHANGE,
        client_id: 'gatepass',
        subject_token: value,
        subject_token_type: ID_TOKEN,
        scope: 'db',
      }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    passwords.add(text(body.password));
    expect(body.database).toBe('postgres');
    expect(await pg.tryConnect(text(body.url))).toBe('ok');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await pg.gatewayRoles()).not.toContain(body.username);
  });
});

describe('the passwords', () => {
  it('never appear in the gateway audit log', () => {
    expect(passwords.size).toBeGreaterThan(5);
    expectNoPassword(gw.audit.join('\n'));
  });
});

/** Roles made since `before` was taken (a sweep may have dropped some of those meanwhile). */
async function newRoles(before: string[]): Promise<string[]> {
  return (await pg.gatewayRoles()).filter((role) => !before.includes(role));
}

async function owner(table: string): Promise<string | undefined> {
  const rows = await pg.query<{ owner: string }>(
    'SELECT tableowner AS owner FROM pg_tables WHERE tablename = $1',
    [table],
  );
  return rows[0]?.owner;
}

function expectNoPasswordInFiles(dir: string, password: string, allowed: string[]): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: false }) as string[]) {
    const path = join(dir, entry);
    if (allowed.includes(path) || !statSync(path).isFile()) continue;
    const content = readFileSync(path, 'utf8');
    for (const form of forms(password)) {
      expect({ path, leaked: content.includes(form) }).toEqual({ path, leaked: false });
    }
  }
}

function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  return waitForAsync(() => Promise.resolve(check()), timeoutMs);
}

async function waitForAsync(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A step of `octo-org/app` with the gateway's URL and ID-token endpoint. */
function step(inputs: Record<string, string>): Step {
  return githubStep({
    root,
    inputs: { gateway: gw.url, ...inputs },
    idToken: { url: gw.idTokenRequestUrl, token: gw.idTokenRequestToken },
  });
}

/** Post in a new step context, with STATE_* from what main saved, as the runner does. */
function runPost(s: Step): Promise<Result> {
  const env: Record<string, string> = {
    ...s.env,
    GITHUB_STEP_SUMMARY: join(s.dir, 'post-summary.md'),
  };
  writeFileSync(env.GITHUB_STEP_SUMMARY ?? '', '');
  for (const [name, value] of Object.entries(readCommands(s.files.state)))
    env[`STATE_${name}`] = value;
  return launch(POST, env).result;
}
