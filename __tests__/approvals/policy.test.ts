import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  REQUEST_ID_LENGTH,
  canonicalJson,
  checkSatisfiable,
  commandText,
  evaluate,
  parseCommand,
  requestId,
  requireGatewayReview,
  usersToLookUp,
  type Actor,
  type ApprovalEvent,
  type ApprovalPolicy,
  type CommentEvent,
  type PendingRequest,
  type RequestSubject,
} from '../../src/approvals/policy.js';
import { GatepassError } from '../../src/common/errors.js';

const ID = '3f9c2a1b';
const T0 = Date.parse('2025-01-01T12:00:00Z');
const alice: Actor = { id: 101, login: 'alice' };
const bob: Actor = { id: 102, login: 'bob' };
const carol: Actor = { id: 103, login: 'carol' };
const author: Actor = { id: 200, login: 'author' };
const bot: Actor = { id: 300, login: 'deploy-helper[bot]', bot: true };

const request: PendingRequest = { id: ID, createdAt: T0, sequence: 1000 };

function policy(overrides: Partial<ApprovalPolicy> = {}): ApprovalPolicy {
  return {
    required: 1,
    approverIds: new Set([alice.id, bob.id, carol.id, author.id, bot.id]),
    allowSelfApproval: false,
    self: { ids: new Set([author.id]), logins: new Set(['author']) },
    syntax: 'slash',
    ...overrides,
  };
}

let seq = 1000;
function comment(who: Actor, body: string, extra: Partial<CommentEvent> = {}): CommentEvent {
  seq += 1;
  const createdAt = extra.createdAt ?? T0 + 1000;
  return {
    kind: 'comment',
    id: String(seq),
    sequence: seq,
    author: who,
    body,
    createdAt,
    updatedAt: createdAt,
    ...extra,
  };
}

const subject: RequestSubject = {
  repository: 'acme/app',
  sha: 'a'.repeat(40),
  runId: '42',
  runAttempt: '1',
  credentials: [{ name: 'deploy', ttlSeconds: 900, tokenExchange: { scope: 'deploy:prod' } }],
};

describe('rule 1: the request id binds repository, commit, run, attempt and credentials', () => {
  it('is a short hex digest, stable for equal subjects', () => {
    const id = requestId(subject);
    expect(id).toMatch(new RegExp(`^[0-9a-f]{${REQUEST_ID_LENGTH}}$`));
    expect(requestId({ ...subject, credentials: [...subject.credentials] })).toBe(id);
  });

  it.each<[string, Partial<RequestSubject>]>([
    ['a new commit', { sha: 'b'.repeat(40) }],
    ['another run', { runId: '43' }],
    ['a re-run (attempt)', { runAttempt: '2' }],
    ['another repository', { repository: 'acme/other' }],
    ['another job', { job: 'deploy-eu' }],
    ['another gateway', { gateway: 'https://other.example' }],
    [
      'a wider scope',
      { credentials: [{ name: 'deploy', ttlSeconds: 900, tokenExchange: { scope: 'deploy:*' } }] },
    ],
    [
      'a longer TTL',
      {
        credentials: [
          { name: 'deploy', ttlSeconds: 3600, tokenExchange: { scope: 'deploy:prod' } },
        ],
      },
    ],
    [
      'another name',
      {
        credentials: [{ name: 'admin', ttlSeconds: 900, tokenExchange: { scope: 'deploy:prod' } }],
      },
    ],
  ])('changes with %s', (_what, change) => {
    expect(requestId({ ...subject, ...change })).not.toBe(requestId(subject));
  });

  it('ignores where a value is exposed (env) and key order', () => {
    const withEnv: RequestSubject = {
      ...subject,
      credentials: [
        {
          env: { TOKEN: 'access_token' },
          tokenExchange: { scope: 'deploy:prod' },
          ttlSeconds: 900,
          name: 'deploy',
        },
      ],
    };
    expect(requestId(withEnv)).toBe(requestId(subject));
    expect(canonicalJson({ b: 1, a: [true, null] })).toBe('{"a":[true,null],"b":1}');
  });

  it('does not count an approval naming another id (a stale id from an older commit)', () => {
    const stale = requestId({ ...subject, sha: 'c'.repeat(40) });
    const d = evaluate(policy(), request, [comment(alice, `/approve ${stale}`)]);
    expect(d.state).toBe('pending');
    expect(d.ignored[0]?.reason).toMatch(/names request/);
  });
});

