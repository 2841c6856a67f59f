import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { awaitApproval, type PolicyInputs } from '../../src/approvals/gate.js';
import {
  GitLabApprovals,
  isGitLabBot,
  nextPage,
  type GitLabMode,
} from '../../src/approvals/gitlab.js';
import {
  evaluate,
  requestId,
  type ApprovalPolicy,
  type RequestSubject,
} from '../../src/approvals/policy.js';
import { GatepassError } from '../../src/common/errors.js';
import { parseConfig } from '../../src/config/config.js';
import { IdentityToken } from '../../src/identity/token.js';
import { gitlabApprovalGate } from '../../src/platform/gitlab.js';
import { GitLabDouble, type GlNote, type GlUser } from '../doubles/gitlab.js';
import { throughProxy } from '../helpers/proxy.js';
import { captureLog, type CapturedLog } from '../helpers/log.js';
import { FakeClock } from './clock.js';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const MINUTE = 60_000;
const SHA = 'a'.repeat(40);

const subject: RequestSubject = {
  repository: 'acme/app',
  sha: SHA,
  runId: '555',
  runAttempt: '1',
  job: '9001',
  credentials: [{ name: 'db', ttlSeconds: 600, vault: { path: 'database/creds/migrator' } }],
};
const ID = requestId(subject);

interface World {
  gl: GitLabDouble;
  clock: FakeClock;
  log: CapturedLog;
  people: Record<
    'dev' | 'maintainer' | 'reporter' | 'blocked' | 'bot' | 'actor' | 'outsider',
    GlUser
  >;
  source: (
    mode?: GitLabMode,
    extra?: Partial<ConstructorParameters<typeof GitLabApprovals>[0]>,
  ) => GitLabApprovals;
  run: (
    policy?: Partial<PolicyInputs>,
    source?: GitLabApprovals,
  ) => ReturnType<typeof awaitApproval>;
  say: (ms: number, who: GlUser, body: string) => void;
}

const doubles: GitLabDouble[] = [];

async function world(): Promise<World> {
  const clock = new FakeClock(T0);
  const gl = await GitLabDouble.start({ now: () => clock.now() });
  doubles.push(gl);
  const people = {
    dev: gl.addUser('dev', 30),
    maintainer: gl.addUser('maintainer', 40),
    reporter: gl.addUser('reporter', 20),
    blocked: gl.addUser('blocked-dev', 30, 'blocked'),
    bot: gl.addUser('project_77_bot_1a2b3c', 40),
    actor: gl.addUser('actor', 40),
    outsider: gl.addUser('outsider'),
  };
  const log = captureLog();
  const source: World['source'] = (mode = 'notes', extra = {}) =>
    new GitLabApprovals({
      token: gl.token,
      apiUrl: gl.apiUrl,
      projectId: String(gl.projectId),
      mergeRequestIid: gl.mr.iid,
      sha: SHA,
      mode,
      actor: { id: people.actor.id, login: 'actor' },
      clock,
      logger: log.logger,
      ...extra,
    });
  const run: World['run'] = (policy = {}, src = source()) =>
    awaitApproval({
      policy: {
        required: 1,
        approvers: [],
        timeoutMs: 30 * MINUTE,
        allowSelfApproval: false,
        ...policy,
      },
      subject,
      source: src,
      clock,
      logger: log.logger,
    });
  const say: World['say'] = (ms, who, body) => {
    clock.after(ms, () => gl.note(who, body));
  };
  return { gl, clock, log, people, source, run, say };
}

afterEach(async () => {
  for (const gl of doubles.splice(0)) {
    expect(gl.violations).toEqual([]);
    await gl.stop();
  }
});

function requestNote(w: World): string {
  return w.gl.notes.find((n) => n.author.id === 1)?.body ?? '';
}

