/**
 * The gate itself: platform-neutral behaviour with an in-memory source, the
 * order "approval, then issue" against the real reference gateway, and
 * gateway-side approval (token-exchange `authorization_pending`) through the
 * same status lines and timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  awaitApproval,
  awaitGatewayApproval,
  renderRequest,
  statusLine,
  type ApprovalSource,
  type OpenedRequest,
  type Outcome,
} from '../../src/approvals/gate.js';
import { GitHubApprovals } from '../../src/approvals/github.js';
import { requestId, type ApprovalEvent, type RequestSubject } from '../../src/approvals/policy.js';
import { GatepassError } from '../../src/common/errors.js';
import {
  isPending,
  type CredentialRequest,
  type Gateway,
  type Pending,
} from '../../src/gateways/gateway.js';
import { createTokenExchangeGateway } from '../../src/gateways/token-exchange.js';
import { GitHubDouble } from '../doubles/github.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { captureLog } from '../helpers/log.js';
import { FakeClock } from './clock.js';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const MINUTE = 60_000;

const prodRequest: CredentialRequest = {
  name: 'prod',
  ttlSeconds: 600,
  tokenExchange: { scope: 'prod', audience: 'https://api.example.com' },
};
const subject: RequestSubject = {
  repository: 'octo-org/app',
  sha: 'abcdef0123456789abcdef0123456789abcdef01',
  runId: '31',
  runAttempt: '1',
  credentials: [prodRequest],
};
const ID = requestId(subject);
/** The reference gateway's `production` rule: approval required, no audience. */
const gatedRequest: CredentialRequest = {
  name: 'prod',
  ttlSeconds: 600,
  tokenExchange: { scope: 'prod' },
};

/** A source kept in memory: what the gate asks of a platform, and nothing else. */
class MemorySource implements ApprovalSource {
  readonly where = 'memory';
  readonly syntax = 'slash' as const;
  readonly defaultApprovers = 'anyone';
  readonly calls: string[] = [];
  events_: ApprovalEvent[] = [];
  closed: Outcome | undefined;
  howToApprove(id: string): string {
    return `comment \`/approve ${id}\``;
  }
  howToDeny(id: string): string {
    return `comment \`/deny ${id}\``;
  }
  prepare(): Promise<{
    self: { ids: Set<number>; logins: Set<string> };
    approverIds: Set<number>;
  }> {
    this.calls.push('prepare');
    return Promise.resolve({
      self: { ids: new Set([1]), logins: new Set(['author']) },
      approverIds: new Set([1, 2, 3]),
    });
  }
  open(): Promise<OpenedRequest> {
    this.calls.push('open');
    return Promise.resolve({ createdAt: T0, url: 'memory://request' });
  }
  events(): Promise<ApprovalEvent[]> {
    this.calls.push('events');
    return Promise.resolve(this.events_);
  }
  lookUp(): Promise<Map<number, boolean>> {
    return Promise.resolve(new Map<number, boolean>());
  }
  close(outcome: Outcome): Promise<void> {
    this.closed = outcome;
    return Promise.resolve();
  }
}

const policy = {
  required: 1,
  approvers: ['a', 'b', 'c'],
  timeoutMs: 30 * MINUTE,
  allowSelfApproval: false,
};

