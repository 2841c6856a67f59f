/**
 * Held statements through the action, as the runner runs it: the bundled
 * `dist/main` as a child process on a `pull_request` event, the GitHub API
 * double (spec-checked) at GITHUB_API_URL, the reference gateway issuing a
 * real PostgreSQL role, and `proxy: postgres` with a `review` rule for
 * DELETE. `approvals: 0`: the credential is issued at once, and only the
 * DELETE waits, for a PR comment that names its own request id. The double's
 * `onRequest` hook plays the humans.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GitHubDouble, type GhUser } from '../doubles/github.js';
import type { TestGateway } from '../helpers/gateway.js';
import { postgresGateway, type PostgresGateway, type TestPostgres } from '../helpers/postgres.js';
import { MAIN, launch, pullRequestStep, readCommands, type PullStep } from '../helpers/runner.js';

const POLICY = `
max_ttl: 1h
rules:
  - name: migrate-from-github
    match: { repository: octo-org/app }
    scopes: ['db:migrator']
    postgres: { grants: [migrator], database: app }
`;

const CREDENTIALS = [
  '- name: db',
  "  scope: 'db:migrator'",
  '  proxy: postgres',
  '  env: { PGHOST: host, PGPORT: port, PGDATABASE: database, PGUSER: username, PGPASSWORD: password }',
  '  guardrails: { rules: [{ name: review-deletes, action: review, statements: [DELETE] }] }',
].join('\n');

let pg: TestPostgres;
let gw: TestGateway;
let gh: GitHubDouble;
let root: string;
let author: GhUser;
let actor: GhUser;
let alice: GhUser;
let bob: GhUser;
let db: PostgresGateway;

beforeAll(async () => {
  db = await postgresGateway({ policy: POLICY, tempPrefix: 'gatepass-held-' });
  ({ pg, gw, root } = db);
  gh = await GitHubDouble.start({ owner: 'octo-org', repo: 'app' });
  author = gh.addUser('pr-author', { permission: 'write' });
  actor = gh.addUser('octocat', { permission: 'admin' });
  alice = gh.addUser('alice', { permission: 'write' });
  bob = gh.addUser('bob', { permission: 'maintain' });
}, 60_000);

afterAll(async () => {
  await gh.stop();
  // Every role the gateway made was dropped when its step ended.
  expect(await db.stop()).toEqual([]);
});

/** The script: a table with three rows, the DELETE a rule holds (its failure tolerated), a count. */
function script(table: string): string {
  return [
    `psql -v ON_ERROR_STOP=1 -qc "create table ${table} (id int)"`,
    `psql -v ON_ERROR_STOP=1 -qc "insert into ${table} values (1), (2), (3)"`,
    `psql -v ON_ERROR_STOP=1 -c "delete from ${table} where id < 3" 2> delete.err || true`,
    `psql -Atc "select 'count=' || count(*) from ${table}"`,
    'echo "script ran"',
  ].join('\n');
}

/** A `pull_request` step by octocat on a PR opened by pr-author, running `script(table)`. */
function pullStep(table: string): PullStep {
  return pullRequestStep({
    root,
    inputs: {
      gateway: gw.url,
      credentials: CREDENTIALS,
      approvals: '0',
      // Bounds the wait should the humans never act: the test fails, it does not hang.
      'approval-timeout': '45s',
      'github-token': gh.token,
      run: script(table),
    },
    idToken: { url: gw.idTokenRequestUrl, token: gw.idTokenRequestToken },
    pull: { number: gh.openPull(author), author },
    actor,
    apiUrl: gh.url,
    env: { GITHUB_RUN_ID: '9200001', GITHUB_JOB: 'migrate' },
  });
}

const HELD = /^### 🛑 gatepass: a statement is held for review \(`([0-9a-f]{8})`\)$/m;

/** gatepass's comments on the PR about held statements. */
function heldComments(pr: number): string[] {
  return gh
    .commentsOn(pr)
    .map((c) => c.body)
    .filter((body) => HELD.test(body));
}

/** The request id in the one held-statement comment on the PR. */
function requestIdOn(pr: number): string {
  const [body, ...more] = heldComments(pr);
  const id = body === undefined ? undefined : HELD.exec(body)?.[1];
  if (id === undefined || more.length > 0) {
    throw new Error(`not one held-statement comment on #${pr}`);
  }
  return id;
}

/**
 * At the first poll of the PR's comments: the comment as posted, then (after
 * `act` resolves, so the next poll sees it) whatever the humans do.
 */
function atFirstPoll(
  pr: number,
  act: (id: string, posted: string) => Promise<void>,
): { posted: Promise<string> } {
  let resolve: (body: string) => void = () => undefined;
  const posted = new Promise<string>((r) => {
    resolve = r;
  });
  let polls = 0;
  gh.onRequest = (method, path) => {
    if (method !== 'GET' || path !== `/repos/octo-org/app/issues/${pr}/comments`) return;
    if (++polls !== 1) return;
    const id = requestIdOn(pr);
    const body = heldComments(pr)[0] ?? '';
    resolve(body);
    // A failing act approves nothing: the wait times out and the test's assertions fail.
    act(id, body).catch(() => undefined);
  };
  return { posted };
}