describe('GitLab notes (`approval-source: gitlab-notes`)', () => {
  it('is approved by N Developers or more with `/gatepass approve <id>`', async () => {
    const w = await world();
    w.say(10_000, w.people.dev, `/gatepass approve ${ID}`);
    w.say(40_000, w.people.maintainer, `/gatepass approve ${ID}`);
    const result = await w.run({ required: 2 });
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['dev', 'maintainer']);
    expect(requestNote(w)).toMatch(/^\*\*✅ Approved\*\* by @dev, @maintainer/);
    expect(requestNote(w)).toContain(`/gatepass approve ${ID}`);
    expect(requestNote(w)).not.toMatch(/`\/approve /);
    expect(result.url).toMatch(
      /^https:\/\/gitlab\.example\/acme\/app\/-\/merge_requests\/5#note_\d+$/,
    );
    w.log.expectNoSecrets([w.gl.token]);
  });

  it('is denied by one eligible `/gatepass deny`', async () => {
    const w = await world();
    w.say(10_000, w.people.maintainer, `/gatepass deny ${ID}`);
    const err = await w.run().catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('DENIED');
    expect(requestNote(w)).toMatch(/^\*\*⛔ Denied\*\* by @maintainer/);
  });

  it('is denied by a deny note edited before gatepass read it (an edit can only add a reason)', async () => {
    const w = await world();
    w.clock.after(5_000, () => {
      const note = w.gl.note(w.people.maintainer, `/gatepass deny ${ID}`);
      w.gl.editNote(note, `/gatepass deny ${ID}\n\nThe migration drops a table.`);
    });
    const err = await w.run({ timeoutMs: 2 * MINUTE }).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('DENIED');
  });

  it('times out', async () => {
    const w = await world();
    const err = await w.run({ timeoutMs: 5 * MINUTE }).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect(requestNote(w)).toMatch(/^\*\*⌛ Timed out/);
  });

  it.each<[string, (w: World) => void]>([
    [
      'the `/approve` quick action',
      (w) => {
        w.say(5_000, w.people.dev, `/approve ${ID}`);
      },
    ],
    [
      'a Reporter',
      (w) => {
        w.say(5_000, w.people.reporter, `/gatepass approve ${ID}`);
      },
    ],
    [
      'a blocked member',
      (w) => {
        w.say(5_000, w.people.blocked, `/gatepass approve ${ID}`);
      },
    ],
    [
      'a non-member',
      (w) => {
        w.say(5_000, w.people.outsider, `/gatepass approve ${ID}`);
      },
    ],
    [
      'a bot (project access token)',
      (w) => {
        w.say(5_000, w.people.bot, `/gatepass approve ${ID}`);
      },
    ],
    [
      'the MR author',
      (w) => {
        w.say(5_000, w.gl.mr.author, `/gatepass approve ${ID}`);
      },
    ],
    [
      'the actor',
      (w) => {
        w.say(5_000, w.people.actor, `/gatepass approve ${ID}`);
      },
    ],
    [
      'a quote',
      (w) => {
        w.say(5_000, w.people.dev, `> /gatepass approve ${ID}`);
      },
    ],
    [
      'a wrong id',
      (w) => {
        w.say(5_000, w.people.dev, '/gatepass approve 0badc0de');
      },
    ],
    [
      'a system note',
      (w) => {
        w.clock.after(5_000, () =>
          w.gl.note(w.people.dev, `/gatepass approve ${ID}`, { system: true }),
        );
      },
    ],
    [
      'a note written before the request',
      (w) => {
        w.gl.note(w.people.dev, `/gatepass approve ${ID}`, { at: T0 - MINUTE });
      },
    ],
    [
      'an edited note',
      (w) => {
        // An edit that changes the body (GitLab records no edit that does not).
        w.clock.after(5_000, () => {
          w.gl.editNote(w.gl.note(w.people.dev, 'LGTM'), `/gatepass approve ${ID}`);
        });
      },
    ],
  ])('does not count %s', async (_what, act) => {
    const w = await world();
    act(w);
    w.say(3 * MINUTE, w.people.maintainer, `/gatepass approve ${ID}`);
    const result = await w.run();
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['maintainer']);
  });

  it('matches `approvers` usernames by id, resolved once', async () => {
    const w = await world();
    const original = w.people.reporter;
    w.clock.after(1_000, () => {
      original.username = 'reporter-old';
      const impostor = w.gl.addUser('reporter', 30);
      w.gl.note(impostor, `/gatepass approve ${ID}`);
    });
    w.say(2 * MINUTE, original, `/gatepass approve ${ID}`);
    const result = await w.run({ approvers: ['reporter', 'dev'] });
    expect(result.approvers.map((a) => a.actor.id)).toEqual([original.id]);
    const missing = await w.run({ approvers: ['nobody'] }).catch((e: unknown) => e);
    expect((missing as GatepassError).code).toBe('CONFIG');
  });

  it('reads every page: 150 notes', async () => {
    const w = await world();
    w.clock.after(2_000, () => {
      for (let i = 0; i < 150; i++) w.gl.note(w.people.reporter, `chatter ${i}`);
      w.gl.note(w.people.dev, `/gatepass approve ${ID}`);
    });
    const result = await w.run();
    expect(result.approvers).toHaveLength(1);
    expect(w.gl.requests.some((r) => r.path.endsWith('/notes') && r.query.includes('page=2'))).toBe(
      true,
    );
  });

  it('ends at approval-timeout while a membership lookup keeps failing', async () => {
    const w = await world();
    for (let i = 0; i < 200; i++) w.gl.faults.push({ path: '/members/all/', status: 502 });
    w.say(1_000, w.people.dev, `/gatepass approve ${ID}`);
    const err = await w.run({ timeoutMs: 12_000 }).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect((err as GatepassError).message).toMatch(
      /^no approval for request [0-9a-f]{8} within 12 s; the last call was still failing: looking up \S+'s membership did not succeed/,
    );
    expect(w.clock.now() - T0).toBeLessThanOrEqual(12_000);
  });

  it('words an unreachable GitLab as every gateway does, and stops at approval-timeout', async () => {
    const w = await world();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) =>
      closed.close(() => {
        r();
      }),
    );
    const apiUrl = `http://127.0.0.1:${port}/api/v4`;
    const err = await w
      .run({ timeoutMs: 20_000 }, w.source('notes', { apiUrl }))
      .catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
    expect((err as GatepassError).message).toMatch(
      new RegExp(
        `; the last call was still failing: reading the merge request did not succeed within 20 s \\(\\d+ attempts\\); last error: cannot reach GitLab at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`,
      ),
    );
    const retries = w.log.lines.filter((l) => l.includes('retrying in'));
    expect(retries[0]).toMatch(
      /^info: reading the merge request: cannot reach GitLab at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); retrying in/,
    );
    expect(w.clock.now() - T0).toBeLessThanOrEqual(20_000);
  });

  it('honours 429 Retry-After, and fails closed with the token hint on 401', async () => {
    const w = await world();
    // The first call to a notes URL is posting the request: it waits 20 s, then posts.
    w.gl.faults.push({ path: '/notes', status: 429, headers: { 'retry-after': '20' } });
    w.say(MINUTE, w.people.dev, `/gatepass approve ${ID}`);
    await expect(w.run()).resolves.toMatchObject({ requestId: ID });
    expect(w.clock.sleeps).toContain(20_000);

    const bad = await w
      .run({}, w.source('notes', { token: 'glpat-wrongwrongwrong0000' }))
      .catch((e: unknown) => e);
    expect((bad as GatepassError).code).toBe('CONFIG');
    expect((bad as GatepassError).hint).toMatch(/GATEPASS_GITLAB_TOKEN.*`api` scope/);
    expect((bad as Error).message).not.toContain('glpat-');
  });

  it('knows GitLab bots and pagination headers', () => {
    expect(isGitLabBot({ id: 1, username: 'project_12_bot_abcdef' })).toBe(true);
    expect(isGitLabBot({ id: 1, username: 'group_3_bot' })).toBe(true);
    expect(isGitLabBot({ id: 1, username: 'alert-bot' })).toBe(true);
    expect(isGitLabBot({ id: 1, username: 'robert' })).toBe(false);
    expect(nextPage(new Headers({ 'x-next-page': '3' }))).toBe(3);
    expect(nextPage(new Headers({ 'x-next-page': '' }))).toBeUndefined();
    expect(
      nextPage(new Headers({ link: '<https://g/api/v4/x?page=4&per_page=100>; rel="next"' })),
    ).toBe(4);
  });
});