describe('rule 2: approvers are matched by numeric id', () => {
  it('ignores a login that now belongs to another id', () => {
    const impostor: Actor = { id: 999, login: 'alice' };
    const d = evaluate(policy(), request, [comment(impostor, `/approve ${ID}`)]);
    expect(d.state).toBe('pending');
    expect(d.ignored[0]?.reason).toMatch(/not in `approvers`/);
  });

  it('counts a renamed approver whose id is listed', () => {
    const renamed: Actor = { id: alice.id, login: 'alice-new' };
    expect(evaluate(policy(), request, [comment(renamed, `/approve ${ID}`)]).state).toBe(
      'approved',
    );
  });

  it('without `approvers`, asks the default rule per user id and fails closed when unknown', () => {
    const p = policy({ approverIds: undefined });
    const events = [comment(alice, `/approve ${ID}`)];
    expect(evaluate(p, request, events).state).toBe('pending');
    expect(evaluate(p, request, events).ignored[0]?.reason).toMatch(/fails closed/);
    expect(evaluate(p, request, events, new Map([[alice.id, false]])).state).toBe('pending');
    expect(evaluate(p, request, events, new Map([[alice.id, true]])).state).toBe('approved');
    expect(usersToLookUp(p, request, events)).toEqual([alice]);
    expect(usersToLookUp(policy(), request, events)).toEqual([]);
  });
});

describe('rule 3: only new, unedited comments whose first line is the command', () => {
  it('ignores a comment written before the request', () => {
    const d = evaluate(policy(), request, [
      comment(alice, `/approve ${ID}`, { createdAt: T0 - 1000 }),
    ]);
    expect(d.state).toBe('pending');
    expect(d.ignored[0]?.reason).toBe('written before the request');
  });

  it('orders comments of the same second by id', () => {
    const before = comment(alice, `/approve ${ID}`, { createdAt: T0, sequence: 999 });
    const after = comment(bob, `/approve ${ID}`, { createdAt: T0, sequence: 1001 });
    const d = evaluate(policy({ required: 2 }), request, [before, after]);
    expect(d.approvers.map((a) => a.actor.login)).toEqual(['bob']);
  });

  it('ignores an edited approval', () => {
    const edited = comment(alice, `/approve ${ID}`, { createdAt: T0 + 1000, updatedAt: T0 + 5000 });
    const d = evaluate(policy(), request, [edited]);
    expect(d.state).toBe('pending');
    expect(d.ignored[0]?.reason).toBe('edited after it was written');
  });

  it('counts an edited deny: it can only stop the request (fails closed)', () => {
    const approval = comment(bob, `/approve ${ID}`, { createdAt: T0 + 1000 });
    const deny = comment(alice, `/deny ${ID}\n\nedited: the migration drops a table`, {
      createdAt: T0 + 2000,
      updatedAt: T0 + 9000,
    });
    const d = evaluate(policy(), request, [approval, deny]);
    expect(d.state).toBe('denied');
    expect(d.deniedBy?.actor.login).toBe('alice');
    // An edit still does not make an earlier comment, an ineligible author or another id count.
    const early = comment(alice, `/deny ${ID}`, { createdAt: T0 - 1000, updatedAt: T0 + 9000 });
    const other = comment(alice, `/deny 00000000`, { createdAt: T0 + 2000, updatedAt: T0 + 9000 });
    expect(evaluate(policy(), request, [approval, early, other]).state).toBe('approved');
  });

  it('ignores an edited comment that is no command, as edited', () => {
    const edited = comment(alice, 'LGTM', { createdAt: T0 + 1000, updatedAt: T0 + 5000 });
    expect(evaluate(policy(), request, [edited]).ignored[0]?.reason).toBe(
      'edited after it was written',
    );
  });

  it.each([
    ['a quote', `> /approve ${ID}`],
    ['a code fence', `\`\`\`\n/approve ${ID}\n\`\`\``],
    ['inline code', `\`/approve ${ID}\``],
    ['an indented code block', `    /approve ${ID}`],
    ['prose', `I will /approve ${ID} later`],
    ['a second line', `LGTM\n/approve ${ID}`],
    ['a quoted reply above it', `> earlier\n\n/approve ${ID}`],
    ['extra words', `/approve ${ID} please`],
    ['an HTML comment', `<!-- /approve ${ID} -->`],
    ['a missing id', '/approve'],
  ])('ignores %s', (_what, body) => {
    expect(evaluate(policy(), request, [comment(alice, body)]).state).toBe('pending');
  });

  it.each([
    `/approve ${ID}`,
    `/approve ${ID}\r\nthanks`,
    `/approve ${ID}\nsome reasoning below`,
    `/approve ${ID}\n`,
  ])('accepts %j', (body) => {
    expect(evaluate(policy(), request, [comment(alice, body)]).state).toBe('approved');
  });

  it('parses both syntaxes and never mixes them (GitLab: /approve is a quick action)', () => {
    expect(parseCommand(`/gatepass approve ${ID}`, 'gatepass')).toEqual({
      verb: 'approve',
      id: ID,
    });
    expect(parseCommand(`/gatepass deny ${ID}`, 'gatepass')).toEqual({ verb: 'deny', id: ID });
    expect(parseCommand(`/gatepass DENY ${ID}`, 'gatepass')).toBeUndefined();
    expect(parseCommand(`/approve ${ID}`, 'gatepass')).toBeUndefined();
    expect(parseCommand(`/gatepass approve ${ID}`, 'slash')).toBeUndefined();
    expect(commandText('gatepass', 'approve', ID)).toBe(`/gatepass approve ${ID}`);
    expect(commandText('slash', 'deny', ID)).toBe(`/deny ${ID}`);
  });

  it('ignores GitLab system notes', () => {
    const d = evaluate(policy(), request, [comment(alice, `/approve ${ID}`, { system: true })]);
    expect(d.state).toBe('pending');
  });
});

