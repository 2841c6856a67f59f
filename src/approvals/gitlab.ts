/**
 * Approvals on a GitLab merge request, through REST API v4 with gatepass's
 * HTTP transport (common/http.ts) and
 * the token from `GATEPASS_GITLAB_TOKEN` (passed in; never logged).
 *
 * Two sources, chosen by `approval-source`:
 * - `gitlab-notes`: MR notes whose first line is `/gatepass approve <id>` or
 *   `/gatepass deny <id>`. Never `/approve`: that is a GitLab quick action,
 *   which approves the MR and leaves no note to read.
 * - `gitlab-mr-approvals`: the MR's own approvals (`approved_by`). They are
 *   not bound to a request id, so they are bound to the commit instead: they
 *   count only while the MR's head is the commit this job runs, and only if
 *   given after that commit became the head (the MR version's `created_at`),
 *   so an approval of an earlier push never carries over, whatever the
 *   project's "reset approvals on push" setting. When GitLab resets
 *   approvals, they are gone from `approved_by` and stay gone here too: each
 *   poll reads the current list.
 *
 * Eligibility by default: a project member (direct or inherited) with access
 * level Developer (30) or more, looked up per user id and cached.
 */
import { GatepassError } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { request, type HttpAnswer } from '../common/http.js';
import { HttpStatusError, parseRetryAfter, systemClock, type Clock } from '../common/retry.js';
import type { ApprovalSource, CallContext, OpenedRequest, Outcome, Preparation } from './gate.js';
import { commandText, type Actor, type ApprovalEvent, type CommentEvent } from './policy.js';

export type GitLabMode = 'notes' | 'mr-approvals';

export interface GitLabApprovalOptions {
  /** `GATEPASS_GITLAB_TOKEN`: `api` scope, Reporter or more on the project. */
  token: string;
  /** `CI_API_V4_URL`, e.g. https://gitlab.com/api/v4. */
  apiUrl: string;
  /** `CI_PROJECT_ID` (or the URL-encoded path). */
  projectId: string;
  /** `CI_MERGE_REQUEST_IID`. */
  mergeRequestIid: number;
  /** `CI_COMMIT_SHA`: MR approvals count only for this commit. */
  sha: string;
  mode: GitLabMode;
  /** `GITLAB_USER_ID` / `GITLAB_USER_LOGIN`: who started the pipeline or the job. */
  actor: { id: number; login: string };
  perPage?: number;
  clock?: Clock;
  logger?: Logger;
}

/** How connection failures name the API. */
const GITLAB = { what: 'GitLab', input: 'CI_API_V4_URL' };

/** Developer: may push code, so may already change what the job runs. */
export const DEVELOPER_ACCESS = 30;
const TOKEN_HINT =
  'Set GATEPASS_GITLAB_TOKEN to a project, group or personal access token with the `api` scope and at least the Reporter role';

interface RawUser {
  id: number;
  username: string;
  bot?: boolean;
  web_url?: string;
}

interface RawNote {
  id: number;
  body: string;
  author: RawUser;
  created_at: string;
  updated_at: string;
  system: boolean;
}

interface Response<T> {
  data: T;
  headers: HttpAnswer['headers'];
}

export class GitLabApprovals implements ApprovalSource {
  readonly syntax = 'gatepass' as const;
  readonly defaultApprovers = 'project members with the Developer role or higher';
  readonly #options: GitLabApprovalOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #perPage: number;
  readonly #members = new Map<number, boolean>();
  #noteId: number | undefined;
  /** The MR's page (`web_url`): the API URL does not hold the project's path. */
  #webUrl: string | undefined;
  /** Notes are listed oldest first: pages before the one holding the request never change. */
  #firstPage = 1;

  constructor(options: GitLabApprovalOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#perPage = Math.min(100, Math.max(1, options.perPage ?? 100));
  }

  get where(): string {
    return `merge request !${this.#options.mergeRequestIid}`;
  }

  howToApprove(id: string): string {
    return this.#options.mode === 'notes'
      ? `comment \`${commandText('gatepass', 'approve', id)}\``
      : 'approve the merge request (its Approve button)';
  }

  howToDeny(id: string): string {
    return `comment \`${commandText('gatepass', 'deny', id)}\``;
  }

  async prepare(approvers: readonly string[], ctx: CallContext): Promise<Preparation> {
    const mr = await this.#mergeRequest(ctx);
    const { actor } = this.#options;
    const self = {
      ids: new Set([actor.id, mr.author.id]),
      logins: new Set([actor.login.toLowerCase(), mr.author.username.toLowerCase()]),
    };
    if (approvers.length === 0) return { self };
    const candidates: Actor[] = [];
    for (const name of approvers) candidates.push(await this.#user(name.replace(/^@/, ''), ctx));
    return { approverIds: new Set(candidates.map((c) => c.id)), candidates, self };
  }

  async open(markdown: string, ctx: CallContext): Promise<OpenedRequest> {
    const grantsFrom =
      this.#options.mode === 'mr-approvals' ? await this.#headSince(ctx) : undefined;
    const note = await this.#call<RawNote>(
      'posting the approval request note',
      'POST',
      `${this.#mrPath()}/notes`,
      { body: { body: markdown } },
      ctx,
    );
    this.#noteId = note.data.id;
    return {
      createdAt: Date.parse(note.data.created_at),
      sequence: note.data.id,
      url: `${this.#webUrl ?? this.#options.apiUrl}#note_${String(note.data.id)}`,
      ...(grantsFrom === undefined ? {} : { grantsFrom }),
    };
  }