interface HeldEntry {
  rule: string;
  text: string;
  outcome: string;
  approvers?: string[];
}

function auditOf(s: PullStep): { credentials: Array<{ dataPath?: { held: HeldEntry[] } }> } {
  const file = readCommands(s.files.output)['audit-file'] ?? '';
  return JSON.parse(readFileSync(file, 'utf8')) as ReturnType<typeof auditOf>;
}

describe('a held statement, approved by PR comment, through the action', () => {
  it('holds the DELETE until alice approves its id; then it runs and the comment says so', async () => {
    const s = pullStep('held_approved');
    const rowsWhileHeld: number[] = [];
    const { posted } = atFirstPoll(s.pr, async (id) => {
      // The statement is waiting: the rows are all still there, then alice approves.
      const [rows] = await pg.query<{ n: number }>('select count(*)::int as n from held_approved');
      rowsWhileHeld.push(rows?.n ?? -1);
      gh.comment(s.pr, alice, `/approve ${id}\nFine to delete those.`);
    });
    const main = await launch(MAIN, s.env).result;
    gh.onRequest = undefined;
    expect({ code: main.code, stderr: main.stderr }).toEqual({ code: 0, stderr: '' });
    expect(main.stdout).toContain('script ran');

    // The request, as posted: what is held, the SQL fenced, the rule, the id to answer.
    const id = requestIdOn(s.pr);
    const request = await posted;
    expect(request).toContain('a statement is held for review');
    expect(request).toContain('```sql\ndelete from held_approved where id < 3\n```');
    expect(request).toContain('rule `review-deletes`');
    expect(request).toContain('credential `db`');
    expect(request).toContain(`/approve ${id}`);
    // approvals: 0 asks nothing for the credential, but a held statement needs one approval.
    expect(request).toContain('- needs: 1 approval from');
    expect(main.stdout).toContain('"db": a statement is held for approval (rule review-deletes)');
    expect(main.stdout).toMatch(
      new RegExp(`Approval requested on pull request #${s.pr}: .* \\(request ${id}; comment`),
    );
    // Not the job's request id: this one names the statement.
    expect(readCommands(s.files.output)['request-id']).not.toBe(id);

    // Held, it had not run; approved, it did, in the real database.
    expect(rowsWhileHeld).toEqual([3]);
    expect(main.stdout).toContain('DELETE 2');
    expect(main.stdout).toMatch(/^count=1$/m);
    expect(await pg.query('select id from held_approved')).toEqual([{ id: 3 }]);

    // The comment now leads with the outcome.
    expect(heldComments(s.pr)[0]).toMatch(/^\*\*✅ Approved\*\* by @alice\./);

    expect(auditOf(s).credentials[0]?.dataPath?.held).toEqual([
      expect.objectContaining({
        rule: 'review-deletes',
        text: 'delete from held_approved where id < 3',
        outcome: 'approved',
        approvers: ['alice'],
      }),
    ]);
    const summary = readFileSync(s.files.summary, 'utf8');
    expect(summary).toMatch(
      /\| `delete from held_approved where id < 3` \| review-deletes \| held: approved by alice \|/,
    );
    expect(gh.violations).toEqual([]);
  }, 90_000);

  it('refuses the DELETE when bob denies its id: the rows stay, the script goes on', async () => {
    const s = pullStep('held_denied');
    atFirstPoll(s.pr, (id) => {
      gh.comment(s.pr, bob, `/deny ${id}`);
      return Promise.resolve();
    });
    const main = await launch(MAIN, s.env).result;
    gh.onRequest = undefined;
    expect({ code: main.code, stderr: main.stderr }).toEqual({ code: 0, stderr: '' });
    expect(main.stdout).toContain('script ran');
    const id = requestIdOn(s.pr);

    // psql got the server's error, naming the rule and the denial; the SELECT after it ran.
    const error = readFileSync(join(s.workspace, 'delete.err'), 'utf8');
    expect(error).toMatch(/ERROR: +gatepass: .*review-deletes/);
    expect(error).toContain(`request ${id} was denied by bob`);
    expect(main.stdout).not.toContain('DELETE');
    expect(main.stdout).toMatch(/^count=3$/m);
    expect(await pg.query('select id from held_denied order by id')).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
    ]);

    expect(heldComments(s.pr)[0]).toMatch(/^\*\*⛔ Denied\*\* by @bob\./);
    expect(auditOf(s).credentials[0]?.dataPath?.held).toEqual([
      expect.objectContaining({ rule: 'review-deletes', outcome: 'denied' }),
    ]);
    expect(auditOf(s).credentials[0]?.dataPath?.held[0]?.approvers).toBeUndefined();
    expect(readFileSync(s.files.summary, 'utf8')).toMatch(
      /\| `delete from held_denied where id < 3` \| review-deletes \| held: denied \|/,
    );
    expect(gh.violations).toEqual([]);
  }, 90_000);
});
