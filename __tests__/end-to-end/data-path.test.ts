/**
 * The data path through the bundled CLI, as a GitLab job runs it: the
 * reference gateway issues a real PostgreSQL role (a throwaway cluster), and
 * with `proxy: postgres` the job gets only a loopback endpoint and a local
 * password. Its statements are checked against the guardrails (a DROP is
 * refused with the rule's name and the session goes on), written to the
 * session log and counted in the audit record; when the command ends the
 * endpoint closes and the role is dropped.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import { startVaultDouble, VAULT_AUDIENCE } from '../doubles/vault.js';
import type { TestGateway } from '../helpers/gateway.js';
import { postgresGateway, type PostgresGateway, type TestPostgres } from '../helpers/postgres.js';
import { CLI, MAIN, githubStep, launch, readCommands } from '../helpers/runner.js';

const POLICY = `
max_ttl: 1h
rules:
  - name: migrate
    match: { project_path: group/project }
    scopes: ['db:migrator']
    postgres: { grants: [migrator], database: app }
  - name: migrate-from-github
    match: { repository: octo-org/app }
    scopes: ['db:migrator']
    postgres: { grants: [migrator], database: app }
`;

let pg: TestPostgres;
let gw: TestGateway;
let root: string;
let db: PostgresGateway;

beforeAll(async () => {
  db = await postgresGateway({ policy: POLICY, tempPrefix: 'gatepass-data-path-' });
  ({ pg, gw, root } = db);
}, 60_000);

afterAll(async () => {
  expect(await db.stop()).toEqual([]);
});

interface Job {
  dir: string;
  env: Record<string, string>;
}

async function job(credentials: string): Promise<Job> {
  const dir = mkdtempSync(join(root, 'job-'));
  return {
    dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      TMPDIR: dir,
      GITLAB_CI: 'true',
      CI_PROJECT_DIR: dir,
      CI_PROJECT_PATH: 'group/project',
      CI_COMMIT_SHA: 'c'.repeat(40),
      CI_PIPELINE_ID: '88',
      CI_JOB_ID: '2001',
      CI_JOB_NAME: 'migrate',
      CI_SERVER_URL: 'https://gitlab.example.com',
      GATEPASS_PROVIDER: 'token-exchange',
      GATEPASS_GATEWAY: gw.url,
      GATEPASS_CREDENTIALS: credentials,
      GATEPASS_ID_TOKEN: await gw.mintIdToken({ platform: 'gitlab', audience: gw.url }),
    },
  };
}

const DB = [
  '- name: db',
  "  scope: 'db:migrator'",
  '  proxy: postgres',
  '  env: { PGHOST: host, PGPORT: port, PGDATABASE: database, PGUSER: username, PGPASSWORD: password, DATABASE_URL: url }',
].join('\n');

/** The script: its environment to a file (unmasked, for the test), then psql through the endpoint. */
function migration(statements: string[]): string[] {
  return [
    'sh',
    '-c',
    [
      'env > env.txt',
      'psql -v ON_ERROR_STOP=1 -Atc "select current_user" > who.txt',
      ...statements.map((sql) => `psql -Atc ${JSON.stringify(sql)} >> out.txt 2>> err.txt || true`),
      'echo done',
    ].join('\n'),
  ];
}

function auditOf(dir: string): {
  credentials: Array<{ dataPath?: Record<string, unknown> & { sessionLog?: string } }>;
  revocations?: Array<{ result: string }>;
} {
  // gatepass run on GitLab keeps its files in CI_PROJECT_DIR.tmp, as the runner does.
  const files = `${dir}.tmp`;
  const file = readdirSync(files).find((f) => f.startsWith('gatepass-audit-'));
  if (file === undefined) throw new Error(`no audit record in ${files}`);
  return JSON.parse(readFileSync(join(files, file), 'utf8')) as ReturnType<typeof auditOf>;
}

