/**
 * `approvals: 1` through the action, as the runner runs it: the bundled
 * `dist/main` as a child process on a `pull_request` event, the GitHub API
 * double (spec-checked) at GITHUB_API_URL, and the reference gateway. The
 * double's `onRequest` hook plays the humans: it comments while gatepass
 * polls, and records what the gateway had issued at that moment.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GitHubDouble, type GhUser } from '../doubles/github.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import {
  MAIN,
  POST,
  launch,
  pullRequestStep,
  readCommands,
  type PullStep,
} from '../helpers/runner.js';

const CREDENTIALS = `
- name: api
  ttl: 10m
  scope: read
  audience: https://api.example.com
  env: { API_TOKEN: access_token }
`;

let gw: TestGateway;
let gh: GitHubDouble;
let root: string;
let author: GhUser;
let actor: GhUser;
let alice: GhUser;
let bob: GhUser;

beforeAll(async () => {
  gw = await testGateway();
  gh = await GitHubDouble.start({ owner: 'octo-org', repo: 'app' });
  author = gh.addUser('pr-author', { permission: 'write' });
  actor = gh.addUser('octocat', { permission: 'admin' });
  alice = gh.addUser('alice', { permission: 'write' });
  bob = gh.addUser('bob', { permission: 'maintain' });
  root = mkdtempSync(join(tmpdir(), 'gatepass-approvals-'));
});
afterAll(async () => {
  await gw.stop();
  await gh.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A `pull_request` step by octocat on a PR opened by pr-author. */
function pullStep(inputs: Record<string, string> = {}): PullStep {
  return pullRequestStep({
    root,
    inputs: {
      gateway: gw.url,
      credentials: CREDENTIALS,
      approvals: '1',
      'github-token': gh.token,
      run: 'printf %s "$API_TOKEN" > seen\necho "script ran"',
      ...inputs,
    },
    idToken: { url: gw.idTokenRequestUrl, token: gw.idTokenRequestToken },
    pull: { number: gh.openPull(author), author },
    actor,
    apiUrl: gh.url,
  });
}

const exchanges = (): number => gw.requests.filter((r) => r === 'POST /token').length;

/** The request id in gatepass's comment on the PR. */
function requestIdOn(pr: number): string {
  const body = gh.commentsOn(pr)[0]?.body ?? '';
  const id = /approval requested \(`([0-9a-f]{8})`\)/.exec(body)?.[1];
  if (id === undefined) throw new Error(`no request comment on #${pr}`);
  return id;
}

/** Acts at the n-th poll of the PR's comments (1-based), recording what had been issued then. */
function atPoll(pr: number, actions: Record<number, (id: string) => void>): number[] {
  const issuedAtPoll: number[] = [];
  gh.onRequest = (method, path) => {
    if (method !== 'GET' || path !== `/repos/octo-org/app/issues/${pr}/comments`) return;
    issuedAtPoll.push(exchanges());
    actions[issuedAtPoll.length]?.(requestIdOn(pr));
  };
  return issuedAtPoll;
}