describe('rule 4: bots and the people behind the run do not approve it', () => {
  it.each([
    ['a bot', bot],
    ['a [bot] login without the flag', { id: 301, login: 'renovate[bot]' }],
    ['the PR author / actor (by id)', author],
    ['the triggering actor (by login, second net)', { id: 555, login: 'Author' }],
  ])('ignores %s', (_what, who: Actor) => {
    const p = policy({ approverIds: new Set([who.id]) });
    expect(evaluate(p, request, [comment(who, `/approve ${ID}`)]).state).toBe('pending');
  });

  it('lets the author approve with allow-self-approval, never a bot', () => {
    const p = policy({ allowSelfApproval: true });
    expect(evaluate(p, request, [comment(author, `/approve ${ID}`)]).state).toBe('approved');
    expect(evaluate(p, request, [comment(bot, `/approve ${ID}`)]).state).toBe('pending');
  });

  it('ignores a deny from someone who may not decide', () => {
    const d = evaluate(policy(), request, [
      comment(author, `/deny ${ID}`),
      comment(alice, `/approve ${ID}`),
    ]);
    expect(d.state).toBe('approved');
  });
});

describe('rule 5: N distinct approvers; one eligible deny is final', () => {
  it('needs N distinct people; the same person twice counts once', () => {
    const p = policy({ required: 2 });
    const one = evaluate(p, request, [
      comment(alice, `/approve ${ID}`),
      comment(alice, `/approve ${ID}`),
    ]);
    expect(one.state).toBe('pending');
    expect(one.approvers).toHaveLength(1);
    const two = evaluate(p, request, [
      comment(alice, `/approve ${ID}`),
      comment(bob, `/approve ${ID}`),
    ]);
    expect(two.state).toBe('approved');
    expect(two.approvers.map((a) => a.actor.id)).toEqual([alice.id, bob.id]);
  });

  it('is denied by one eligible deny, before or after approvals', () => {
    const deny = comment(carol, `/deny ${ID}`);
    const d = evaluate(policy(), request, [comment(alice, `/approve ${ID}`), deny]);
    expect(d.state).toBe('denied');
    expect(d.deniedBy?.actor.login).toBe('carol');
  });

  it('rejects a policy that can never pass before the wait', () => {
    const two = policy({ required: 3, approverIds: new Set([alice.id, author.id, bob.id]) });
    expect(() => {
      checkSatisfiable(two);
    }).toThrow(/can never be met: `approvers` name 2 users/);
    expect(() => {
      checkSatisfiable({ ...two, allowSelfApproval: true });
    }).not.toThrow();
    expect(() => {
      checkSatisfiable(policy({ required: 2 }), [alice, bot, author]);
    }).toThrow(GatepassError);
    expect(() => {
      checkSatisfiable(policy({ required: 0 }));
    }).toThrow(/whole number/);
    expect(() => {
      checkSatisfiable(policy({ required: 5, approverIds: undefined }));
    }).not.toThrow();
  });
});

