import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { awaitApproval, type PolicyInputs } from '../../src/approvals/gate.js';
import { GitHubApprovals, rateLimitWait } from '../../src/approvals/github.js';
import { requestId, type RequestSubject } from '../../src/approvals/policy.js';
import { GatepassError } from '../../src/common/errors.js';
import {
  Contract,
  GitHubDouble,
  githubDescription,
  secondaryRateLimit,
  type GhUser,
} from '../doubles/github.js';
import { captureLog, type CapturedLog } from '../helpers/log.js';
import { throughProxy } from '../helpers/proxy.js';
import { FakeClock } from './clock.js';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const MINUTE = 60_000;

const subject: RequestSubject = {
  repository: 'acme/app',
  sha: '1234567890abcdef1234567890abcdef12345678',
  runId: '987',
  runAttempt: '1',
  credentials: [{ name: 'deploy', ttlSeconds: 900, tokenExchange: { scope: 'deploy:prod' } }],
};
const ID = requestId(subject);

interface World {
  gh: GitHubDouble;
  clock: FakeClock;
  log: CapturedLog;
  pr: number;
  people: Record<'author' | 'alice' | 'bob' | 'carol' | 'reader' | 'bot' | 'dave' | 'erin', GhUser>;
  source: (options?: Partial<ConstructorParameters<typeof GitHubApprovals>[0]>) => GitHubApprovals;
  run: (
    policy?: Partial<PolicyInputs>,
    source?: GitHubApprovals,
    signal?: AbortSignal,
  ) => ReturnType<typeof awaitApproval>;
  /** A human comments on the PR `ms` into the wait. */
  say: (ms: number, who: GhUser, body: string) => void;
}

const worlds: GitHubDouble[] = [];

async function world(): Promise<World> {
  const clock = new FakeClock(T0);
  const gh = await GitHubDouble.start({ now: () => clock.now() });
  worlds.push(gh);
  const people = {
    author: gh.addUser('author', { permission: 'write' }),
    alice: gh.addUser('alice', { permission: 'write' }),
    bob: gh.addUser('bob', { permission: 'maintain' }),
    carol: gh.addUser('carol', { permission: 'admin' }),
    reader: gh.addUser('reader', { permission: 'read' }),
    bot: gh.addUser('helper[bot]', { type: 'Bot', permission: 'write' }),
    dave: gh.addUser('dave', { permission: 'write' }),
    erin: gh.addUser('erin', { permission: 'write' }),
  };
  const pr = gh.openPull(people.author);
  const log = captureLog();
  const source: World['source'] = (options = {}) =>
    new GitHubApprovals({
      token: gh.token,
      repository: 'acme/app',
      pullNumber: pr,
      author: { id: people.author.id, login: 'author' },
      actor: { id: people.author.id, login: 'author' },
      apiUrl: gh.url,
      clock,
      logger: log.logger,
      ...options,
    });
  const run: World['run'] = (policy = {}, src = source(), signal) =>
    awaitApproval({
      policy: {
        required: 1,
        approvers: [],
        timeoutMs: 30 * MINUTE,
        allowSelfApproval: false,
        ...policy,
      },
      subject,
      runUrl: 'https://github.com/acme/app/actions/runs/987',
      source: src,
      clock,
      logger: log.logger,
      ...(signal === undefined ? {} : { signal }),
    });
  const say: World['say'] = (ms, who, body) => {
    clock.after(ms, () => gh.comment(pr, who, body));
  };
  return { gh, clock, log, pr, people, source, run, say };
}

afterEach(async () => {
  for (const gh of worlds.splice(0)) {
    expect(gh.violations).toEqual([]);
    await gh.stop();
  }
});

function requestComment(w: World): string {
  const ours = w.gh.commentsOn(w.pr).find((c) => c.user.login === 'github-actions[bot]');
  return ours?.body ?? '';
}

