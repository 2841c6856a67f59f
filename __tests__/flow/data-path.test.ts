/**
 * The data path in-process (main with a recording host), against the
 * reference gateway and a real PostgreSQL cluster: what the one end-to-end
 * test cannot reach cheaply. A `review` rule holds a statement for the
 * approval gate (approved: it runs; denied: refused, the session goes on; no
 * gate: refused as having no approval source); a short-lived credential is
 * issued again for new connections and every issue is revoked; `proxy: http`
 * adds the issued token upstream, refuses a DELETE by rule, and closes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GatepassError } from '../../src/common/errors.js';
import type { ApprovalGate } from '../../src/flow/host.js';
import { refreshDue } from '../../src/flow/data-path.js';
import type { Issued } from '../../src/gateways/gateway.js';
import type { MainRuntime } from '../../src/flow/job.js';
import type { RequestSubject } from '../../src/approvals/policy.js';
import type { DataPathRecord } from '../../src/audit/record.js';
import { runActionMain } from '../../src/platform/github.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { recordingHost, type RecordingHost } from '../helpers/host.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

const POLICY = `
max_ttl: 1h
default_ttl: 15m
rules:
  - name: read
    match: { repository: octo-org/app }
    scopes: [read]
    audiences: ["https://api.example.com"]
  - name: migrate
    match: { repository: octo-org/app }
    scopes: ['db:migrator']
    postgres: { grants: [migrator], database: app }
`;

let pg: TestPostgres;
let gw: TestGateway;
let root: string;

beforeAll(async () => {
  pg = await startPostgres();
  gw = await testGateway({ policy: POLICY, postgres: { url: pg.adminUrl } });
  root = mkdtempSync(join(tmpdir(), 'gatepass-flow-data-path-'));
}, 60_000);

afterAll(async () => {
  await gw.stop();
  await pg.stop();
  rmSync(root, { recursive: true, force: true });
});

interface Step {
  rec: RecordingHost;
  dir: string;
  code: number;
  output: string;
  audit: {
    requestId: string;
    credentials: Array<{ name: string; dataPath?: DataPathRecord }>;
    revocations?: Array<{ name: string; result: string }>;
  };
}

/** Main with these inputs in a fresh directory; the script runs there. */
async function step(inputs: Record<string, string>, approvalGate?: ApprovalGate): Promise<Step> {
  const dir = mkdtempSync(join(root, 'job-'));
  const rec = recordingHost({ dir, idToken: () => gw.github() });
  const all: Record<string, string> = { gateway: gw.url, ...inputs };
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const rt: MainRuntime = {
    host: rec.host,
    stdout: out,
    stderr: out,
    onSignal: () => () => undefined,
    ...(approvalGate === undefined ? {} : { approvalGate }),
  };
  const code = await runActionMain(rt, (name) => all[name] ?? '');
  const audit = JSON.parse(readFileSync(rec.outputs['audit-file'] ?? '', 'utf8')) as Step['audit'];
  return { rec, dir, code, output: Buffer.concat(chunks).toString(), audit };
}

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}

function dataPathOf(s: Step): DataPathRecord {
  const path = s.audit.credentials[0]?.dataPath;
  if (path === undefined) throw new Error(`no data path in the audit record: ${s.output}`);
  return path;
}