describe('approvals: 1 on a pull request, through the action', () => {
  it('issues nothing until an eligible user approves; then the script runs', async () => {
    const s = pullStep();
    const before = exchanges();
    const polls = atPoll(s.pr, {
      2: (id) => gh.comment(s.pr, alice, `/approve ${id}\nLooks right.`),
    });
    const main = await launch(MAIN, s.env).result;
    gh.onRequest = undefined;
    expect(main.stderr).toBe('');
    expect(main.code).toBe(0);
    const id = requestIdOn(s.pr);
    // Two polls saw nothing issued; the exchange came after the approval.
    expect(polls.slice(0, 2)).toEqual([before, before]);
    expect(exchanges()).toBe(before + 1);
    expect(main.stdout).toContain('script ran');
    const token = readFileSync(join(s.dir, 'workspace', 'seen'), 'utf8');
    // Issued for the script, revoked when it ended.
    expect(await gw.introspect(token)).toEqual({ active: false });

    const outputs = readCommands(s.files.output);
    expect(outputs['request-id']).toBe(id);
    expect(outputs['approved-by']).toBe('alice');
    expect(main.stdout).toMatch(
      new RegExp(`Approval requested on pull request #${s.pr}: .* \\(request ${id}; comment`),
    );
    const summary = readFileSync(s.files.summary, 'utf8');
    expect(summary).toMatch(/\| api \| token-exchange \| .*\[alice\]\(https?:\/\/[^)]*\)/);
    expect(gh.commentsOn(s.pr)[0]?.body).toMatch(/^\*\*✅ Approved\*\* by @alice\./);
    expect(gh.violations).toEqual([]);

    const state: Record<string, string> = {};
    for (const [k, v] of Object.entries(readCommands(s.files.state))) state[`STATE_${k}`] = v;
    const post = await launch(POST, { ...s.env, ...state }).result;
    expect(post.code).toBe(0);
    expect(await gw.introspect(token)).toEqual({ active: false });
  });

  it('a /deny fails the step with nothing issued', async () => {
    const s = pullStep();
    const before = exchanges();
    atPoll(s.pr, { 1: (id) => gh.comment(s.pr, bob, `/deny ${id}`) });
    const main = await launch(MAIN, s.env).result;
    gh.onRequest = undefined;
    const id = requestIdOn(s.pr);
    expect(main.code).toBe(1);
    expect(main.stdout).toContain(`::error::request ${id} was denied by bob. A deny is final`);
    expect(main.stdout).not.toContain('script ran');
    expect(exchanges()).toBe(before);
    expect(readCommands(s.files.state)).toEqual({});
    expect(gh.commentsOn(s.pr)[0]?.body).toMatch(/^\*\*⛔ Denied\*\* by @bob\./);
    expect(readFileSync(s.files.summary, 'utf8')).toContain('### gatepass: ❌ failed');
    expect(gh.violations).toEqual([]);
  });

  it('an edited approval and self-approvals do not count: the wait times out, nothing issued', async () => {
    const s = pullStep({ 'approval-timeout': '3s' });
    const before = exchanges();
    atPoll(s.pr, {
      1: (id) => {
        gh.comment(s.pr, author, `/approve ${id}`);
        gh.comment(s.pr, actor, `/approve ${id}`);
        gh.editComment(gh.comment(s.pr, alice, `/approve ${id}`), `/approve ${id} (edited)`);
      },
    });
    const main = await launch(MAIN, s.env).result;
    gh.onRequest = undefined;
    const id = requestIdOn(s.pr);
    expect(main.code).toBe(1);
    expect(main.stdout).toContain(
      `::error::no approval for request ${id} within 3 s. Comment \`/approve ${id}\``,
    );
    expect(main.stdout).toMatch(/::debug::approval: ignored .* by pr-author .*: the PR author/);
    expect(main.stdout).toMatch(/::debug::approval: ignored .* by octocat .*: the PR author/);
    expect(main.stdout).toMatch(/::debug::approval: ignored .* by alice .*: edited after/);
    expect(main.stdout).not.toContain('script ran');
    expect(exchanges()).toBe(before);
    expect(gh.commentsOn(s.pr)[0]?.body).toMatch(/^\*\*⌛ Timed out\*\*/);
    expect(gh.violations).toEqual([]);
  });

  it('a pull_request event whose payload names no PR fails before any network call', async () => {
    const s = pullStep();
    writeFileSync(s.env.GITHUB_EVENT_PATH ?? '', '{}');
    const before = gw.requests.length;
    const ghBefore = gh.requests.length;
    const main = await launch(MAIN, s.env).result;
    expect(main.code).toBe(1);
    expect(main.stdout).toContain(
      '::error::the pull_request event: its payload names no pull request',
    );
    expect([gw.requests.length, gh.requests.length]).toEqual([before, ghBefore]);
  });
});
