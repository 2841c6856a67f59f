/**
 * Approvals through GitHub comments, with `@actions/github`'s Octokit. It
 * receives everything as parameters (token, repository, PR number, people):
 * `platform/github.ts` reads the event, this file only talks to the API, so
 * it has no import-time side effect (Octokit is loaded on first use; loading
 * `@actions/github` reads the event file).
 *
 * Request budget (issue 6: under 120 counted requests an hour per waiting
 * job): comments are polled with `If-None-Match`, and GitHub does not count
 * a 304 against the primary rate limit; `since` limits the listing to
 * comments touched after the request; permission lookups are cached per user.
 * A quiet hour costs a handful of counted requests; each new comment costs
 * about one more (the changed page, then a cached permission lookup).
 *
 * Every call goes through retry.ts (network errors, 5xx, 429), and also
 * retries GitHub's rate-limit answers (403/429 with `retry-after` or
 * `x-ratelimit-remaining: 0`), waiting as long as GitHub says.
 */
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { GatepassError } from '../common/errors.js';
import { connectionError } from '../common/network.js';
import { fetchThrough, proxyFor } from '../common/http.js';
import {
  HttpStatusError,
  classifyError,
  parseRetryAfter,
  retry,
  systemClock,
  type Clock,
  type RetryDecision,
} from '../common/retry.js';
import type { ApprovalSource, CallContext, OpenedRequest, Outcome, Preparation } from './gate.js';
import { commandText, type Actor, type ApprovalEvent, type CommentEvent } from './policy.js';

/** How messages name the API. */
const GITHUB = { what: 'GitHub', input: 'GITHUB_API_URL' };

/** The part of Octokit this file uses: `octokit.request`. Tests may pass their own. */
export type RequestFn = (
  route: string,
  params: Record<string, unknown>,
) => Promise<{
  status: number;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}>;

export interface GitHubApprovalOptions {
  /** `github-token`: needs `pull-requests: write` (PRs) or `issues: write` (other events). */
  token: string;
  /** `owner/repo`. */
  repository: string;
  /** The pull request to comment on; undefined opens an issue instead. */
  pullNumber?: number;
  /** The PR's author (from the event payload). */
  author?: { id: number; login: string };
  /** `GITHUB_ACTOR_ID` and `GITHUB_ACTOR`. */
  actor: { id?: number; login: string };
  /** `GITHUB_TRIGGERING_ACTOR`: who re-ran the workflow, when not the actor. */
  triggeringActor?: string;
  /** `GITHUB_API_URL`. Default https://api.github.com. */
  apiUrl?: string;
  /** Comments per page (max 100). */
  perPage?: number;
  clock?: Clock;
  logger?: Logger;
  /** Replaces Octokit (tests of odd transports); normally left out. */
  request?: RequestFn;
}

const WRITE_PERMISSIONS = new Set(['admin', 'maintain', 'write']);

interface CachedPage {
  etag: string;
  comments: CommentEvent[];
  hasNext: boolean;
}

interface RawUser {
  id: number;
  login: string;
  type?: string;
  html_url?: string;
}

interface RawComment {
  id: number;
  body?: string;
  user: RawUser | null;
  created_at: string;
  updated_at: string;
  html_url: string;
}

export class GitHubApprovals implements ApprovalSource {
  readonly syntax = 'slash' as const;
  readonly defaultApprovers = 'anyone with write, maintain or admin access to the repository';
  readonly #options: GitHubApprovalOptions;
  readonly #owner: string;
  readonly #repo: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #perPage: number;
  readonly #pages = new Map<number, CachedPage>();
  readonly #permissions = new Map<number, boolean>();
  #request: RequestFn | undefined;
  #thread: { number: number; commentId?: number; isIssue: boolean } | undefined;
  #since: string | undefined;
  /** Responses other than 304, for tests and the budget log. */
  countedRequests = 0;
  conditionalHits = 0;

  constructor(options: GitHubApprovalOptions) {
    const [owner, repo, ...rest] = options.repository.split('/');
    if (
      owner === undefined ||
      repo === undefined ||
      owner === '' ||
      repo === '' ||
      rest.length > 0
    ) {
      throw new GatepassError(
        'INPUT',
        `repository must be "owner/repo", got "${options.repository}"`,
      );
    }
    this.#options = options;
    this.#owner = owner;
    this.#repo = repo;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#perPage = Math.min(100, Math.max(1, options.perPage ?? 100));
    this.#request = options.request;
  }

  get where(): string {
    return this.#options.pullNumber === undefined
      ? `an issue in ${this.#options.repository}`
      : `pull request #${this.#options.pullNumber}`;
  }

  howToApprove(id: string): string {
    return `comment \`${commandText('slash', 'approve', id)}\``;
  }