function sessionLog(s: Step): Array<Record<string, unknown>> {
  return read(dataPathOf(s).sessionLog ?? '', '')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** An approval gate that records each request and answers it in turn: approve, deny, or time out. */
function fakeGate(answers: Array<'approve' | 'deny' | 'time out'>) {
  const requests: Array<{ id: string; subject: RequestSubject }> = [];
  const gate: ApprovalGate = {
    wait: ({ id, subject }) => {
      requests.push({ id, subject });
      const answer = answers[requests.length - 1];
      if (answer === 'approve') return Promise.resolve([{ login: 'alice' }]);
      if (answer === 'time out') {
        return Promise.reject(new GatepassError('TIMEOUT', 'no approval within 30m'));
      }
      return Promise.reject(new GatepassError('DENIED', 'bob denied it'));
    },
  };
  return { gate, requests };
}

const psql = (sql: string): string =>
  `psql -Atc ${JSON.stringify(sql)} >> out.txt 2>> err.txt || true`;

function reviewed(table: string): Record<string, string> {
  return {
    credentials: [
      '- name: db',
      "  scope: 'db:migrator'",
      '  proxy: postgres',
      '  env: { PGHOST: host, PGPORT: port, PGDATABASE: database, PGUSER: username, PGPASSWORD: password }',
      '  guardrails: { rules: [{ name: review-deletes, action: review, statements: [DELETE] }] }',
    ].join('\n'),
    run: [
      'env > env.txt',
      `psql -v ON_ERROR_STOP=1 -Atc "create table ${table} (id int)"`,
      `psql -v ON_ERROR_STOP=1 -Atc "insert into ${table} values (1), (2), (3)"`,
      psql(`delete from ${table} where id = 1`),
      // Quotes the endpoint's password (a registered secret): the approver sees it masked.
      psql(`delete from ${table} where id = 2 and '$PGPASSWORD' <> ''`),
      psql(`select count(*) from ${table}`),
    ].join('\n'),
  };
}

describe('proxy: postgres with a review rule', () => {
  it('holds each DELETE for the gate: approved runs, denied is refused by rule and the session goes on', async () => {
    const { gate, requests } = fakeGate(['approve', 'deny']);
    const s = await step(reviewed('held_rows'), gate);
    expect({ code: s.code, output: s.output }).toMatchObject({ code: 0 });

    // The approved DELETE ran, the denied one did not; the SELECT after it ran.
    expect(await pg.query('select id from held_rows order by id')).toEqual([{ id: 2 }, { id: 3 }]);
    expect(read(s.dir, 'out.txt').trim().split('\n').at(-1)).toBe('2');
    const errors = read(s.dir, 'err.txt');
    expect(errors).toContain('review-deletes');
    expect(errors).toContain('bob denied it');

    // The gate saw each held statement, masked, with its rule, under its own id.
    expect(requests.map((r) => r.subject.held)).toEqual([
      expect.objectContaining({
        credential: 'db',
        what: 'statement',
        text: 'delete from held_rows where id = 1',
        rule: 'review-deletes',
      }),
      expect.objectContaining({
        text: expect.stringMatching(/^delete from held_rows where id = 2 and '\*+' <> ''$/),
      }),
    ]);
    const password = /^PGPASSWORD=(.+)$/m.exec(read(s.dir, 'env.txt'))?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(JSON.stringify(requests)).not.toContain(password);
    const ids = requests.map((r) => r.id);
    expect(new Set([...ids, s.audit.requestId]).size).toBe(3);

    expect(dataPathOf(s).held).toEqual([
      expect.objectContaining({
        rule: 'review-deletes',
        outcome: 'approved',
        approvers: ['alice'],
      }),
      expect.objectContaining({ rule: 'review-deletes', outcome: 'denied' }),
    ]);
  }, 60_000);

  it('records a statement whose approval timed out as timed out, not failed', async () => {
    const { gate } = fakeGate(['time out', 'approve']);
    const s = await step(reviewed('late_rows'), gate);
    expect({ code: s.code, output: s.output }).toMatchObject({ code: 0 });
    expect(read(s.dir, 'err.txt')).toContain('no approval within 30m');
    expect(await pg.query('select id from late_rows order by id')).toEqual([{ id: 1 }, { id: 3 }]);
    expect(dataPathOf(s).held.map((h) => h.outcome)).toEqual(['timed-out', 'approved']);
  }, 60_000);

  it('without an approval gate, refuses the DELETE as having no approval source', async () => {
    const s = await step(reviewed('unheld_rows'));
    expect({ code: s.code, output: s.output }).toMatchObject({ code: 0 });
    expect(await pg.query('select count(*)::int as n from unheld_rows')).toEqual([{ n: 3 }]);
    expect(read(s.dir, 'err.txt')).toMatch(/review-deletes.*no approval source/);
    expect(dataPathOf(s).held.map((h) => h.outcome)).toEqual([
      'no-approval-source',
      'no-approval-source',
    ]);
  }, 60_000);
});

describe('when an upstream credential is renewed', () => {
  const at = (lifeMs: number): Issued => ({
    kind: 'issued',
    name: 'db',
    values: {},
    expiresAt: new Date(lifeMs),
  });
  it.each([
    // life, time since issue: not yet due, then due
    [15 * 60_000, 675_000 - 1, 675_000], // a quarter left: 225 s
    [2 * 60_000, 60_000 - 1, 60_000], // a minute left, which is more than a quarter
    [60_000, 30_000 - 1, 30_000], // at most half: not due at once
    [30_000, 15_000 - 1, 15_000],
    [6_000, 3_000 - 1, 3_000],
  ])('a credential living %i ms is not renewed at %i ms, and is at %i ms', (life, before, due) => {
    expect(refreshDue(at(life), 0, before)).toBe(false);
    expect(refreshDue(at(life), 0, due)).toBe(true);
  });

  it('never renews a credential without an expiry', () => {
    const forever: Issued = { kind: 'issued', name: 'db', values: {} };
    expect(refreshDue(forever, 0, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe('proxy: postgres with a short-lived credential', () => {
  it('issues the credential again for a new connection; the open session keeps working; every issue is revoked', async () => {
    // A 6 s credential is renewed once half of it has passed: the first
    // connection, at once, gets the first role; the second, 3.5 s later, a new one.
    const from = gw.audit.length;
    const pgModule = join(process.cwd(), 'node_modules', 'pg', 'lib', 'index.js');
    const script = `
const { Client } = require(${JSON.stringify(pgModule)});
const fs = require('node:fs');
(async () => {
  const who = async (c) => (await c.query('select current_user as u')).rows[0].u;
  const first = new Client({ connectionString: process.env.DATABASE_URL });
  await first.connect();
  const a = await who(first);
  await new Promise((r) => setTimeout(r, 3500));
  const second = new Client({ connectionString: process.env.DATABASE_URL });
  await second.connect();
  const b = await who(second);
  const again = await who(first);
  fs.writeFileSync('who.json', JSON.stringify({ a, b, again }));
  await Promise.all([first.end(), second.end()]);
})().catch((e) => { console.error(e); process.exit(1); });
`;
    const s = await step({
      credentials: [
        '- name: db',
        "  scope: 'db:migrator'",
        '  ttl: 6s',
        '  proxy: postgres',
        '  env: { DATABASE_URL: url }',
      ].join('\n'),
      run: `cat > who.cjs <<'EOF'\n${script}\nEOF\nnode who.cjs`,
    });
    expect({ code: s.code, output: s.output }).toMatchObject({ code: 0 });
    const who = JSON.parse(read(s.dir, 'who.json')) as { a: string; b: string; again: string };
    expect(who.a).toMatch(/^gp_[0-9a-f]{12}$/);
    expect(who.b).toMatch(/^gp_[0-9a-f]{12}$/);
    expect(who.b).not.toBe(who.a);
    expect(who.again).toBe(who.a);
    const refreshed = dataPathOf(s).refreshed;
    expect(refreshed).toBe(1);
    // One role per issue, the gateway says: the first, then one per renewal.
    const roles = gw.audit
      .slice(from)
      .map((l) => JSON.parse(l) as { event: string; postgres_role?: string })
      .filter((e) => e.event === 'token.issued')
      .map((e) => e.postgres_role);
    expect(roles).toHaveLength(1 + refreshed);
    expect(roles).toEqual(expect.arrayContaining([who.a, who.b]));

    // Each renewal's handle was saved as it came, and revoked at the step's end.
    const saved = s.rec.saves.map(
      (raw) => JSON.parse(raw) as { credentials: Array<{ name: string }> },
    );
    const names = new Set(saved.flatMap((x) => x.credentials.map((c) => c.name)));
    expect(names).toContain('db~1');
    expect(s.audit.revocations?.map((r) => r.result)).toEqual(
      Array<string>(1 + refreshed).fill('revoked'),
    );
    expect(await pg.gatewayRoles()).toEqual([]);
  }, 60_000);
});

describe('proxy: postgres when a renewal gets no answer', () => {
  it('keeps serving with the first credential, reports the renewal as unconfirmed, and does not try again at once', async () => {
    // The first exchange is answered; the renewal's (due after 6 s of the
    // 12 s) hangs past `timeout`, so the gateway may have issued it: it must
    // be on record before it is sent. The connection right after it uses the
    // first credential without another attempt.
    let exchanges = 0;
    gw.intercept = (req) => (req.path === '/token' && ++exchanges > 1 ? { hang: true } : undefined);
    let s: Step;
    try {
      s = await step({
        // Long enough for the first exchange on a busy machine; the renewal's hang runs it out.
        timeout: '3s',
        credentials: [
          '- name: db',
          "  scope: 'db:migrator'",
          '  ttl: 12s',
          '  proxy: postgres',
          '  env: { DATABASE_URL: url }',
        ].join('\n'),
        run: [
          'sleep 6.5',
          'psql -v ON_ERROR_STOP=1 -Atc "select current_user" "$DATABASE_URL" > who.txt',
          'psql -v ON_ERROR_STOP=1 -Atc "select current_user" "$DATABASE_URL" >> who.txt',
        ].join('\n'),
      });
    } finally {
      gw.intercept = undefined;
    }
    expect({ code: s.code, output: s.output }).toMatchObject({ code: 0 });
    const roles = read(s.dir, 'who.txt').trim().split('\n');
    expect(roles).toHaveLength(2);
    expect(roles[0]).toMatch(/^gp_[0-9a-f]{12}$/);
    expect(roles[1]).toBe(roles[0]);
    expect(exchanges).toBe(2);
    expect(s.rec.lines.join('\n')).toMatch(/"db": could not renew the upstream credential/);
    expect(dataPathOf(s).refreshed).toBe(0);
    const sent = s.rec.saves.map(
      (raw) => JSON.parse(raw) as { unconfirmed?: Array<{ name: string }> },
    );
    expect(sent.some((x) => x.unconfirmed?.some((u) => u.name === 'db~1'))).toBe(true);
    expect(s.audit.revocations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'db', result: 'revoked' }),
        expect.objectContaining({ name: 'db~1', result: 'unconfirmed' }),
      ]),
    );
  }, 60_000);
});

describe('proxy: http', () => {
  let upstream: Server;
  let base: string;
  const seen: Array<{ method: string; url: string; authorization: string }> = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization ?? '',
      });
      res.setHeader('content-type', 'application/json');
      res.end('{"items":[1,2]}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('adds the issued token upstream, keeps it from the script, refuses a DELETE by rule, and closes', async () => {
    seen.length = 0;
    const from = gw.audit.length;
    const s = await step({
      credentials: [
        '- name: api',
        '  scope: read',
        '  audience: https://api.example.com',
        '  proxy: http',
        `  upstream: ${base}`,
        '  env: { API_URL: url }',
        '  guardrails: { rules: [{ name: no-deletes, action: deny, methods: [DELETE] }] }',
      ].join('\n'),
      run: [
        'env > env.txt',
        'echo "$API_URL" > url.txt',
        'curl -sS -o items.txt -w "%{http_code}\\n" "$API_URL/v1/items" >> codes.txt',
        'curl -sS -o deleted.txt -w "%{http_code}\\n" -X DELETE "$API_URL/v1/items/1" >> codes.txt',
        // The endpoint's capability (a registered secret) in a path: the session log masks it.
        'curl -sS -o /dev/null -w "%{http_code}\\n" "$API_URL/v1/items/$(basename "$API_URL")" >> codes.txt',
      ].join('\n'),
    });
    expect({ code: s.code, output: s.output }).toMatchObject({ code: 0 });
    expect(read(s.dir, 'codes.txt').trim().split('\n')).toEqual(['200', '403', '200']);
    expect(read(s.dir, 'items.txt')).toBe('{"items":[1,2]}');
    expect(read(s.dir, 'deleted.txt')).toContain('no-deletes');

    // Upstream saw the token the gateway issued, and only the GET.
    const url = read(s.dir, 'url.txt').trim();
    const capability = new URL(url).pathname.split('/')[1] ?? '';
    expect(capability.length).toBeGreaterThanOrEqual(16);
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/items',
      `GET /v1/items/${capability}`,
    ]);
    const token = (seen[0]?.authorization ?? '').replace(/^Bearer /, '');
    const jti = (
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string }
    ).jti;
    const issued = gw.audit
      .slice(from)
      .map((l) => JSON.parse(l) as { event: string; jti?: string })
      .filter((e) => e.event === 'token.issued');
    expect(issued.map((e) => e.jti)).toEqual([jti]);
    // The script's environment never held it.
    expect(read(s.dir, 'env.txt')).not.toContain(token);

    const log = sessionLog(s);
    expect(log.map((e) => [e.method, e.outcome])).toEqual([
      ['GET', 'ok'],
      ['DELETE', 'blocked'],
      ['GET', 'ok'],
    ]);
    expect(log[2]?.path).toMatch(/^\/v1\/items\/\*+$/);
    expect(read(dataPathOf(s).sessionLog ?? '', '')).not.toContain(capability);
    expect(dataPathOf(s).blocked).toEqual([expect.objectContaining({ rule: 'no-deletes' })]);

    // The endpoint is gone with the step.
    await expect(fetch(`${url}/v1/items`)).rejects.toThrow();
  }, 60_000);

  it('holds a request a review rule names until the gate approves it, then relays it', async () => {
    seen.length = 0;
    const { gate, requests } = fakeGate(['approve']);
    const s = await step(
      {
        credentials: [
          '- name: api',
          '  scope: read',
          '  audience: https://api.example.com',
          '  proxy: http',
          `  upstream: ${base}`,
          '  env: { API_URL: url }',
          '  guardrails: { rules: [{ name: review-posts, action: review, methods: [POST] }] }',
        ].join('\n'),
        run: 'curl -sS -o /dev/null -w "%{http_code}\\n" -X POST -d "{}" "$API_URL/v1/items" > codes.txt',
      },
      gate,
    );
    expect({ code: s.code, output: s.output }).toMatchObject({ code: 0 });
    expect(read(s.dir, 'codes.txt').trim()).toBe('200');
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/items']);
    expect(requests.map((r) => r.subject.held)).toEqual([
      expect.objectContaining({ what: 'request', text: 'POST /v1/items', rule: 'review-posts' }),
    ]);
    expect(dataPathOf(s).held).toEqual([
      expect.objectContaining({ rule: 'review-posts', outcome: 'approved', approvers: ['alice'] }),
    ]);
  }, 60_000);

  it('fails the step before the script when the header names a field the credential lacks', async () => {
    seen.length = 0;
    const s = await step({
      credentials: [
        '- name: api',
        '  scope: read',
        '  audience: https://api.example.com',
        '  proxy: http',
        `  upstream: ${base}`,
        '  header: "X-Api-Key: {acess_token}"',
        '  env: { API_URL: url }',
      ].join('\n'),
      run: 'touch ran.txt; curl -sS -o /dev/null "$API_URL/v1/items"',
    });
    expect(s.code).toBe(1);
    expect(s.rec.lines.join('\n')).toContain(
      'error: credential "api" has no field "acess_token" for its header',
    );
    expect(() => read(s.dir, 'ran.txt')).toThrow();
    expect(seen).toEqual([]);
    expect(s.audit.revocations?.map((r) => r.result)).toEqual(['revoked']);
  }, 60_000);
});

describe('proxy: with export: env', () => {
  it('fails in preflight, before any ID token is asked for', async () => {
    const s = await step({
      export: 'env',
      credentials: "- name: db\n  scope: 'db:migrator'\n  proxy: postgres",
    });
    expect(s.code).toBe(1);
    expect(s.rec.identityCalls()).toBe(0);
    expect(s.rec.lines).toContain(
      'error: `export: env` cannot hand a data path (`proxy:`) to later steps. Its endpoint closes when this step ends: run the command in this step (`run`), or drop `proxy:`',
    );
  });
});