describe('GitLab notes as GitLab changes them: an edit is an edit of the body', () => {
  it('counts approvals that got a 👍 or whose thread was resolved after gatepass saw them', async () => {
    const w = await world();
    const second = w.gl.addUser('second-dev', 30);
    const third = w.gl.addUser('third-dev', 30);
    const fourth = w.gl.addUser('fourth-dev', 30);
    let dev: GlNote | undefined;
    let thread: GlNote | undefined;
    let edited: GlNote | undefined;
    w.clock.after(1_000, () => {
      dev = w.gl.note(w.people.dev, `/gatepass approve ${ID}`);
      thread = w.gl.note(w.people.maintainer, `/gatepass approve ${ID}`, { thread: true });
      edited = w.gl.note(second, `/gatepass approve ${ID}`);
    });
    // Seen by the poll at 5 s; then a reaction, a resolved thread, and a real edit.
    w.clock.after(6_000, () => {
      if (dev === undefined || thread === undefined || edited === undefined) return;
      w.gl.react(dev, w.people.reporter);
      w.gl.resolve(thread, w.people.dev);
      w.gl.editNote(edited, `/gatepass approve ${ID}\n\n(edited after it was read)`);
    });
    w.say(2 * MINUTE, third, `/gatepass approve ${ID}`);
    w.say(3 * MINUTE, fourth, `/gatepass approve ${ID}`);
    const result = await w.run({ required: 4 });
    expect(result.approvers.map((a) => a.actor.login)).toEqual([
      'dev',
      'maintainer',
      'third-dev',
      'fourth-dev',
    ]);
    // Nothing was ambiguous at first sight: no GraphQL question.
    expect(w.gl.requests.filter((r) => r.path === '/api/graphql')).toEqual([]);
  });

  it.each<[string, (w: World, note: GlNote) => void]>([
    [
      'a 👍',
      (w, note) => {
        w.gl.react(note, w.people.reporter);
      },
    ],
    [
      'resolving its thread',
      (w, note) => {
        w.gl.resolve(note, w.people.dev);
      },
    ],
  ])(
    'asks GraphQL about a command note changed by %s before gatepass first saw it',
    async (_what, change) => {
      const approved = await world();
      approved.clock.after(1_000, () => {
        const note = approved.gl.note(approved.people.dev, `/gatepass approve ${ID}`, {
          thread: true,
        });
        approved.clock.after(500, () => {
          change(approved, note);
        });
      });
      const result = await approved.run({ timeoutMs: 2 * MINUTE });
      expect(result.approvers.map((a) => a.actor.login)).toEqual(['dev']);
      expect(approved.gl.requests.filter((r) => r.path === '/api/graphql')).toHaveLength(1);

      // The deny, reacted to before the next poll, still denies.
      const denied = await world();
      denied.clock.after(1_000, () => {
        const note = denied.gl.note(denied.people.maintainer, `/gatepass deny ${ID}`, {
          thread: true,
        });
        denied.clock.after(500, () => {
          change(denied, note);
        });
      });
      const err = await denied.run({ timeoutMs: 2 * MINUTE }).catch((e: unknown) => e);
      expect((err as GatepassError).code).toBe('DENIED');
    },
  );

  it('keeps a deny it has seen: editing or deleting the note does not take it back', async () => {
    const w = await world();
    const source = w.source();
    const ctx = { signal: new AbortController().signal, deadline: T0 + 30 * MINUTE };
    const opened = await source.open('request', ctx);
    const policy: ApprovalPolicy = {
      required: 1,
      allowSelfApproval: false,
      self: { ids: new Set([w.people.actor.id]), logins: new Set(['actor']) },
      syntax: 'gatepass',
    };
    const request = { id: ID, createdAt: opened.createdAt, sequence: opened.sequence ?? 0 };
    const eligible = new Map([[w.people.maintainer.id, true]]);
    const decide = async (): Promise<string> =>
      evaluate(policy, request, await source.events(ctx), eligible).state;
    await w.clock.sleep(1_000);
    const deny = w.gl.note(w.people.maintainer, `/gatepass deny ${ID}`);
    expect(await decide()).toBe('denied');
    await w.clock.sleep(1_000);
    w.gl.editNote(deny, 'never mind');
    expect(await decide()).toBe('denied');
    w.gl.deleteNote(deny);
    expect(await decide()).toBe('denied');
  });

  it('without Query.note (GitLab before 15.9): an approval counts as edited, a deny as written', async () => {
    const approved = await world();
    approved.gl.graphqlQueryNote = false;
    approved.clock.after(1_000, () => {
      const note = approved.gl.note(approved.people.dev, `/gatepass approve ${ID}`);
      approved.gl.react(note, approved.people.reporter);
    });
    approved.say(MINUTE, approved.people.maintainer, `/gatepass approve ${ID}`);
    const result = await approved.run();
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['maintainer']);
    expect(approved.log.lines.filter((l) => l.startsWith('warning:'))).toEqual([
      expect.stringMatching(
        /^warning: GitLab's GraphQL API did not say whether note \d+ was edited \(Field 'note' doesn't exist on type 'Query'\); an approval there counts as edited, a deny as written\. Needs GitLab 15\.9/,
      ),
    ]);

    const denied = await world();
    denied.gl.graphqlQueryNote = false;
    denied.clock.after(1_000, () => {
      const note = denied.gl.note(denied.people.maintainer, `/gatepass deny ${ID}`);
      denied.gl.react(note, denied.people.dev);
    });
    const err = await denied.run({ timeoutMs: 2 * MINUTE }).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('DENIED');
  });

  it('reads a deny right after the request when notes before it are deleted', async () => {
    const w = await world();
    const before = [1, 2, 3].map((i) =>
      w.gl.note(w.people.reporter, `chatter ${i}`, { at: T0 - MINUTE }),
    );
    // Two notes a page: the request is second on page 2 until the chatter goes.
    w.clock.after(6_000, () => {
      for (const note of before) w.gl.deleteNote(note);
      w.gl.note(w.people.maintainer, `/gatepass deny ${ID}`);
    });
    const err = await w
      .run({ timeoutMs: 5 * MINUTE }, w.source('notes', { perPage: 2 }))
      .catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('DENIED');
  });
});