  async events(ctx: CallContext): Promise<ApprovalEvent[]> {
    const notes = await this.#notes(ctx);
    if (this.#options.mode === 'notes') return notes;
    // Denials still come as notes; approvals come from GitLab's approval state.
    return [...notes, ...(await this.#grants(ctx))];
  }

  async lookUp(users: readonly Actor[], ctx: CallContext): Promise<Map<number, boolean>> {
    const out = new Map<number, boolean>();
    for (const user of users) {
      let eligible = this.#members.get(user.id);
      if (eligible === undefined) {
        eligible = await this.#isDeveloper(user, ctx);
        this.#members.set(user.id, eligible);
      }
      out.set(user.id, eligible);
    }
    return out;
  }

  async close(_outcome: Outcome, markdown: string, ctx: CallContext): Promise<void> {
    if (this.#noteId === undefined) return;
    await this.#call(
      'updating the approval request note',
      'PUT',
      `${this.#mrPath()}/notes/${this.#noteId}`,
      { body: { body: markdown } },
      ctx,
    );
  }

  #mrPath(): string {
    return `/projects/${encodeURIComponent(this.#options.projectId)}/merge_requests/${this.#options.mergeRequestIid}`;
  }

  async #mergeRequest(ctx: CallContext): Promise<{ author: RawUser; sha: string }> {
    const res = await this.#call<{ author: RawUser; sha: string; web_url?: string }>(
      'reading the merge request',
      'GET',
      this.#mrPath(),
      {},
      ctx,
    );
    this.#webUrl ??= res.data.web_url;
    return res.data;
  }