describe('GitHub approvals, against a double checked with @octokit/openapi', () => {
  it('is approved by N distinct people with write access, and says so on the PR', async () => {
    const w = await world();
    w.say(20_000, w.people.alice, `/approve ${ID}`);
    w.say(30_000, w.people.alice, `/approve ${ID}`);
    w.say(90_000, w.people.bob, `/approve ${ID}\nLooks right.`);
    const result = await w.run({ required: 2 });
    expect(result.requestId).toBe(ID);
    expect(result.approvers.map((a) => [a.actor.login, a.actor.id])).toEqual([
      ['alice', w.people.alice.id],
      ['bob', w.people.bob.id],
    ]);
    expect(result.approvers[0]?.url).toMatch(/#issuecomment-\d+$/);
    expect(result.url).toMatch(/#issuecomment-\d+$/);
    const body = requestComment(w);
    expect(body).toMatch(/^\*\*✅ Approved\*\* by @alice, @bob/);
    expect(body).toContain(`/approve ${ID}`);
    expect(body).toContain('`deploy:prod`');
    expect(body).toContain(subject.sha);
    expect(body).toContain('https://github.com/acme/app/actions/runs/987');
    expect(
      w.log.lines.some((l) =>
        /Waiting for approval of request .*: 1 of 2 approvals \(alice\);/.test(l),
      ),
    ).toBe(true);
    w.log.expectNoSecrets([w.gh.token]);
  });

  it('is denied by one eligible deny, even after an approval', async () => {
    const w = await world();
    w.say(10_000, w.people.alice, `/approve ${ID}`);
    w.say(10_000, w.people.carol, `/deny ${ID}`);
    const err = await w.run({ required: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatepassError);
    expect((err as GatepassError).code).toBe('DENIED');
    expect((err as GatepassError).message).toMatch(/denied by carol/);
    expect(requestComment(w)).toMatch(/^\*\*⛔ Denied\*\* by @carol/);
  });

  it('times out, says so, and prints a status line each minute', async () => {
    const w = await world();
    const err = await w.run({ timeoutMs: 10 * MINUTE }).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect((err as GatepassError).message).toMatch(
      /no approval for request [0-9a-f]{8} within 10m/,
    );
    expect((err as GatepassError).hint).toMatch(/approval-timeout/);
    expect(requestComment(w)).toMatch(/^\*\*⌛ Timed out/);
    const status = w.log.lines.filter((l) => l.includes('Waiting for approval'));
    expect(status.length).toBeGreaterThanOrEqual(8);
    expect(status.length).toBeLessThanOrEqual(11);
    expect(status[0]).toMatch(
      /0 of 1 approval; \dm\d*s? left\. Comment `\/approve [0-9a-f]{8}` on http/,
    );
    // The last look starts 10 s before the deadline, so that it ends by then.
    expect(w.clock.now() - T0).toBe(10 * MINUTE - 10_000);
  });

  it('ends at approval-timeout while a permission lookup keeps failing (no retries past it)', async () => {
    const w = await world();
    w.gh.faults.push({ method: 'GET', path: '/permission', status: 502, times: 1000 });
    w.say(1_000, w.people.alice, `/approve ${ID}`);
    const err = await w.run({ timeoutMs: 12_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatepassError);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect((err as GatepassError).message).toMatch(
      /^no approval for request [0-9a-f]{8} within 12 s; the last call was still failing: looking up alice's permission did not succeed within \d+(\.\d)? s \(\d+ attempts\); last error: HTTP 502/,
    );
    expect((err as GatepassError).hint).toMatch(/approval-timeout/);
    // By the clock the gate and the source share: the lookup's retries stopped at the deadline.
    expect(w.clock.now() - T0).toBeLessThanOrEqual(12_000);
    expect(requestComment(w)).toMatch(/^\*\*⌛ Timed out/);
    // GitHub does answer 502 now and then, though its description lists no 5xx here.
    const undocumented = w.gh.violations.splice(0);
    expect(undocumented.length).toBeGreaterThan(0);
    for (const v of undocumented) expect(v).toMatch(/permission: response: 502 is not a status/);
  });

  it('words an unreachable GitHub API as every gateway does', async () => {
    const w = await world();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) =>
      closed.close(() => {
        r();
      }),
    );
    const err = await w
      .run({ timeoutMs: 20_000 }, w.source({ apiUrl: `http://127.0.0.1:${port}` }))
      .catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect((err as GatepassError).message).toMatch(
      new RegExp(
        `; the last call was still failing: posting the approval request comment did not succeed within 20 s \\(\\d+ attempts\\); last error: cannot reach GitHub at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`,
      ),
    );
    expect(w.log.lines.join('\n')).not.toMatch(/unexpected|fetch failed/);
  });

  it('cuts a call off at approval-timeout by the wall clock too (a hanging API)', async () => {
    const w = await world();
    let calls = 0;
    const hanging: ConstructorParameters<typeof GitHubApprovals>[0]['request'] = (route) => {
      calls += 1;
      if (route.startsWith('GET /users/')) return new Promise(() => undefined);
      return Promise.reject(new Error(`unexpected ${route}`));
    };
    const started = Date.now();
    const err = await awaitApproval({
      policy: { required: 1, approvers: [], timeoutMs: 300, allowSelfApproval: false },
      subject,
      source: w.source({ actor: { login: 'someone' }, request: hanging }),
      logger: w.log.logger,
    }).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect((err as GatepassError).message).toMatch(
      /^no approval for request [0-9a-f]{8} within 300 ms/,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(calls).toBe(1);
  });

  it.each<[string, (w: World) => GhUser, string?]>([
    ['a bot', (w) => w.people.bot],
    ['the PR author', (w) => w.people.author],
    ['someone with read access only', (w) => w.people.reader],
    [
      'an unknown user (lookup 404, fails closed)',
      (_w) => ({ id: 777, login: 'ghost-user', type: 'User' }),
    ],
  ])('does not count %s', async (_what, pick) => {
    const w = await world();
    w.say(10_000, pick(w), `/approve ${ID}`);
    w.say(2 * MINUTE, w.people.alice, `/approve ${ID}`);
    const result = await w.run();
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['alice']);
    expect(w.log.lines.some((l) => l.startsWith('debug: approval: ignored'))).toBe(true);
  });

  it('does not count the actor or the user who re-ran the job', async () => {
    const w = await world();
    const source = w.source({
      actor: { id: w.people.dave.id, login: 'dave' },
      triggeringActor: 'erin',
    });
    w.say(5_000, w.people.dave, `/approve ${ID}`);
    w.say(6_000, w.people.erin, `/approve ${ID}`);
    w.say(2 * MINUTE, w.people.alice, `/approve ${ID}`);
    const result = await w.run({}, source);
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['alice']);
    expect(w.gh.requests.some((r) => r.path === '/users/erin')).toBe(true);
  });

  it('lets the author approve with allow-self-approval', async () => {
    const w = await world();
    w.say(5_000, w.people.author, `/approve ${ID}`);
    const result = await w.run({ allowSelfApproval: true });
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['author']);
  });

  it.each([
    [
      'an edited comment',
      (w: World) => {
        w.clock.after(5_000, () => {
          const c = w.gh.comment(w.pr, w.people.alice, `/approve ${ID}`);
          w.gh.editComment(c, `/approve ${ID}`);
        });
      },
    ],
    [
      'a quote',
      (w: World) => {
        w.say(5_000, w.people.alice, `> /approve ${ID}`);
      },
    ],
    [
      'a code fence',
      (w: World) => {
        w.say(5_000, w.people.alice, `\`\`\`\n/approve ${ID}\n\`\`\``);
      },
    ],
    [
      'a wrong id',
      (w: World) => {
        w.say(5_000, w.people.alice, '/approve deadbeef');
      },
    ],
    [
      'a stale id from an older commit',
      (w: World) => {
        w.say(5_000, w.people.alice, `/approve ${requestId({ ...subject, sha: 'f'.repeat(40) })}`);
      },
    ],
    [
      'a comment written before the request',
      (w: World) => {
        w.gh.comment(w.pr, w.people.alice, `/approve ${ID}`, { at: T0 - 60_000 });
      },
    ],
  ])('does not count %s', async (_what, act) => {
    const w = await world();
    act(w);
    w.say(3 * MINUTE, w.people.bob, `/approve ${ID}`);
    const result = await w.run();
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['bob']);
  });

  it('matches `approvers` by id: a login renamed and re-registered by someone else does not count', async () => {
    const w = await world();
    const source = w.source();
    const original = w.people.alice;
    w.clock.after(1_000, () => {
      w.gh.renameUser(original, 'alice-old');
      const impostor = w.gh.addUser('alice', { permission: 'write' });
      w.gh.comment(w.pr, impostor, `/approve ${ID}`);
    });
    w.say(2 * MINUTE, original, `/approve ${ID}`);
    const result = await w.run({ approvers: ['alice', 'bob'] }, source);
    expect(result.approvers.map((a) => [a.actor.login, a.actor.id])).toEqual([
      ['alice-old', original.id],
    ]);
  });

  it('with the default rule, checks that the permission answer is for the same id', async () => {
    const w = await world();
    // The comment is by id 4242 "mallory"; by lookup time the login belongs to carol's new account.
    const mallory: GhUser = { id: 4242, login: 'mallory', type: 'User' };
    w.clock.after(1_000, () => {
      w.gh.comment(w.pr, mallory, `/approve ${ID}`);
      w.gh.addUser('mallory', { permission: 'admin' });
    });
    w.say(2 * MINUTE, w.people.alice, `/approve ${ID}`);
    const result = await w.run();
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['alice']);
  });

  it('resolves teams to member ids, and fails closed naming read:org when it cannot', async () => {
    const w = await world();
    w.gh.setTeam('acme/deployers', [w.people.bob, w.people.carol]);
    w.say(5_000, w.people.alice, `/approve ${ID}`);
    w.say(10_000, w.people.carol, `/approve ${ID}`);
    const ok = await w.run({ approvers: ['acme/deployers'] });
    expect(ok.approvers.map((a) => a.actor.login)).toEqual(['carol']);

    const v = await world();
    v.gh.setTeam('acme/deployers', 'forbidden');
    const err = await v.run({ approvers: ['acme/deployers'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatepassError);
    expect((err as GatepassError).code).toBe('CONFIG');
    expect((err as GatepassError).message).toMatch(
      /team acme\/deployers could not be read \(HTTP 403\); failing closed/,
    );
    expect((err as GatepassError).hint).toMatch(/read:org/);
    expect(v.gh.commentsOn(v.pr)).toEqual([]);
  });

  it('finds an impossible policy before posting anything', async () => {
    const w = await world();
    const err = await w
      .run({ required: 2, approvers: ['alice', 'author'] })
      .catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('CONFIG');
    expect((err as GatepassError).message).toMatch(/can never be met/);
    expect(w.gh.commentsOn(w.pr)).toEqual([]);
    const missing = await w.run({ approvers: ['nobody-here'] }).catch((e: unknown) => e);
    expect((missing as GatepassError).message).toMatch(/"nobody-here" is not a GitHub user/);
  });

  it('reads every page: 150 comments, the approval on the second page', async () => {
    const w = await world();
    w.clock.after(2_000, () => {
      for (let i = 0; i < 149; i++) w.gh.comment(w.pr, w.people.reader, `chatter ${i}`);
      w.gh.comment(w.pr, w.people.alice, `/approve ${ID}`);
    });
    const result = await w.run();
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['alice']);
    expect(
      w.gh.requests.some((r) => r.path.endsWith('/comments') && r.query.includes('page=2')),
    ).toBe(true);
  });

  it('notices a page that appears behind a full page answered 304', async () => {
    const w = await world();
    const source = w.source({ perPage: 2 });
    // The request comment and one more fill page 1; then page 2 appears.
    w.say(1_000, w.people.reader, 'first');
    w.say(3 * MINUTE, w.people.alice, `/approve ${ID}`);
    const result = await w.run({}, source);
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['alice']);
  });

  it('polls with If-None-Match: an idle hour costs a handful of counted requests', async () => {
    const w = await world();
    const source = w.source();
    const err = await w.run({ timeoutMs: 60 * MINUTE }, source).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    const listing = w.gh.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/comments'));
    const notModified = listing.filter((r) => r.status === 304);
    expect(notModified.length).toBeGreaterThan(100);
    expect(notModified.every((r) => !r.counted)).toBe(true);
    // Budget: under 120 counted an hour; idle it is the post, the first listing and the final edit.
    expect(w.gh.counted).toBeLessThan(10);
    expect(source.countedRequests).toBe(w.gh.counted);
    expect(source.conditionalHits).toBe(notModified.length);
    // Back-off: from 5 s up to 30 s, never faster.
    const waits = w.clock.sleeps;
    expect(waits[0]).toBe(5_000);
    expect(Math.max(...waits)).toBe(30_000);
    expect(listing.length).toBeLessThan(130);
  });

  it('stays within the budget while people talk: 40 comments in an hour', async () => {
    const w = await world();
    for (let i = 0; i < 40; i++)
      w.say(60_000 + i * 85_000, i % 2 === 0 ? w.people.reader : w.people.dave, `comment ${i}`);
    const err = await w
      .run({ timeoutMs: 60 * MINUTE, approvers: ['alice'] })
      .catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect(w.gh.counted).toBeLessThan(120);
  });

  it('waits out a secondary rate limit as GitHub asks', async () => {
    const w = await world();
    w.gh.faults.push({ ...secondaryRateLimit(60), method: 'GET', path: '/comments' });
    w.gh.faults.push({ ...secondaryRateLimit(5, 429), method: 'GET', path: '/comments' });
    w.say(1_000, w.people.alice, `/approve ${ID}`);
    const result = await w.run();
    expect(result.approvers).toHaveLength(1);
    expect(w.clock.sleeps).toContain(60_000);
    expect(w.clock.sleeps).toContain(5_000);
    expect(w.log.lines.some((l) => /rate limit \(HTTP 403\); retrying in 1m/.test(l))).toBe(true);
  });

  it('reads rate-limit answers as GitHub documents them', () => {
    const now = T0;
    expect(rateLimitWait(403, { 'retry-after': '30' }, '', now)).toBe(30_000);
    expect(
      rateLimitWait(
        403,
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 120) },
        '',
        now,
      ),
    ).toBe(120_000);
    expect(rateLimitWait(403, {}, 'You have exceeded a secondary rate limit', now)).toBe(60_000);
    expect(rateLimitWait(429, {}, '', now)).toBe(60_000);
    expect(rateLimitWait(403, {}, 'Resource not accessible by integration', now)).toBeUndefined();
    expect(rateLimitWait(404, { 'retry-after': '1' }, '', now)).toBeUndefined();
  });

  it('says which permission is missing when it cannot comment', async () => {
    const w = await world();
    w.gh.canComment = false;
    const err = await w.run().catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('CONFIG');
    expect((err as GatepassError).message).toMatch(
      /posting the approval request comment: HTTP 403/,
    );
    expect((err as GatepassError).hint).toMatch(/pull-requests: write/);
    w.log.expectNoSecrets([w.gh.token]);
  });

  it('says the token is bad on 401, without printing it', async () => {
    const w = await world();
    const err = await w
      .run({}, w.source({ token: 'ghs_wrongwrongwrongwrongwrong0123456789' }))
      .catch((e: unknown) => e);
    expect((err as GatepassError).hint).toMatch(/github-token/);
    expect((err as Error).message).not.toContain('ghs_');
  });

  it('on other events, opens an issue and closes it when the wait ends', async () => {
    const w = await world();
    const source = w.source({ pullNumber: undefined as unknown as number });
    const before = new Set(w.gh.issueNumbers);
    w.clock.after(5_000, () => {
      const issue = w.gh.issueNumbers.find((n) => !before.has(n)) ?? 0;
      w.gh.comment(issue, w.people.alice, `/approve ${ID}`);
    });
    const result = await w.run({}, source);
    expect(result.url).toMatch(/\/issues\/\d+$/);
    const number = w.gh.issueNumbers.find((n) => !before.has(n)) ?? 0;
    expect(w.gh.issue(number)).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(w.gh.issue(number)?.body).toMatch(/^\*\*✅ Approved\*\* by @alice/);

    const v = await world();
    v.gh.canOpenIssues = false;
    const err = await v
      .run({}, v.source({ pullNumber: undefined as unknown as number }))
      .catch((e: unknown) => e);
    expect((err as GatepassError).hint).toMatch(/issues: write/);
  });

  it('stops when the job is cancelled, and says so on the PR', async () => {
    const w = await world();
    const controller = new AbortController();
    w.clock.after(2 * MINUTE, () => {
      controller.abort(new GatepassError('TIMEOUT', 'the job was cancelled'));
    });
    const err = await w.run({}, w.source(), controller.signal).catch((e: unknown) => e);
    expect((err as GatepassError).message).toMatch(/cancelled/);
    expect(requestComment(w)).toMatch(/^\*\*⚠️ Stopped\*\*/);
  });
});