describe('GitLab MR approvals (`approval-source: gitlab-mr-approvals`)', () => {
  it('counts eligible approvals given after this commit became the head', async () => {
    const w = await world();
    w.clock.after(30_000, () => {
      w.gl.approve(w.people.dev);
    });
    const result = await w.run({}, w.source('mr-approvals'));
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['dev']);
    expect(requestNote(w)).toContain('approve the merge request');
  });

  it('does not count an approval of an earlier push that GitLab kept', async () => {
    const w = await world();
    // The head was SHA an hour ago (the double's first version); approved then;
    // a push of other code and a force-push back to SHA followed.
    w.gl.approve(w.people.maintainer, T0 - 50 * MINUTE);
    w.gl.push('b'.repeat(40), T0 - 40 * MINUTE);
    w.gl.push(SHA, T0 - MINUTE);
    w.clock.after(3 * MINUTE, () => {
      w.gl.approve(w.people.dev);
    });
    const result = await w.run({}, w.source('mr-approvals'));
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['dev']);
  });

  it('does not count the author, bots, Reporters, or an approval without a time', async () => {
    const w = await world();
    w.gl.approve(w.gl.mr.author);
    w.gl.approve(w.people.bot);
    w.gl.approve(w.people.reporter);
    w.gl.approve(w.people.maintainer, null);
    const err = await w
      .run({ timeoutMs: 2 * MINUTE }, w.source('mr-approvals'))
      .catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('TIMEOUT');
  });

  it('stops when a push moves the head: approvals reset by GitLab stay reset', async () => {
    const w = await world();
    w.gl.approve(w.people.dev, T0 - 10_000);
    w.clock.after(30_000, () => {
      w.gl.push('c'.repeat(40), w.clock.now(), true);
    });
    const err = await w.run({ required: 2 }, w.source('mr-approvals')).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('DENIED');
    expect((err as GatepassError).message).toMatch(/moved to cccccccccccc/);
  });

  it('refuses a commit that is not a version of the MR', async () => {
    const w = await world();
    const err = await w
      .run({}, w.source('mr-approvals', { sha: 'd'.repeat(40) }))
      .catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('CONFIG');
    expect(w.gl.notes).toEqual([]);
  });

  it('still takes `/gatepass deny` notes', async () => {
    const w = await world();
    w.say(5_000, w.people.maintainer, `/gatepass deny ${ID}`);
    const err = await w.run({}, w.source('mr-approvals')).catch((e: unknown) => e);
    expect((err as GatepassError).code).toBe('DENIED');
  });
});