describe('awaitApproval', () => {
  it('with approvals: 0, returns at once and touches nothing', async () => {
    const source = new MemorySource();
    const result = await awaitApproval({ policy: { ...policy, required: 0 }, subject, source });
    expect(result).toEqual({ requestId: ID, approvers: [] });
    expect(source.calls).toEqual([]);
  });

  it('finds an impossible policy before posting', async () => {
    const source = new MemorySource();
    const err = await awaitApproval({ policy: { ...policy, required: 3 }, subject, source }).catch(
      (e: unknown) => e,
    );
    expect((err as GatepassError).code).toBe('CONFIG');
    expect(source.calls).toEqual(['prepare']);
  });

  it('backs off from 5 s to 30 s, and sooner again after an approval', async () => {
    const clock = new FakeClock(T0);
    const source = new MemorySource();
    const approve = (who: number, at: number): ApprovalEvent => ({
      kind: 'comment',
      id: String(who),
      author: { id: who, login: `u${who}` },
      body: `/approve ${ID}`,
      createdAt: at,
      updatedAt: at,
    });
    clock.after(3 * MINUTE, () => source.events_.push(approve(2, T0 + 3 * MINUTE)));
    clock.after(5 * MINUTE, () => source.events_.push(approve(3, T0 + 5 * MINUTE)));
    const log = captureLog();
    const result = await awaitApproval({
      policy: { ...policy, required: 2 },
      subject,
      source,
      clock,
      logger: log.logger,
    });
    expect(result.approvers.map((a) => a.actor.id)).toEqual([2, 3]);
    const sleeps = clock.sleeps;
    expect(sleeps.slice(0, 6)).toEqual([5000, 7500, 11250, 16875, 25312.5, 30000]);
    const reset = sleeps.findIndex((s, i) => i > 0 && s === 5000);
    expect(reset).toBeGreaterThan(5);
    expect(
      log.lines.filter((l) => l.includes('Waiting for approval')).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('renders what is asked, for which commit and run, and what to type', () => {
    const text = renderRequest({
      id: ID,
      subject: {
        ...subject,
        credentials: [
          prodRequest,
          { name: 'db', ttlSeconds: 3600, vault: { path: 'database/creds/migrator' } },
          { name: 'shell', ttlSeconds: 300, hoop: { connection: 'prod-pg' } },
        ],
      },
      runUrl: 'https://ci/run/31',
      policy: { ...policy, required: 2, approvers: ['alice', 'octo-org/sre'] },
      source: new MemorySource(),
    });
    expect(text).toContain(`| \`prod\` | \`prod\` | 10m |`);
    expect(text).toContain('| `db` | `database/creds/migrator` | 1h |');
    expect(text).toContain('| `shell` | `connection prod-pg` | 5m |');
    expect(text).toContain('needs: 2 approvals from @alice, @octo-org/sre (not the author');
    expect(text).toContain(`To approve, comment \`/approve ${ID}\``);
    expect(text).toContain('https://ci/run/31');
  });

  it('renders a held statement: the SQL fenced (longer than any backtick run in it), its rule, and that it has not run', () => {
    const held = {
      credential: 'db',
      what: 'statement' as const,
      text: 'delete from t where note = ```x```',
      rule: 'review-deletes',
      sequence: 1,
    };
    const text = renderRequest({
      id: ID,
      subject: { ...subject, held },
      policy: { ...policy, required: 1 },
      source: new MemorySource(),
    });
    expect(text).toContain('a statement is held for review');
    expect(text).toContain(
      'rule `review-deletes` holds it until someone approves. It has not run.',
    );
    expect(text).toContain('````sql\ndelete from t where note = ```x```\n````');
    expect(text).toContain(`To let it run, comment \`/approve ${ID}\``);
    // Its own id: the same run's credentials, another held statement, another id.
    expect(requestId({ ...subject, held })).not.toBe(requestId(subject));
    expect(requestId({ ...subject, held: { ...held, sequence: 2 } })).not.toBe(
      requestId({ ...subject, held }),
    );
  });

  it('has one status line format for comments and gateways', () => {
    expect(
      statusLine({
        what: 'request 1234abcd',
        approvals: { have: [{ actor: { id: 1, login: 'alice' }, evidence: 'c' }], need: 2 },
        leftMs: 27 * MINUTE,
        action: 'comment `/approve 1234abcd` on https://x',
      }),
    ).toBe(
      'Waiting for approval of request 1234abcd: 1 of 2 approvals (alice); 27m left. Comment `/approve 1234abcd` on https://x',
    );
    expect(
      statusLine({
        what: '"prod" at the gateway',
        leftMs: 90_000,
        action: 'approve at https://gw/a/1',
      }),
    ).toBe('Waiting for approval of "prod" at the gateway: 1m30s left. Approve at https://gw/a/1');
  });
});

describe('with the reference gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await testGateway();
  });
  afterAll(async () => {
    await gw.stop();
  });

  const client = (logger = captureLog().logger) =>
    createTokenExchangeGateway({
      gateway: gw.url,
      registerSecret: () => undefined,
      logger,
      timeoutMs: 5000,
      attemptTimeoutMs: 1000,
      retry: { initialDelayMs: 20 },
    });
  const tokenRequests = (): number =>
    gw.requests.filter((r) => r.startsWith('POST') && r.includes('token')).length;

  it('issues nothing until the comment approval lands (gate, then gateway, as main runs them)', async () => {
    const clock = new FakeClock(T0);
    const gh = await GitHubDouble.start({ now: () => clock.now(), owner: 'octo-org', repo: 'app' });
    try {
      const author = gh.addUser('author', { permission: 'write' });
      const alice = gh.addUser('alice', { permission: 'write' });
      const pr = gh.openPull(author);
      const before = tokenRequests();
      let atApproval = -1;
      clock.after(4 * MINUTE, () => {
        atApproval = tokenRequests();
        gh.comment(pr, alice, `/approve ${ID}`);
      });
      const source = new GitHubApprovals({
        token: gh.token,
        repository: 'octo-org/app',
        pullNumber: pr,
        author: { id: author.id, login: 'author' },
        actor: { id: author.id, login: 'author' },
        apiUrl: gh.url,
        clock,
      });
      const approval = await awaitApproval({
        policy: { ...policy, approvers: [] },
        subject,
        source,
        clock,
      });
      expect(atApproval).toBe(before);
      expect(tokenRequests()).toBe(before);
      const gateway = client();
      const result = await gateway.issue(
        { ...prodRequest, tokenExchange: { scope: 'read', audience: 'https://api.example.com' } },
        await gw.github(),
        new AbortController().signal,
      );
      expect(isPending(result)).toBe(false);
      expect(tokenRequests()).toBe(before + 1);
      expect(approval.approvers.map((a) => a.actor.login)).toEqual(['alice']);
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.stop();
    }
  });

  it('waits for a gateway-side approval with the same status line, and returns its URL', async () => {
    const log = captureLog();
    const gateway = client(log.logger);
    const identity = () => gw.github({ environment: 'production', run_id: 'gate-1' });
    const first = await gateway.issue(gatedRequest, await identity(), new AbortController().signal);
    if (!isPending(first)) throw new Error('expected pending');
    let polls = 0;
    const result = await awaitGatewayApproval(
      {
        ...gateway,
        poll: async (p, id, s) => {
          if (++polls === 2) await gw.decide(first.approvalUrl ?? '', 'approve');
          return gateway.poll(p, id, s);
        },
      },
      first,
      { identity, timeoutMs: 5000, logger: log.logger },
    );
    expect(result.issued.values.scope).toBe('prod');
    expect(result.approvalUrl).toBe(first.approvalUrl);
    expect(log.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^info: Waiting for approval of "prod" at the gateway: [\\d.]+ s left\\. Approve at ${first.approvalUrl ?? ''}$`,
        ),
      ),
    );
  });

  it('times out like comment approvals do, and a gateway deny is final', async () => {
    const clock = new FakeClock(T0);
    const gateway = client();
    const identity = () => gw.github({ environment: 'production', run_id: 'gate-2' });
    const first = await gateway.issue(gatedRequest, await identity(), new AbortController().signal);
    if (!isPending(first)) throw new Error('expected pending');
    const err = await awaitGatewayApproval(
      gateway,
      { ...first, intervalSeconds: 30 },
      { identity, timeoutMs: 2 * MINUTE, clock },
    ).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect((err as GatepassError).message).toBe('no approval for "prod" at the gateway within 2m');
    expect((err as GatepassError).hint).toContain(`Approve at ${first.approvalUrl ?? ''}`);

    await gw.decide(first.approvalUrl ?? '', 'deny');
    const denied = await awaitGatewayApproval(gateway, first, { identity, timeoutMs: 5000 }).catch(
      (e: unknown) => e,
    );
    expect((denied as GatepassError).code).toBe('DENIED');
  });

  it('lets the gateway withdraw what it still holds when the wait ends without a credential', async () => {
    const abandoned: string[] = [];
    const pending: Pending = {
      kind: 'pending',
      name: 'prod',
      request: prodRequest,
      intervalSeconds: 30,
    };
    const gateway: Gateway = {
      issue: () => Promise.resolve(pending),
      poll: () => Promise.resolve(pending),
      revoke: () => Promise.resolve(),
      abandon: (p, reason) => {
        abandoned.push(`${p.name}: ${reason}`);
        return Promise.resolve();
      },
    };
    const token = await gw.github();
    const wait = (options: { timeoutMs: number; signal?: AbortSignal }) =>
      awaitGatewayApproval(gateway, pending, {
        identity: () => Promise.resolve(token),
        clock: new FakeClock(T0),
        ...options,
      }).catch((e: unknown) => e);
    expect(await wait({ timeoutMs: 2 * MINUTE })).toBeInstanceOf(GatepassError);
    const cancel = new AbortController();
    cancel.abort(new GatepassError('TIMEOUT', 'cancelled by SIGTERM'));
    await wait({ timeoutMs: 2 * MINUTE, signal: cancel.signal });
    expect(abandoned).toEqual([
      'prod: no approval within `approval-timeout` (2m)',
      'prod: the job was cancelled',
    ]);
  });
});