describe('the GitHub double checks exchanges against the description', () => {
  it('refuses a request the description does not allow', async () => {
    const w = await world();
    const auth = { authorization: `token ${w.gh.token}` };
    const bad = await fetch(
      `${w.gh.url}/repos/acme/app/issues/${w.pr}/comments?per_page=10&sort=desc`,
      { headers: auth },
    );
    expect(bad.status).toBe(422);
    const badBody = await fetch(`${w.gh.url}/repos/acme/app/issues/${w.pr}/comments`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'x', bodyy: 'typo' }),
    });
    expect(badBody.status).toBe(422);
    const badType = await fetch(
      `${w.gh.url}/repos/acme/app/issues/${w.pr}/comments?per_page=many`,
      { headers: auth },
    );
    expect(badType.status).toBe(422);
    const noSuch = await fetch(`${w.gh.url}/repos/acme/app/approvals`, { headers: auth });
    expect(noSuch.status).toBe(404);
    expect(w.gh.violations).toEqual([
      expect.stringMatching(/query: "sort" is not a parameter/),
      expect.stringMatching(/body: "bodyy" is not a field the description names/),
      expect.stringMatching(/query\.per_page: expected integer, got string/),
      expect.stringMatching(/not an operation of the description/),
    ]);
    // The afterEach check is what turns these into a failing test.
    expect(() => {
      expect(w.gh.violations).toEqual([]);
    }).toThrow();
    w.gh.violations.length = 0;
  });

  it('flags a response that does not match the described schema', async () => {
    const w = await world();
    w.gh.tamper = (path, body) => {
      if (!path.endsWith('/comments') || !Array.isArray(body)) return body;
      return body.map((c: Record<string, unknown>) => ({
        ...c,
        id: String(c.id),
        created_at: 'yesterday',
      }));
    };
    w.say(1_000, w.people.alice, `/approve ${ID}`);
    await w.run().catch(() => undefined);
    expect(w.gh.violations.some((v) => /\.id: expected integer, got string/.test(v))).toBe(true);
    expect(
      w.gh.violations.some((v) => /created_at: "yesterday" is not an RFC 3339 date-time/.test(v)),
    ).toBe(true);
    w.gh.violations.length = 0;
  });

  it("accepts the description's own examples (the checker is not stricter than GitHub)", () => {
    const contract = new Contract();
    const examples = (
      githubDescription().components as { examples: Record<string, { value: unknown }> }
    ).examples;
    const cases: Array<[string, string]> = [
      ['issue-comment', 'issue-comment'],
      ['issue-comment-items', 'issue-comment'],
      // Not repository-collaborator-permission's example: it omits user.role_name, which the schema requires.
      ['public-user-default-response', 'public-user'],
      ['simple-user-items', 'simple-user'],
      ['issue', 'issue'],
    ];
    for (const [example, schema] of cases) {
      const value = examples[example]?.value;
      expect(value).toBeDefined();
      const items = Array.isArray(value) ? value : [value];
      for (const item of items)
        expect(contract.validate({ $ref: `#/components/schemas/${schema}` }, item)).toEqual([]);
    }
  });
});

describe('behind a proxy (the transport: __tests__/common/http.test.ts)', () => {
  it('comments and reads through a CONNECT proxy, trusting a private CA', async () => {
    const w = await world();
    const name = 'github.corp.test';
    await throughProxy({
      name,
      target: w.gh.url,
      body: async ({ front, proxy }) => {
        w.say(20_000, w.people.alice, `/approve ${ID}`);
        const result = await w.run({}, w.source({ apiUrl: `https://${name}:${front.port}` }));
        expect(result.approvers.map((a) => a.actor.login)).toEqual(['alice']);
        expect(requestComment(w)).toContain(ID);
        expect(new Set(proxy.connects.map((c) => c.target))).toEqual(
          new Set([`${name}:${front.port}`]),
        );
      },
    });
  });
});