describe('merged results and merge train pipelines (platform/gitlab.ts)', () => {
  const MERGE = 'e'.repeat(40);

  function gitlabJob(
    w: World,
    source: 'gitlab-mr-approvals' | 'gitlab-notes',
    vars: Record<string, string>,
  ): {
    gate: ReturnType<typeof gitlabApprovalGate>;
    config: ReturnType<typeof parseConfig>;
  } {
    const env: Record<string, string> = {
      CI_API_V4_URL: w.gl.apiUrl,
      CI_PROJECT_ID: String(w.gl.projectId),
      CI_MERGE_REQUEST_IID: String(w.gl.mr.iid),
      CI_COMMIT_SHA: MERGE,
      GITLAB_USER_ID: String(w.people.actor.id),
      GITLAB_USER_LOGIN: 'actor',
      GATEPASS_GITLAB_TOKEN: w.gl.token,
      ...vars,
    };
    const inputs: Record<string, string> = {
      gateway: 'https://sts.example.com',
      credentials: '- name: db\n  scope: read',
      approvals: '1',
      'approval-source': source,
      'approval-timeout': '2m',
    };
    const config = parseConfig((name) => inputs[name] ?? '', { platform: 'gitlab', env });
    return { gate: gitlabApprovalGate(env, w.log.logger), config };
  }

  it.each(['merged_result', 'merge_train'])(
    'compares the MR head, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA, with MR approvals (%s)',
    async (type) => {
      const w = await world();
      // The head (SHA) was pushed an hour ago; dev approved since.
      w.gl.approve(w.people.dev, T0 - 10 * MINUTE);
      const { gate, config } = gitlabJob(w, 'gitlab-mr-approvals', {
        CI_MERGE_REQUEST_EVENT_TYPE: type,
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: SHA,
        CI_MERGE_REQUEST_TARGET_BRANCH_SHA: 'f'.repeat(40),
      });
      gate.check?.(config);
      const approvers = await gate.wait({
        id: requestId({ ...subject, sha: MERGE }),
        subject: { ...subject, sha: MERGE },
        config,
        identity: new IdentityToken('x', 'gitlab', {}),
        signal: new AbortController().signal,
      });
      expect(approvers.map((a) => a.login)).toEqual(['dev']);
      expect(requestNote(w)).toContain(
        `- commit: the merge request's head \`${SHA}\`, merged into the target branch as \`${MERGE}\``,
      );

      // A push moves the head away from SHA: the job's approvals no longer cover it.
      w.gl.push('c'.repeat(40), T0 - MINUTE);
      const moved = await gate
        .wait({
          id: requestId({ ...subject, sha: MERGE }),
          subject: { ...subject, sha: MERGE },
          config,
          identity: new IdentityToken('x', 'gitlab', {}),
          signal: new AbortController().signal,
        })
        .catch((e: unknown) => e);
      expect((moved as GatepassError).code).toBe('DENIED');
      expect((moved as GatepassError).message).toMatch(
        /moved to cccccccccccc; approvals there do not cover aaaaaaaaaaaa/,
      );
    },
  );

  it('names the MR head in the request note of `gitlab-notes`', async () => {
    const w = await world();
    w.say(10_000, w.people.dev, `/gatepass approve ${requestId({ ...subject, sha: MERGE })}`);
    const result = await awaitApproval({
      policy: { required: 1, approvers: [], timeoutMs: 5 * MINUTE, allowSelfApproval: false },
      subject: { ...subject, sha: MERGE },
      source: w.source('notes', { sha: MERGE, headSha: SHA }),
      clock: w.clock,
      logger: w.log.logger,
    });
    expect(result.approvers.map((a) => a.actor.login)).toEqual(['dev']);
    expect(requestNote(w)).toContain(`\`${SHA}\`, merged into the target branch as \`${MERGE}\``);
  });

  it('stops before any request when a merged results pipeline lacks CI_MERGE_REQUEST_SOURCE_BRANCH_SHA', async () => {
    const w = await world();
    const { gate, config } = gitlabJob(w, 'gitlab-mr-approvals', {
      CI_MERGE_REQUEST_EVENT_TYPE: 'merged_result',
      CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: '',
    });
    let err: unknown;
    try {
      gate.check?.(config);
    } catch (e) {
      err = e;
    }
    expect((err as GatepassError).code).toBe('CONFIG');
    expect((err as GatepassError).message).toMatch(/CI_MERGE_REQUEST_SOURCE_BRANCH_SHA is empty/);
    expect(w.gl.requests).toEqual([]);
  });
});