  /** When this job's commit (last) became the MR's head, from the MR's diff versions. */
  async #headSince(ctx: CallContext): Promise<number> {
    const versions = await this.#all<{ head_commit_sha: string; created_at: string }>(
      'listing merge request versions',
      `${this.#mrPath()}/versions`,
      {},
      ctx,
    );
    const ours = versions
      .filter((v) => v.head_commit_sha === this.#options.sha)
      .map((v) => Date.parse(v.created_at));
    if (ours.length === 0) {
      throw new GatepassError(
        'CONFIG',
        `commit ${this.#options.sha.slice(0, 12)} is not a version of ${this.where}; its approvals cannot cover this job`,
        {
          hint: 'Run the job in a merge request pipeline for the MR head, or use `approval-source: gitlab-notes`',
        },
      );
    }
    // The latest time it became the head: after a force-push away and back,
    // approvals given in between were for other code.
    return Math.max(...ours);
  }

  async #notes(ctx: CallContext): Promise<CommentEvent[]> {
    const out: CommentEvent[] = [];
    let page = this.#firstPage;
    for (;;) {
      const res = await this.#call<RawNote[]>(
        'listing merge request notes',
        'GET',
        `${this.#mrPath()}/notes`,
        {
          query: {
            sort: 'asc',
            order_by: 'created_at',
            per_page: String(this.#perPage),
            page: String(page),
          },
        },
        ctx,
      );
      if (res.data.some((n) => n.id === this.#noteId) && this.#firstPage < page)
        this.#firstPage = page;
      out.push(...res.data.filter((n) => n.id !== this.#noteId).map(toNote));
      const next = nextPage(res.headers);
      if (next === undefined || next <= page) break;
      page = next;
    }
    return out;
  }

  async #grants(ctx: CallContext): Promise<ApprovalEvent[]> {
    const mr = await this.#mergeRequest(ctx);
    if (mr.sha !== this.#options.sha) {
      throw new GatepassError(
        'DENIED',
        `${this.where} moved to ${mr.sha.slice(0, 12)}; approvals there do not cover ${this.#options.sha.slice(0, 12)}, which this job runs`,
        { hint: 'The pipeline of the new head asks again' },
      );
    }
    const res = await this.#call<{
      approved_by?: Array<{ user: RawUser; approved_at?: string | null }>;
    }>('reading merge request approvals', 'GET', `${this.#mrPath()}/approvals`, {}, ctx);
    return (res.data.approved_by ?? []).map((a) => ({
      kind: 'grant' as const,
      id: `by ${a.user.username}`,
      author: toActor(a.user),
      at: typeof a.approved_at === 'string' ? Date.parse(a.approved_at) : undefined,
    }));
  }

  async #isDeveloper(user: Actor, ctx: CallContext): Promise<boolean> {
    try {
      const res = await this.#call<{ id: number; access_level: number; state?: string }>(
        `looking up ${user.login}'s membership`,
        'GET',
        `/projects/${encodeURIComponent(this.#options.projectId)}/members/all/${user.id}`,
        {},
        ctx,
      );
      const active = res.data.state === undefined || res.data.state === 'active';
      return res.data.id === user.id && active && res.data.access_level >= DEVELOPER_ACCESS;
    } catch (err) {
      if (err instanceof HttpStatusError && err.status === 404) return false;
      throw err;
    }
  }

  async #user(username: string, ctx: CallContext): Promise<Actor> {
    const res = await this.#call<RawUser[]>(
      `looking up approver ${username}`,
      'GET',
      '/users',
      { query: { username } },
      ctx,
    );
    const user = res.data.find((u) => u.username.toLowerCase() === username.toLowerCase());
    if (user === undefined) {
      throw new GatepassError('CONFIG', `approvers: "${username}" is not a GitLab user`, {
        hint: 'Fix the username in `approvers` (GitLab usernames; groups are not supported)',
      });
    }
    return toActor(user);
  }

  async #all<T>(
    operation: string,
    path: string,
    query: Record<string, string>,
    ctx: CallContext,
  ): Promise<T[]> {
    const out: T[] = [];
    for (let page: number | undefined = 1; page !== undefined;) {
      const res: Response<T[]> = await this.#call<T[]>(
        operation,
        'GET',
        path,
        { query: { ...query, per_page: '100', page: String(page) } },
        ctx,
      );
      out.push(...res.data);
      const next = nextPage(res.headers);
      page = next !== undefined && next > page ? next : undefined;
    }
    return out;
  }

  /** One API call under the retry policy (network errors, 408, 429 with `Retry-After`, 5xx). */
  async #call<T>(
    operation: string,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    input: { query?: Record<string, string>; body?: Record<string, unknown> },
    ctx: CallContext,
  ): Promise<Response<T>> {
    const url = new URL(`${this.#options.apiUrl.replace(/\/$/, '')}${path}`);
    for (const [k, v] of Object.entries(input.query ?? {})) url.searchParams.set(k, v);
    const answer = await request(
      {
        method,
        url,
        label: operation,
        headers: {
          'PRIVATE-TOKEN': this.#options.token,
          accept: 'application/json',
          ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
      },
      {
        ...GITLAB,
        signal: ctx.signal,
        // `approval-timeout` bounds the whole wait: no retry past it.
        deadlineMs: ctx.deadline - this.#clock.now(),
        logger: this.#logger,
        retry: { clock: this.#clock },
        statusError: (failed) => this.#error(failed, operation),
      },
    );
    if (answer.status < 200 || answer.status > 299) throw this.#error(answer, operation);
    return { data: JSON.parse(answer.text()) as T, headers: answer.headers };
  }

  #error(res: HttpAnswer, operation: string): HttpStatusError {
    const message = gitlabMessage(res.text());
    const auth = res.status === 401 || res.status === 403;
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), this.#clock.now());
    return new HttpStatusError(
      res.status,
      `${operation}: HTTP ${res.status}${message === '' ? '' : ` ${message.replace(/\s+/g, ' ').slice(0, 200)}`}`,
      {
        code: auth ? 'CONFIG' : 'GATEWAY',
        ...(auth ? { hint: TOKEN_HINT } : {}),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    );
  }
}

/** GitLab's error text: `{"message": ...}` (a string or a field -> errors object) or `{"error": ...}`. */
function gitlabMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const m = parsed.message ?? parsed.error;
    return typeof m === 'string' ? m : JSON.stringify(m ?? '');
  } catch {
    return '';
  }
}

/**
 * The next page from GitLab's offset-pagination headers: `x-next-page` (empty
 * on the last page), else a `Link` rel="next" (GitLab omits the totals past
 * 10,000 records, never these).
 */
export function nextPage(headers: Pick<Headers, 'get'>): number | undefined {
  const next = headers.get('x-next-page');
  if (next !== null && next.trim() !== '') return Number(next);
  const link = /<([^>]+)>;\s*rel="next"/.exec(headers.get('link') ?? '')?.[1];
  if (link === undefined) return undefined;
  const page = new URL(link).searchParams.get('page');
  return page === null ? undefined : Number(page);
}

/**
 * GitLab's bot users: project and group access tokens act as
 * `project_<id>_bot_<hash>` / `group_<id>_bot_<hash>`, and the API shows a
 * `bot` flag only to administrators.
 */
export function isGitLabBot(user: RawUser): boolean {
  return (
    user.bot === true ||
    /^(project|group)_\d+_bot(_|$)/i.test(user.username) ||
    /-bot$/i.test(user.username)
  );
}

function toActor(user: RawUser): Actor {
  return {
    id: user.id,
    login: user.username,
    bot: isGitLabBot(user),
    ...(user.web_url === undefined ? {} : { url: user.web_url }),
  };
}

function toNote(n: RawNote): CommentEvent {
  return {
    kind: 'comment',
    id: String(n.id),
    sequence: n.id,
    author: toActor(n.author),
    body: n.body,
    createdAt: Date.parse(n.created_at),
    updatedAt: Date.parse(n.updated_at),
    system: n.system,
  };
}