describe('MR approvals (grants)', () => {
  const grant = (who: Actor, at: number | undefined): ApprovalEvent => ({
    kind: 'grant',
    id: String(who.id),
    author: who,
    at,
  });

  it('count from the moment the commit became the head, and fail closed without a time', () => {
    const r: PendingRequest = { ...request, grantsFrom: T0 - 60_000 };
    expect(evaluate(policy(), r, [grant(alice, T0 - 30_000)]).state).toBe('approved');
    expect(evaluate(policy(), r, [grant(alice, T0 - 90_000)]).ignored[0]?.reason).toMatch(
      /before this commit/,
    );
    expect(evaluate(policy(), r, [grant(alice, undefined)]).state).toBe('pending');
    expect(evaluate(policy(), request, [grant(alice, T0)]).state).toBe('pending');
    expect(evaluate(policy(), r, [grant(author, T0)]).state).toBe('pending');
  });
});

describe('properties', () => {
  const people: Actor[] = [
    alice,
    bob,
    carol,
    author,
    bot,
    { id: 999, login: 'alice' },
    { id: 104, login: 'dave' },
  ];
  const bodies = [
    `/approve ${ID}`,
    `/deny ${ID}`,
    `/approve 00000000`,
    `> /approve ${ID}`,
    `\`\`\`\n/approve ${ID}\n\`\`\``,
    'LGTM',
    `/APPROVE ${ID}`,
  ];
  const eventArb = fc.record({
    who: fc.constantFrom(...people),
    body: fc.constantFrom(...bodies),
    offset: fc.integer({ min: -5_000, max: 5_000 }),
    edited: fc.boolean(),
  });
  const policyArb = fc.record({
    required: fc.integer({ min: 1, max: 4 }),
    listed: fc.subarray(people.map((p) => p.id)),
    allowSelfApproval: fc.boolean(),
    useDefault: fc.boolean(),
    eligible: fc.subarray(people.map((p) => p.id)),
  });

  it('never approves with fewer than N eligible distinct ids, never with an eligible deny', () => {
    fc.assert(
      fc.property(policyArb, fc.array(eventArb, { maxLength: 25 }), (shape, raw) => {
        const p = policy({
          required: shape.required,
          allowSelfApproval: shape.allowSelfApproval,
          ...(shape.useDefault
            ? { approverIds: undefined }
            : { approverIds: new Set(shape.listed) }),
        });
        const eligibility = new Map(shape.eligible.map((id) => [id, true]));
        const events = raw.map((e, i) =>
          comment(e.who, e.body, {
            createdAt: T0 + e.offset,
            updatedAt: T0 + e.offset + (e.edited ? 1000 : 0),
            sequence: 2000 + i,
          }),
        );
        const decision = evaluate(p, request, events, eligibility);
        // An independent statement of who may decide.
        const may = (a: Actor): boolean =>
          a.bot !== true &&
          !a.login.endsWith('[bot]') &&
          (shape.allowSelfApproval || (a.id !== author.id && a.login.toLowerCase() !== 'author')) &&
          (shape.useDefault ? shape.eligible.includes(a.id) : shape.listed.includes(a.id));
        // Same second as the request: later sequence numbers, so they count.
        const valid = events.filter((e) => e.createdAt >= T0 && may(e.author));
        const approvedIds = new Set(
          // Exact: `/APPROVE <id>` is not a command. An edited approval never counts.
          valid
            .filter((e) => e.body === `/approve ${ID}` && e.updatedAt === e.createdAt)
            .map((e) => e.author.id),
        );
        // An edited deny does (it can only stop the request).
        const denied = valid.some((e) => e.body === `/deny ${ID}`);
        if (decision.state === 'approved') {
          expect(denied).toBe(false);
          expect(approvedIds.size).toBeGreaterThanOrEqual(shape.required);
          expect(new Set(decision.approvers.map((a) => a.actor.id)).size).toBe(
            decision.approvers.length,
          );
          for (const a of decision.approvers) expect(approvedIds.has(a.actor.id)).toBe(true);
        }
        if (denied) expect(decision.state).toBe('denied');
        if (!denied && approvedIds.size >= shape.required) expect(decision.state).toBe('approved');
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same decision whatever the order of approvals without a deny', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([alice, bob, carol], { minLength: 0 }), (who) => {
        const events = who.map((a) => comment(a, `/approve ${ID}`));
        const forward = evaluate(policy({ required: 2 }), request, events).state;
        const backward = evaluate(policy({ required: 2 }), request, [...events].reverse()).state;
        expect(forward).toBe(backward);
        expect(forward).toBe(who.length >= 2 ? 'approved' : 'pending');
      }),
    );
  });
});