describe('the GitLab double changes notes as GitLab does', () => {
  it('moves updated_at for a reaction or a resolved thread, and records only body edits', async () => {
    const w = await world();
    const headers = { 'PRIVATE-TOKEN': w.gl.token, 'content-type': 'application/json' };
    const rest = async (): Promise<Array<Record<string, unknown>>> =>
      (await (
        await fetch(`${w.gl.apiUrl}/projects/77/merge_requests/5/notes?sort=asc`, { headers })
      ).json()) as Array<Record<string, unknown>>;
    const graphql = async (id: number): Promise<unknown> =>
      (
        (await (
          await fetch(new URL('/api/graphql', w.gl.apiUrl), {
            method: 'POST',
            headers,
            body: JSON.stringify({
              query: 'query($n: NoteID!) { n: note(id: $n) { lastEditedAt lastEditedBy { id } } }',
              variables: { n: `gid://gitlab/Note/${id}` },
            }),
          })
        ).json()) as { data: { n: unknown } }
      ).data.n;
    const reacted = w.gl.note(w.people.dev, 'one');
    const thread = w.gl.note(w.people.dev, 'two', { thread: true });
    const same = w.gl.note(w.people.dev, 'three');
    const edited = w.gl.note(w.people.dev, 'four');
    await w.clock.sleep(1_000);
    w.gl.react(reacted, w.people.maintainer);
    w.gl.resolve(thread, w.people.maintainer);
    w.gl.editNote(same, 'three');
    w.gl.editNote(edited, 'four, edited');
    const [a, b, c, d] = await rest();
    expect(a).toMatchObject({ updated_at: '2025-03-01T10:00:01.000Z', resolvable: false });
    expect(a).not.toHaveProperty('last_edited_at');
    expect(b).toMatchObject({
      type: 'DiscussionNote',
      resolvable: true,
      resolved: true,
      updated_at: '2025-03-01T10:00:01.000Z',
    });
    expect(c).toMatchObject({ updated_at: '2025-03-01T10:00:00.000Z' });
    expect(d).toMatchObject({ body: 'four, edited', updated_at: '2025-03-01T10:00:01.000Z' });
    // Note#last_edited_at falls back to updated_at; only lastEditedBy tells an edit.
    expect(await graphql(reacted.id)).toEqual({
      lastEditedAt: '2025-03-01T10:00:01.000Z',
      lastEditedBy: null,
    });
    expect(await graphql(edited.id)).toEqual({
      lastEditedAt: '2025-03-01T10:00:01.000Z',
      lastEditedBy: { id: `gid://gitlab/User/${w.people.dev.id}` },
    });
    const other = await fetch(new URL('/api/graphql', w.gl.apiUrl), {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: '{ currentUser { id } }' }),
    });
    expect(await other.json()).toMatchObject({ errors: [{ message: expect.any(String) }] });
    expect(w.gl.violations).toEqual([expect.stringMatching(/Field 'currentUser' doesn't exist/)]);
    w.gl.violations.length = 0;
  });
});

describe('the GitLab double checks requests against the documented API', () => {
  it('records a request outside the description', async () => {
    const w = await world();
    const headers = { 'PRIVATE-TOKEN': w.gl.token, 'content-type': 'application/json' };
    const base = `${w.gl.apiUrl}/projects/77/merge_requests/5`;
    expect((await fetch(`${base}/notes?per_page=500`, { headers })).status).toBe(400);
    expect((await fetch(`${base}/notes?sort=random`, { headers })).status).toBe(400);
    expect(
      (
        await fetch(`${base}/notes`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ note: 'x' }),
        })
      ).status,
    ).toBe(400);
    expect((await fetch(`${base}/approve`, { method: 'POST', headers })).status).toBe(404);
    expect(w.gl.violations).toEqual([
      expect.stringMatching(/query.per_page: above 100/),
      expect.stringMatching(/query.sort: "random" is not one of asc, desc/),
      expect.stringMatching(/body: "body" is required/),
      expect.stringMatching(/body: "note" is not a field/),
      expect.stringMatching(/not an endpoint of the description/),
    ]);
    w.gl.violations.length = 0;
  });
});

describe('behind a proxy (the transport: __tests__/common/http.test.ts)', () => {
  it('posts and reads through a CONNECT proxy, trusting a private CA', async () => {
    const w = await world();
    const name = 'gitlab.corp.test';
    await throughProxy({
      name,
      target: new URL(w.gl.apiUrl).origin,
      body: async ({ front, proxy }) => {
        const apiUrl = `https://${name}:${front.port}${new URL(w.gl.apiUrl).pathname}`;
        w.say(10_000, w.people.dev, `/gatepass approve ${ID}`);
        const result = await w.run({}, w.source('notes', { apiUrl }));
        expect(result.approvers.map((a) => a.actor.login)).toEqual(['dev']);
        expect(new Set(proxy.connects.map((c) => c.target))).toEqual(
          new Set([`${name}:${front.port}`]),
        );
      },
    });
  });
});