describe('proxy: postgres through `gatepass run`', () => {
  it('gives the job a loopback endpoint, refuses a DROP by rule, records the session, and closes it', async () => {
    const j = await job(DB);
    const run = launch(CLI, j.env, [
      'run',
      '--',
      ...migration([
        'create table widgets (id int)',
        'insert into widgets values (1), (2)',
        'select count(*) from widgets',
        'drop table widgets',
        'select count(*) from widgets',
      ]),
    ]);
    const result = await run.result;
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('done');

    const env = Object.fromEntries(
      readFileSync(join(j.dir, 'env.txt'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    // The job talks to gatepass on loopback, never to the server.
    expect(env.PGHOST).toBe('127.0.0.1');
    expect(env.PGPORT).not.toBe(String(pg.port));
    const role = readFileSync(join(j.dir, 'who.txt'), 'utf8').trim();
    expect(role).toMatch(/^gp_[0-9a-f]{12}$/);
    // No value in its environment logs in to the server as that role.
    for (const value of new Set(Object.values(env))) {
      if (value.length < 8) continue;
      const url = `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(value)}@127.0.0.1:${pg.port}/app`;
      expect(await pg.tryConnect(url)).not.toBe('ok');
    }

    // The DROP never ran; the statements after it did.
    const out = readFileSync(join(j.dir, 'out.txt'), 'utf8').split('\n');
    expect(out.filter((line) => line === '2')).toHaveLength(2);
    const errors = readFileSync(join(j.dir, 'err.txt'), 'utf8');
    expect(errors).toMatch(/DROP TABLE .*denied by rule no-drop/);
    expect(await pg.query('select count(*)::int as n from widgets')).toEqual([{ n: 2 }]);

    // The session is in the audit record and the session log.
    const audit = auditOf(j.dir);
    const path = audit.credentials[0]?.dataPath;
    expect(path).toMatchObject({
      kind: 'postgres',
      blocked: [expect.objectContaining({ rule: 'no-drop' })],
    });
    expect((path?.byKind as Record<string, number>)['CREATE TABLE']).toBe(1);
    const log = readFileSync(path?.sessionLog ?? '', 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.map((e) => e.outcome)).toEqual(expect.arrayContaining(['ok', 'blocked']));
    expect(log.find((e) => e.outcome === 'blocked')).toMatchObject({
      rule: 'no-drop',
      sqlstate: '42501',
    });
    expect(result.stdout + result.stderr).toContain('no-drop');

    // Closed and revoked when the command ended.
    expect(await pg.gatewayRoles()).not.toContain(role);
    const client = new Client({
      connectionString: env.DATABASE_URL,
      connectionTimeoutMillis: 2_000,
    });
    await expect(client.connect()).rejects.toThrow();
  }, 60_000);
});

describe('proxy: postgres in the action bundle', () => {
  it('loads the parser from dist/main, refuses a TRUNCATE, and writes the session into the step summary', async () => {
    const s = githubStep({
      root,
      inputs: {
        gateway: gw.url,
        credentials: DB,
        run: [
          'psql -v ON_ERROR_STOP=1 -qc "create table gadgets (id int)"',
          'psql -qc "insert into gadgets values (1)"',
          'psql -c "truncate gadgets" 2> truncate.err || true',
          'psql -Atc "select count(*) from gadgets"',
        ].join('\n'),
      },
      idToken: { url: gw.idTokenRequestUrl, token: gw.idTokenRequestToken },
    });
    const main = await launch(MAIN, s.env).result;
    expect({ code: main.code, stderr: main.stderr }).toEqual({ code: 0, stderr: '' });
    expect(main.stdout).toMatch(/^1$/m);
    expect(readFileSync(join(s.workspace, 'truncate.err'), 'utf8')).toMatch(
      /ERROR: +gatepass: TRUNCATE .*denied by rule no-truncate/,
    );
    const summary = readFileSync(s.files.summary, 'utf8');
    expect(summary).toContain('**Data path `db`** (postgres');
    expect(summary).toMatch(/\| `truncate gadgets` \| no-truncate \| blocked \|/);
    const audit = JSON.parse(
      readFileSync(readCommands(s.files.output)['audit-file'] ?? '', 'utf8'),
    ) as { credentials: Array<{ dataPath?: { byKind: Record<string, number> } }> };
    expect(audit.credentials[0]?.dataPath?.byKind).toMatchObject({
      'CREATE TABLE': 1,
      TRUNCATE: 1,
    });
  }, 60_000);
});

describe('proxy: postgres with Vault', () => {
  it("logs in upstream with the database engine's username and password, which the job never sees", async () => {
    // The double's database engine makes real roles, as Vault's runs its creation statements.
    const vault = await startVaultDouble({
      roles: {
        ci: {
          boundAudiences: [VAULT_AUDIENCE],
          boundClaims: { project_path: ['group/project'] },
          policies: [
            { path: 'database/creds/migrator', capabilities: ['read'] },
            { path: 'sys/leases/revoke', capabilities: ['update'] },
          ],
        },
      },
      databaseRoles: {
        migrator: {
          ttl: 600,
          database: {
            create: async ({ username, password }) => {
              await pg.query(
                `CREATE ROLE "${username}" LOGIN PASSWORD '${password}' IN ROLE migrator`,
              );
            },
            drop: async (username) => {
              await pg.query(`DROP ROLE IF EXISTS "${username}"`);
            },
          },
        },
      },
    });
    try {
      const j = await job(
        [
          '- name: db',
          '  path: database/creds/migrator',
          '  proxy: postgres',
          `  upstream: postgresql://127.0.0.1:${pg.port}/app`,
          '  env: { PGHOST: host, PGPORT: port, PGDATABASE: database, PGUSER: username, PGPASSWORD: password }',
        ].join('\n'),
      );
      const env = {
        ...j.env,
        GATEPASS_PROVIDER: 'vault',
        GATEPASS_GATEWAY: vault.url,
        GATEPASS_AUDIENCE: VAULT_AUDIENCE,
        GATEPASS_VAULT_ROLE: 'ci',
        GATEPASS_ID_TOKEN: await vault.issuer.mint({
          platform: 'gitlab',
          audience: VAULT_AUDIENCE,
        }),
      };
      const result = await launch(CLI, env, [
        'run',
        '--',
        'sh',
        '-c',
        'env > env.txt; psql -v ON_ERROR_STOP=1 -Atc "select current_user" > who.txt',
      ]).result;
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
      const role = readFileSync(join(j.dir, 'who.txt'), 'utf8').trim();
      expect(role).toMatch(/^v-jwt-migrator-[0-9a-f]{12}$/);
      // The job's environment holds neither the user nor its password.
      const held = readFileSync(join(j.dir, 'env.txt'), 'utf8');
      expect(held).not.toContain(role);
      expect(held).toMatch(/^PGHOST=127\.0\.0\.1$/m);
      // The lease was revoked when the command ended: the role is gone.
      expect(await pg.query('select 1 from pg_roles where rolname = $1', [role])).toEqual([]);
      expect(vault.liveLeases()).toEqual([]);
    } finally {
      await vault.stop();
    }
  }, 60_000);
});