describe('the command grammar is exact (README and docs/approvals.md say so)', () => {
  const SYNTAXES = ['slash', 'gatepass'] as const;
  const firstLine = (body: string) => body.split(/\r?\n/, 1)[0] ?? '';

  it.each([
    ['a tab', `/approve\t${ID}`],
    ['two spaces', `/approve  ${ID}`],
    ['a trailing space', `/approve ${ID} `],
    ['a trailing tab', `/approve ${ID}\t`],
    ['a leading space', ` /approve ${ID}`],
    ['an upper-case id', `/approve ${ID.toUpperCase()}`],
    ['an upper-case command', `/APPROVE ${ID}`],
    ['a capitalised command', `/Approve ${ID}`],
    ['a no-break space', `/approve\u00a0${ID}`],
    ['a zero-width space', `/approve \u200b${ID}`],
    ['a full-width slash', `\uff0fapprove ${ID}`],
    ['a short id', `/approve ${ID.slice(1)}`],
    ['a long id', `/approve ${ID}0`],
    ['a lone carriage return', `/approve ${ID}\rthanks`],
    ['a non-hex id', '/approve 3f9c2a1g'],
  ])('refuses %s', (_what, body) => {
    expect(parseCommand(body, 'slash')).toBeUndefined();
    expect(parseCommand(body.replace('/', '/gatepass '), 'gatepass')).toBeUndefined();
  });

  const hexId = fc
    .array(fc.constantFrom(...Array.from('0123456789abcdef')), { minLength: 8, maxLength: 8 })
    .map((chars) => chars.join(''));
  const rest = fc.oneof(
    fc.constant(''),
    fc.string().map((text) => `\n${text}`),
    fc.string().map((text) => `\r\n${text}`),
  );

  it('accepts exactly the announced line, whatever follows on later lines', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SYNTAXES),
        fc.constantFrom('approve' as const, 'deny' as const),
        hexId,
        rest,
        (syntax, verb, id, after) => {
          expect(parseCommand(`${commandText(syntax, verb, id)}${after}`, syntax)).toEqual({
            verb,
            id,
          });
        },
      ),
    );
  });

  it('never reads a command from a first line that is not exactly one', () => {
    // Near misses: the command's own characters, white space, case and line breaks.
    const alphabet = fc.constantFrom(
      ...'/approvedenygatps 3f9c2a1bAFG\t\r\n\u00a0'.split(''),
      '/approve ',
      '/gatepass ',
      ID,
    );
    const body = fc.array(alphabet, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.constantFrom(...SYNTAXES), body, (syntax, text) => {
        const command = parseCommand(text, syntax);
        if (command === undefined) return;
        expect(firstLine(text)).toBe(commandText(syntax, command.verb, command.id));
        expect(command.id).toMatch(/^[0-9a-f]{8}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every one-character change to the command line that is not another command', () => {
    const line = commandText('slash', 'approve', ID);
    const edits = fc.tuple(
      fc.integer({ min: 0, max: line.length }),
      fc.constantFrom('insert', 'delete', 'replace'),
      fc.constantFrom(' ', '\t', 'A', 'x', '0', '\r', '\u00a0', '/'),
    );
    fc.assert(
      fc.property(edits, ([at, kind, char]) => {
        const edited =
          kind === 'insert'
            ? line.slice(0, at) + char + line.slice(at)
            : kind === 'delete'
              ? line.slice(0, at) + line.slice(at + 1)
              : line.slice(0, at) + char + line.slice(at + 1);
        const command = parseCommand(edited, 'slash');
        if (edited === line) expect(command).toEqual({ verb: 'approve', id: ID });
        else if (command !== undefined)
          expect(edited).toBe(commandText('slash', command.verb, command.id));
      }),
    );
  });
});

describe('requireGatewayReview: approvals: 1 with approval-source: gateway fails closed', () => {
  const config = (required: number, source: 'gateway' | 'github-pr') => ({
    approvals: { required, approvers: [], timeoutMs: 60_000, allowSelfApproval: false, source },
  });

  it('refuses a credential the gateway issued without holding it for approval', () => {
    const run = () => {
      requireGatewayReview(config(1, 'gateway'), false, 'deploy');
    };
    expect(run).toThrow(GatepassError);
    expect(run).toThrow(
      'the gateway issued "deploy" without holding it for approval, but `approvals: 1` with `approval-source: gateway` asks for a human; it is revoked',
    );
  });

  it('lets through what the gateway held, and every case that asked for no gateway review', () => {
    expect(() => {
      requireGatewayReview(config(1, 'gateway'), true, 'deploy');
      requireGatewayReview(config(0, 'gateway'), false, 'deploy');
      requireGatewayReview(config(1, 'github-pr'), false, 'deploy');
    }).not.toThrow();
  });
});