  howToDeny(id: string): string {
    return `comment \`${commandText('slash', 'deny', id)}\``;
  }

  async prepare(approvers: readonly string[], ctx: CallContext): Promise<Preparation> {
    const self = await this.#selfIds(ctx);
    if (approvers.length === 0) return { self };
    const candidates = new Map<number, Actor>();
    for (const entry of approvers) {
      const name = entry.replace(/^@/, '');
      const found = name.includes('/')
        ? await this.#teamMembers(name, ctx)
        : [await this.#user(name, ctx)];
      for (const actor of found) candidates.set(actor.id, actor);
    }
    return { approverIds: new Set(candidates.keys()), candidates: [...candidates.values()], self };
  }

  async open(markdown: string, ctx: CallContext): Promise<OpenedRequest> {
    const pull = this.#options.pullNumber;
    if (pull !== undefined) {
      const res = await this.#call(
        'posting the approval request comment',
        'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        { issue_number: pull, body: markdown },
        ctx,
        'Give the job `permissions: pull-requests: write` (or pass a `github-token` that may comment)',
      );
      const comment = res.data as RawComment;
      this.#thread = { number: pull, commentId: comment.id, isIssue: false };
      this.#since = comment.created_at;
      return {
        createdAt: Date.parse(comment.created_at),
        sequence: comment.id,
        url: comment.html_url,
      };
    }
    const res = await this.#call(
      'opening the approval request issue',
      'POST /repos/{owner}/{repo}/issues',
      { title: 'gatepass: approval requested', body: markdown },
      ctx,
      'Give the job `permissions: issues: write` (or pass a `github-token` that may open issues)',
    );
    const issue = res.data as { number: number; created_at: string; html_url: string };
    this.#thread = { number: issue.number, isIssue: true };
    this.#since = issue.created_at;
    // Issue and comment ids are different sequences: no same-second ordering.
    return { createdAt: Date.parse(issue.created_at), url: issue.html_url };
  }

  /** Every comment touched since the request, every page, each page conditional. */
  async events(ctx: CallContext): Promise<ApprovalEvent[]> {
    const thread = this.#requireThread();
    const out: CommentEvent[] = [];
    for (let page = 1; ; page++) {
      const { comments, hasNext, fresh } = await this.#commentPage(thread.number, page, ctx);
      out.push(...comments);
      // A 304 repeats the old Link header: a full last page may have grown a next one.
      const mayHaveMore = hasNext || (!fresh && comments.length === this.#perPage);
      if (!mayHaveMore || (comments.length === 0 && page > 1)) break;
    }
    return out.filter((c) => c.sequence !== thread.commentId);
  }

  async lookUp(users: readonly Actor[], ctx: CallContext): Promise<Map<number, boolean>> {
    const result = new Map<number, boolean>();
    for (const user of users) {
      let eligible = this.#permissions.get(user.id);
      if (eligible === undefined) {
        eligible = await this.#hasWriteAccess(user, ctx);
        this.#permissions.set(user.id, eligible);
      }
      result.set(user.id, eligible);
    }
    return result;
  }

  async close(outcome: Outcome, markdown: string, ctx: CallContext): Promise<void> {
    const thread = this.#thread;
    if (thread === undefined) return;
    if (!thread.isIssue && thread.commentId !== undefined) {
      await this.#call(
        'updating the approval request comment',
        'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
        { comment_id: thread.commentId, body: markdown },
        ctx,
        'Give the job `permissions: pull-requests: write`',
      );
      return;
    }
    await this.#call(
      'closing the approval request issue',
      'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
      {
        issue_number: thread.number,
        body: markdown,
        state: 'closed',
        state_reason: outcome.state === 'approved' ? 'completed' : 'not_planned',
      },
      ctx,
      'Give the job `permissions: issues: write`',
    );
  }

  #requireThread(): { number: number; commentId?: number } {
    if (this.#thread === undefined)
      throw new GatepassError('INTERNAL', 'approval request not opened');
    return this.#thread;
  }

  async #commentPage(
    issue: number,
    page: number,
    ctx: CallContext,
  ): Promise<{ comments: CommentEvent[]; hasNext: boolean; fresh: boolean }> {
    const cached = this.#pages.get(page);
    const res = await this.#call(
      'listing comments',
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      {
        issue_number: issue,
        per_page: this.#perPage,
        page,
        ...(this.#since === undefined ? {} : { since: this.#since }),
        ...(cached === undefined ? {} : { headers: { 'if-none-match': cached.etag } }),
      },
      ctx,
      'Give the job `permissions: pull-requests: read` (or `issues: read`)',
    );
    if (res.status === 304 && cached !== undefined) {
      return { comments: cached.comments, hasNext: cached.hasNext, fresh: false };
    }
    const comments = (res.data as RawComment[]).flatMap(toComment);
    const hasNext = /<[^>]*>;\s*rel="next"/.test(String(res.headers.link ?? ''));
    const etag = res.headers.etag;
    if (typeof etag === 'string') this.#pages.set(page, { etag, comments, hasNext });
    return { comments, hasNext, fresh: true };
  }

  async #hasWriteAccess(user: Actor, ctx: CallContext): Promise<boolean> {
    try {
      const res = await this.#call(
        `looking up ${user.login}'s permission`,
        'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        { username: user.login },
        ctx,
        'The token needs read access to the repository (`permissions: contents: read` or metadata)',
      );
      const data = res.data as { permission: string; role_name: string; user: RawUser | null };
      // The login may have been renamed and re-registered since the comment: the ids must agree.
      if (data.user?.id !== user.id) return false;
      return WRITE_PERMISSIONS.has(data.permission) || WRITE_PERMISSIONS.has(data.role_name);
    } catch (err) {
      if (err instanceof HttpStatusError && err.status === 404) return false;
      throw err;
    }
  }

  async #user(login: string, ctx: CallContext): Promise<Actor> {
    try {
      const res = await this.#call(
        `looking up approver ${login}`,
        'GET /users/{username}',
        { username: login },
        ctx,
      );
      return toActor(res.data as RawUser);
    } catch (err) {
      if (err instanceof HttpStatusError && err.status === 404) {
        throw new GatepassError('CONFIG', `approvers: "${login}" is not a GitHub user`, {
          hint: 'Fix the login in `approvers` (logins, or org/team slugs)',
        });
      }
      throw err;
    }
  }

  /** Every member of `org/team`. A team that cannot be read fails closed: it never becomes "nobody" or a login. */
  async #teamMembers(slug: string, ctx: CallContext): Promise<Actor[]> {
    const [org, team] = slug.split('/');
    if (org === undefined || team === undefined || org === '' || team === '') {
      throw new GatepassError('CONFIG', `approvers: "${slug}" is not an org/team slug`);
    }
    const members: Actor[] = [];
    try {
      for (let page = 1; ; page++) {
        const res = await this.#call(
          `listing team ${slug}`,
          'GET /orgs/{org}/teams/{team_slug}/members',
          { org, team_slug: team, per_page: 100, page },
          ctx,
        );
        members.push(...(res.data as RawUser[]).map(toActor));
        if (!/rel="next"/.test(String(res.headers.link ?? ''))) break;
      }
    } catch (err) {
      if (err instanceof HttpStatusError && (err.status === 403 || err.status === 404)) {
        throw new GatepassError(
          'CONFIG',
          `approvers: team ${slug} could not be read (HTTP ${err.status}); failing closed`,
          {
            hint: 'Pass a `github-token` that can read org teams: `read:org` (classic PAT) or "Members: read" (GitHub App / fine-grained); GITHUB_TOKEN cannot',
            cause: err,
          },
        );
      }
      throw err;
    }
    if (members.length === 0) {
      throw new GatepassError('CONFIG', `approvers: team ${slug} has no members`, {
        hint: 'Name a team with members, or list logins',
      });
    }
    return members;
  }

  /** The PR author, actor and triggering actor, as ids (logins too, as a second net). */
  async #selfIds(ctx: CallContext): Promise<Preparation['self']> {
    const { author, actor, triggeringActor } = this.#options;
    const ids = new Set<number>();
    const logins = new Set<string>();
    for (const person of [author, actor]) {
      if (person === undefined) continue;
      if (person.id !== undefined) ids.add(person.id);
      logins.add(person.login.toLowerCase());
    }
    if (actor.id === undefined) ids.add((await this.#user(actor.login, ctx)).id);
    if (triggeringActor !== undefined && triggeringActor !== '') {
      logins.add(triggeringActor.toLowerCase());
      if (triggeringActor.toLowerCase() !== actor.login.toLowerCase()) {
        ids.add((await this.#user(triggeringActor, ctx)).id);
      }
    }
    return { ids, logins };
  }

  /** One API call with the retry policy; 304 comes back as a response, not an error. */
  async #call(
    operation: string,
    route: string,
    params: Record<string, unknown>,
    ctx: CallContext,
    forbiddenHint?: string,
  ): Promise<{
    status: number;
    headers: Record<string, string | number | undefined>;
    data: unknown;
  }> {
    const request = await this.#client();
    return retry(
      async ({ signal }) => {
        try {
          const repoParams = route.includes('{owner}')
            ? { owner: this.#owner, repo: this.#repo }
            : {};
          const res = await request(route, { ...repoParams, ...params, request: { signal } });
          this.countedRequests++;
          return res;
        } catch (err) {
          const converted = this.#convert(err, operation, forbiddenHint);
          if (converted === 'not-modified') {
            this.conditionalHits++;
            return { status: 304, headers: {}, data: undefined };
          }
          throw converted;
        }
      },
      {
        operation,
        signal: ctx.signal,
        // `approval-timeout` bounds the whole wait: no retry past it.
        deadlineMs: Math.max(0, ctx.deadline - this.#clock.now()),
        clock: this.#clock,
        logger: this.#logger,
        classify: classifyGitHub,
      },
    );
  }

  #convert(err: unknown, operation: string, forbiddenHint?: string): unknown {
    const response = (
      err as {
        response?: { status: number; headers: Record<string, string | undefined>; data: unknown };
      }
    ).response;
    const status = (err as { status?: unknown }).status;
    if (typeof status !== 'number' || response === undefined) {
      // No answer: Octokit wraps the fetch failure; the cause carries the network code.
      const url = this.#options.apiUrl ?? 'https://api.github.com';
      const proxy = proxyFor(new URL(url))?.origin;
      const peer = {
        ...GITHUB,
        url,
        label: operation,
        ...(proxy === undefined ? {} : { proxy }),
      };
      return connectionError(err, peer) ?? (err as { cause?: unknown }).cause ?? err;
    }
    if (status === 304) return 'not-modified';
    this.countedRequests++;
    const message = githubMessage(response.data);
    const wait = rateLimitWait(status, response.headers, message, this.#clock.now());
    if (wait !== undefined) {
      return new GitHubRateLimitError(
        status,
        `${operation}: GitHub rate limit (HTTP ${status})`,
        wait,
      );
    }
    const hint =
      status === 401
        ? 'The `github-token` is invalid or expired'
        : status === 403 && forbiddenHint !== undefined
          ? forbiddenHint
          : undefined;
    return new HttpStatusError(
      status,
      `${operation}: HTTP ${status}${message === '' ? '' : ` ${message}`}`,
      {
        code: status === 403 || status === 401 ? 'CONFIG' : 'GATEWAY',
        ...(hint === undefined ? {} : { hint }),
        ...optional(
          'retryAfterMs',
          parseRetryAfter(response.headers['retry-after'], this.#clock.now()),
        ),
      },
    );
  }

  async #client(): Promise<RequestFn> {
    if (this.#request !== undefined) return this.#request;
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(this.#options.token, {
      ...(this.#options.apiUrl === undefined ? {} : { baseUrl: this.#options.apiUrl }),
      // gatepass's transport: proxies, CA, User-Agent, redirects refused (one attempt; #call retries).
      request: { fetch: fetchThrough(GITHUB) },
    });
    const request: RequestFn = (route, params) => octokit.request(route, params);
    this.#request = request;
    return request;
  }
}

/** A rate-limit answer: always retried, after the time GitHub asks for. */
export class GitHubRateLimitError extends HttpStatusError {
  constructor(status: number, message: string, waitMs: number) {
    super(status, message, {
      retryAfterMs: waitMs,
      hint: 'Too many requests from this token; gatepass waits as GitHub asks',
    });
    this.name = 'GitHubRateLimitError';
  }
}

function classifyGitHub(err: unknown): RetryDecision {
  if (err instanceof GitHubRateLimitError) {
    return err.retryAfterMs === undefined
      ? { retry: true }
      : { retry: true, afterMs: err.retryAfterMs };
  }
  return classifyError(err);
}

/**
 * How long GitHub asks us to wait, when this answer is a rate limit
 * (docs.github.com "Rate limits for the REST API"): `retry-after` seconds;
 * else, with `x-ratelimit-remaining: 0`, until `x-ratelimit-reset`; else a
 * 403/429 that says "secondary rate limit" means at least a minute.
 */
export function rateLimitWait(
  status: number,
  headers: Record<string, string | undefined>,
  message: string,
  now: number,
): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset)) return Math.max(1_000, reset * 1000 - now);
  }
  if (status === 429 || /rate limit/i.test(message)) return 60_000;
  return undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function githubMessage(data: unknown): string {
  const message = (data as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.replace(/\s+/g, ' ').slice(0, 200) : '';
}

function toActor(user: RawUser): Actor {
  return {
    id: user.id,
    login: user.login,
    bot: user.type === 'Bot',
    ...(user.html_url === undefined ? {} : { url: user.html_url }),
  };
}

function toComment(raw: RawComment): CommentEvent[] {
  // A deleted account ("ghost") has no user: nobody to count.
  if (raw.user === null) return [];
  return [
    {
      kind: 'comment',
      id: String(raw.id),
      sequence: raw.id,
      author: toActor(raw.user),
      body: raw.body ?? '',
      createdAt: Date.parse(raw.created_at),
      updatedAt: Date.parse(raw.updated_at),
      url: raw.html_url,
    },
  ];
}
