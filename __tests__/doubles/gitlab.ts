/**
 * A GitLab REST API v4 double on loopback, for exactly the endpoints
 * src/approvals/gitlab.ts uses. GitLab publishes no machine-readable
 * description of these endpoints, so the requests are checked against the
 * small hand-written one below, taken from the API documentation:
 *
 * - notes: https://docs.gitlab.com/api/notes/#merge-requests
 *   (GET list with `sort` asc|desc, `order_by` created_at|updated_at; POST
 *   and PUT with `body`; response fields id, body, author, created_at,
 *   updated_at, system, noteable_id, noteable_type, noteable_iid, ...)
 * - merge requests: https://docs.gitlab.com/api/merge_requests/#get-single-mr
 *   (`sha`, `author`) and .../#get-merge-request-diff-versions
 *   (`head_commit_sha`, `created_at`)
 * - MR approvals: https://docs.gitlab.com/api/merge_request_approvals/
 *   (`approved_by: [{user, approved_at}]`)
 * - members: https://docs.gitlab.com/api/members/#get-a-member-of-a-group-or-project-including-inherited-and-invited-members
 *   (`GET /projects/:id/members/all/:user_id`, `access_level`, `state`)
 * - users: https://docs.gitlab.com/api/users/#list-users (`?username=`)
 * - pagination: https://docs.gitlab.com/api/rest/#pagination (`page`,
 *   `per_page` up to 100; `x-next-page`, `x-page`, `x-per-page`,
 *   `x-prev-page`, `x-total`, `x-total-pages`, `Link`)
 *
 * - GraphQL: https://docs.gitlab.com/api/graphql/reference/#querynote
 *   (`POST /api/graphql`, `Query.note(id: NoteID!)`; the few Note fields
 *   gatepass reads, see {@link GRAPHQL_NOTE_FIELDS})
 *
 * Authentication is the `PRIVATE-TOKEN` header, on GraphQL too (GitLab's
 * lib/gitlab/auth/auth_finders.rb `extract_personal_access_token`, used by
 * app/controllers/graphql_controller.rb). A request outside the description
 * is recorded in `violations` and answered 400, as GitLab answers a
 * parameter error.
 *
 * How notes change follows GitLab's source (gitlabhq/gitlabhq), not only
 * the API pages, because the pages do not say what moves `updated_at`:
 * see {@link GitLabDouble.editNote}, {@link GitLabDouble.react} and
 * {@link GitLabDouble.resolve}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type ParamType = 'string' | 'integer' | 'boolean';

interface Param {
  type: ParamType;
  enum?: readonly string[];
  required?: boolean;
  max?: number;
}

interface Endpoint {
  method: 'GET' | 'POST' | 'PUT';
  /** Segments starting with `:` are parameters. */
  path: string;
  query?: Record<string, Param>;
  body?: Record<string, Param>;
}

const PAGINATION: Record<string, Param> = {
  page: { type: 'integer' },
  per_page: { type: 'integer', max: 100 },
};

/** The endpoints gatepass uses, as the documentation above describes them. */
export const DESCRIPTION: readonly Endpoint[] = [
  { method: 'GET', path: '/projects/:id/merge_requests/:merge_request_iid' },
  {
    method: 'GET',
    path: '/projects/:id/merge_requests/:merge_request_iid/notes',
    query: {
      sort: { type: 'string', enum: ['asc', 'desc'] },
      order_by: { type: 'string', enum: ['created_at', 'updated_at'] },
      ...PAGINATION,
    },
  },
  {
    method: 'POST',
    path: '/projects/:id/merge_requests/:merge_request_iid/notes',
    body: {
      body: { type: 'string', required: true },
      internal: { type: 'boolean' },
      created_at: { type: 'string' },
      merge_request_diff_head_sha: { type: 'string' },
    },
  },
  {
    method: 'PUT',
    path: '/projects/:id/merge_requests/:merge_request_iid/notes/:note_id',
    body: { body: { type: 'string', required: true } },
  },
  {
    method: 'GET',
    path: '/projects/:id/merge_requests/:merge_request_iid/versions',
    query: PAGINATION,
  },
  { method: 'GET', path: '/projects/:id/merge_requests/:merge_request_iid/approvals' },
  { method: 'GET', path: '/projects/:id/members/all/:user_id' },
  { method: 'GET', path: '/users', query: { username: { type: 'string' }, ...PAGINATION } },
];

export interface GlUser {
  id: number;
  username: string;
}

export interface GlNote {
  id: number;
  /**
   * `DiscussionNote` for a note that starts a thread ("Start a thread"), else
   * null. Only DiscussionNote and DiffNote are resolvable
   * (app/models/concerns/resolvable_note.rb `RESOLVABLE_TYPES`).
   */
  type: 'DiscussionNote' | null;
  body: string;
  author: GlUser;
  created_at: string;
  updated_at: string;
  system: boolean;
  /** Column `last_edited_at`: set only when the body changes (Notes::UpdateService). */
  last_edited_at: string | null;
  /** Column `updated_by_id` (aliased `last_edited_by`): likewise. */
  updated_by: GlUser | null;
  award_emoji: Array<{ name: string; user: GlUser }>;
  resolved_at: string | null;
  resolved_by: GlUser | null;
}

export interface Recorded {
  method: string;
  path: string;
  query: string;
  status: number;
}

export interface GitLabDoubleOptions {
  projectId?: number;
  token?: string;
  now?: () => number;
}

export class GitLabDouble {
  readonly projectId: number;
  readonly token: string;
  readonly requests: Recorded[] = [];
  readonly violations: string[] = [];
  /** One-shot answers: `{status, headers}` for the next matching request. */
  readonly faults: Array<{ path: string; status: number; headers?: Record<string, string> }> = [];
  canPost = true;
  /**
   * false: an instance before GitLab 15.9, whose GraphQL schema has no
   * `Query.note` (app/graphql/types/query_type.rb, `experiment: { milestone:
   * '15.9' }`); graphql-ruby answers such a query 200 with `errors`.
   */
  graphqlQueryNote = true;
  readonly mr: {
    iid: number;
    author: GlUser;
    sha: string;
    versions: Array<{ id: number; head_commit_sha: string; created_at: string }>;
    approvals: Array<{ user: GlUser; approved_at: string | null }>;
  };
  readonly notes: GlNote[] = [];
  readonly #users = new Map<number, GlUser>();
  readonly #members = new Map<number, { access_level: number; state: string }>();
  readonly #server: Server;
  readonly #now: () => number;
  #nextId = 9000;
  #url = '';

  private constructor(options: GitLabDoubleOptions) {
    this.projectId = options.projectId ?? 77;
    this.token = options.token ?? 'glpat-doubleTokenValue0123456789';
    this.#now = options.now ?? (() => Date.now());
    const author = this.addUser('mr-author', 40);
    this.mr = { iid: 5, author, sha: 'a'.repeat(40), versions: [], approvals: [] };
    this.push('a'.repeat(40), this.#now() - 3_600_000);
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
  }

  static async start(options: GitLabDoubleOptions = {}): Promise<GitLabDouble> {
    const d = new GitLabDouble(options);
    await new Promise<void>((resolve) => {
      d.#server.listen(0, '127.0.0.1', resolve);
    });
    d.#url = `http://127.0.0.1:${(d.#server.address() as AddressInfo).port}`;
    return d;
  }

  /** `CI_API_V4_URL`. */
  get apiUrl(): string {
    return `${this.#url}/api/v4`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  addUser(username: string, accessLevel?: number, state = 'active'): GlUser {
    const user = { id: this.#nextId++, username };
    this.#users.set(user.id, user);
    if (accessLevel !== undefined) this.#members.set(user.id, { access_level: accessLevel, state });
    return user;
  }

  /** A push to the MR: a new diff version with `sha` as head. */
  push(sha: string, at = this.#now(), resetApprovals = false): void {
    this.mr.sha = sha;
    this.mr.versions.unshift({ id: this.#nextId++, head_commit_sha: sha, created_at: iso(at) });
    if (resetApprovals) this.mr.approvals.length = 0;
  }

  approve(user: GlUser, at: number | null = this.#now()): void {
    this.mr.approvals.push({ user, approved_at: at === null ? null : iso(at) });
  }

  /** A new note; `thread: true` starts a thread (a resolvable DiscussionNote). */
  note(
    author: GlUser,
    body: string,
    options: { at?: number; system?: boolean; thread?: boolean } = {},
  ): GlNote {
    const at = iso(options.at ?? this.#now());
    const note: GlNote = {
      id: this.#nextId++,
      type: options.thread === true ? 'DiscussionNote' : null,
      body,
      author,
      created_at: at,
      updated_at: at,
      system: options.system ?? false,
      last_edited_at: null,
      updated_by: null,
      award_emoji: [],
      resolved_at: null,
      resolved_by: null,
    };
    this.notes.push(note);
    return note;
  }

  /**
   * An edit (PUT .../notes/:id, or the web UI), as app/services/notes/update_service.rb
   * does it: only when the body changed (`note.note_changed?`) does it set
   * `last_edited_at` and `updated_by`; then `note.save`, which moves
   * `updated_at` only if something changed (ActiveRecord timestamps). The
   * same body again leaves no trace.
   */
  editNote(note: GlNote, body: string, by: GlUser = note.author): void {
    if (body === note.body) return;
    const at = this.#after(note.updated_at);
    note.body = body;
    note.last_edited_at = at;
    note.updated_by = by;
    note.updated_at = at;
  }

  /**
   * An emoji reaction (award emoji), added or taken back: app/models/award_emoji.rb
   * runs `expire_cache` after save and after destroy, which calls
   * `awardable.bump_updated_at`; app/models/note.rb `Note#bump_updated_at`
   * writes `updated_at` alone (`update_columns`), never `last_edited_at` for
   * a note edited since that column exists. The body is untouched.
   */
  react(note: GlNote, user: GlUser, name = 'thumbsup'): void {
    const i = note.award_emoji.findIndex((a) => a.user.id === user.id && a.name === name);
    // One award per user and name (validates :name, uniqueness: { scope: [:user, ...] }).
    if (i >= 0) note.award_emoji.splice(i, 1);
    else note.award_emoji.push({ name, user });
    note.updated_at = this.#after(note.updated_at);
  }

  /**
   * Resolving a thread: app/models/concerns/resolvable_note.rb `resolve!`
   * sets `resolved_at` / `resolved_by` and `save!`s, so `updated_at` moves
   * (ActiveRecord timestamps); the body and `last_edited_at` do not. Only
   * resolvable notes (a DiscussionNote, not a system note) can be resolved.
   */
  resolve(note: GlNote, user: GlUser): void {
    if (note.type !== 'DiscussionNote' || note.system || note.resolved_at !== null) return;
    const at = this.#after(note.updated_at);
    note.resolved_at = at;
    note.resolved_by = user;
    note.updated_at = at;
  }

  /** Deleting a note (app/services/notes/destroy_service.rb): it is gone from every listing. */
  deleteNote(note: GlNote): void {
    const i = this.notes.indexOf(note);
    if (i >= 0) this.notes.splice(i, 1);
  }

  /** Now, or a millisecond after `previous` when the virtual clock has not moved on. */
  #after(previous: string): string {
    return iso(Math.max(this.#now(), Date.parse(previous) + 1));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#url);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ method, path: url.pathname, query: url.search, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/graphql') {
      this.#graphql(method, req, raw, send);
      return;
    }
    const path = url.pathname.replace(/^\/api\/v4/, '');
    const matched = match(method, path);
    if (matched === undefined) {
      this.violations.push(`${method} ${path}: not an endpoint of the description`);
      send(404, { error: '404 Not Found' });
      return;
    }
    const problems = checkRequest(matched.endpoint, url.searchParams, raw);
    if (problems.length > 0) {
      this.violations.push(...problems.map((p) => `${method} ${matched.endpoint.path}: ${p}`));
      send(400, { error: problems[0] });
      return;
    }
    if (req.headers['private-token'] !== this.token) {
      send(401, { message: '401 Unauthorized' });
      return;
    }
    const fault = this.faults.findIndex((f) => path.includes(f.path));
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      send(f?.status ?? 500, { message: 'fault' }, f?.headers ?? {});
      return;
    }
    const answer = this.#route(
      matched.endpoint,
      matched.params,
      url,
      raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>),
    );
    send(answer.status, answer.body, answer.headers);
  }

  /**
   * `POST /api/graphql` (app/controllers/graphql_controller.rb): `{query,
   * variables}`; 401 `{"errors":[{"message":"Invalid token"}]}` for a bad
   * token (`authorize_access_api!`); a query that does not validate is
   * answered 200 with `errors` and no `data`, as graphql-ruby does.
   */
  #graphql(
    method: string,
    req: IncomingMessage,
    raw: string,
    send: (status: number, body: unknown) => void,
  ): void {
    const refuse = (message: string): void => {
      this.violations.push(`${method} /api/graphql: ${message}`);
      send(200, { errors: [{ message }] });
    };
    if (method !== 'POST') {
      refuse('gatepass posts its queries');
      return;
    }
    if (req.headers['private-token'] !== this.token) {
      send(401, { errors: [{ message: 'Invalid token' }] });
      return;
    }
    const fault = this.faults.findIndex((f) => '/api/graphql'.includes(f.path));
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      send(f?.status ?? 500, { errors: [{ message: 'fault' }] });
      return;
    }
    let request: { query?: unknown; variables?: unknown };
    try {
      request = JSON.parse(raw) as typeof request;
    } catch {
      refuse('body: not JSON');
      return;
    }
    if (typeof request.query !== 'string') {
      refuse('body: "query" is required');
      return;
    }
    const parsed = parseQuery(request.query);
    if (typeof parsed === 'string') {
      refuse(parsed);
      return;
    }
    const variables = (request.variables ?? {}) as Record<string, unknown>;
    const data: Record<string, unknown> = {};
    if (!this.graphqlQueryNote && parsed.selections.some((f) => f.name === 'note')) {
      send(200, { errors: [{ message: "Field 'note' doesn't exist on type 'Query'" }] });
      return;
    }
    for (const field of parsed.selections) {
      if (field.name !== 'note') {
        refuse(
          `Field '${field.name}' doesn't exist on type 'Query' (the double serves Query.note only)`,
        );
        return;
      }
      const arg = field.args.id;
      const value =
        arg === undefined ? undefined : 'variable' in arg ? variables[arg.variable] : arg.value;
      if (
        arg !== undefined &&
        'variable' in arg &&
        parsed.variables.get(arg.variable) !== 'NoteID!'
      ) {
        refuse(
          `Variable $${arg.variable} is declared ${parsed.variables.get(arg.variable) ?? 'nowhere'}, not NoteID!`,
        );
        return;
      }
      // types/global_id_type.rb: a NoteID names a Note or one of its subclasses.
      const gid =
        typeof value === 'string'
          ? /^gid:\/\/gitlab\/(Note|DiscussionNote|DiffNote)\/(\d+)$/.exec(value)
          : null;
      if (gid === null) {
        refuse(`${JSON.stringify(value)} is not a valid Global ID`);
        return;
      }
      const note = this.notes.find((n) => String(n.id) === gid[2]);
      const resolved =
        note === undefined ? null : resolveFields(note, field.selections, NOTE_FIELDS);
      if (typeof resolved === 'string') {
        refuse(resolved);
        return;
      }
      data[field.alias] = resolved;
    }
    send(200, { data });
  }

  #route(
    endpoint: Endpoint,
    params: Record<string, string>,
    url: URL,
    body: Record<string, unknown> | undefined,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    if (params.id !== undefined && params.id !== String(this.projectId))
      return { status: 404, body: { message: '404 Project Not Found' } };
    if (
      params.merge_request_iid !== undefined &&
      params.merge_request_iid !== String(this.mr.iid)
    ) {
      return { status: 404, body: { message: '404 Not found' } };
    }
    const key = `${endpoint.method} ${endpoint.path}`;
    switch (key) {
      case 'GET /projects/:id/merge_requests/:merge_request_iid':
        return { status: 200, body: this.#mrBody() };
      case 'GET /projects/:id/merge_requests/:merge_request_iid/notes':
        return this.#page(
          url,
          this.#sortedNotes(url).map((n) => this.#noteBody(n)),
        );
      case 'POST /projects/:id/merge_requests/:merge_request_iid/notes': {
        if (!this.canPost) return { status: 403, body: { message: '403 Forbidden' } };
        const self = this.#users.get(1) ?? { id: 1, username: 'project_77_bot_abc' };
        this.#users.set(1, self);
        return { status: 201, body: this.#noteBody(this.note(self, String(body?.body))) };
      }
      case 'PUT /projects/:id/merge_requests/:merge_request_iid/notes/:note_id': {
        const note = this.notes.find((n) => String(n.id) === params.note_id);
        if (note === undefined) return { status: 404, body: { message: '404 Not found' } };
        this.editNote(note, String(body?.body), this.#users.get(1) ?? note.author);
        return { status: 200, body: this.#noteBody(note) };
      }
      case 'GET /projects/:id/merge_requests/:merge_request_iid/versions':
        return this.#page(
          url,
          this.mr.versions.map((v) => ({
            ...v,
            base_commit_sha: 'b'.repeat(40),
            start_commit_sha: 'b'.repeat(40),
            merge_request_id: 500,
            state: 'collected',
            real_size: '1',
          })),
        );
      case 'GET /projects/:id/merge_requests/:merge_request_iid/approvals':
        return {
          status: 200,
          body: {
            id: 500,
            iid: this.mr.iid,
            project_id: this.projectId,
            title: 'Change things',
            state: 'opened',
            approved: this.mr.approvals.length > 0,
            approvals_required: 0,
            approvals_left: 0,
            approved_by: this.mr.approvals.map((a) => ({
              user: userBody(a.user),
              approved_at: a.approved_at,
            })),
          },
        };
      case 'GET /projects/:id/members/all/:user_id': {
        const user = this.#users.get(Number(params.user_id));
        const member = this.#members.get(Number(params.user_id));
        if (user === undefined || member === undefined)
          return { status: 404, body: { message: '404 Not found' } };
        return {
          status: 200,
          body: {
            ...userBody(user),
            ...member,
            created_at: '2024-01-01T00:00:00.000Z',
            expires_at: null,
          },
        };
      }
      case 'GET /users': {
        const wanted = url.searchParams.get('username')?.toLowerCase();
        const list = [...this.#users.values()].filter(
          (u) => wanted === undefined || u.username.toLowerCase() === wanted,
        );
        return this.#page(url, list.map(userBody));
      }
      default:
        this.violations.push(`${key}: described, but the double does not implement it`);
        return { status: 404, body: { message: '404 Not found' } };
    }
  }

  #sortedNotes(url: URL): GlNote[] {
    const order = url.searchParams.get('order_by') ?? 'created_at';
    const dir = url.searchParams.get('sort') ?? 'desc';
    const key = (n: GlNote): number =>
      Date.parse(order === 'updated_at' ? n.updated_at : n.created_at) * 1e6 + n.id;
    return [...this.notes].sort((a, b) => (dir === 'asc' ? key(a) - key(b) : key(b) - key(a)));
  }

  /** GitLab's offset pagination: default 20 per page, headers as documented. */
  #page(
    url: URL,
    items: unknown[],
  ): { status: number; body: unknown; headers: Record<string, string> } {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? '20'));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? '1'));
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string): string => {
      const u = new URL(url.toString());
      u.searchParams.set('page', String(n));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links = [link(1, 'first'), link(totalPages, 'last')];
    if (page < totalPages) links.unshift(link(page + 1, 'next'));
    if (page > 1) links.unshift(link(page - 1, 'prev'));
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-next-page': page < totalPages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
        'x-total': String(items.length),
        'x-total-pages': String(totalPages),
        link: links.join(', '),
      },
    };
  }

  #mrBody(): Record<string, unknown> {
    return {
      id: 500,
      iid: this.mr.iid,
      project_id: this.projectId,
      title: 'Change things',
      state: 'opened',
      author: userBody(this.mr.author),
      sha: this.mr.sha,
      web_url: `https://gitlab.example/acme/app/-/merge_requests/${this.mr.iid}`,
    };
  }

  /**
   * lib/api/entities/note.rb: `created_at` and `updated_at`, and no
   * `last_edited_at` or `updated_by` (REST cannot tell an edit from a
   * reaction); `resolved`, `resolved_by`, `resolved_at` only when resolvable.
   */
  #noteBody(n: GlNote): Record<string, unknown> {
    const resolvable = n.type === 'DiscussionNote' && !n.system;
    return {
      id: n.id,
      type: n.type,
      body: n.body,
      attachment: null,
      author: userBody(n.author),
      created_at: n.created_at,
      updated_at: n.updated_at,
      system: n.system,
      noteable_id: 500,
      noteable_type: 'MergeRequest',
      project_id: this.projectId,
      resolvable,
      ...(resolvable
        ? {
            resolved: n.resolved_at !== null,
            resolved_by: n.resolved_by === null ? null : userBody(n.resolved_by),
            resolved_at: n.resolved_at,
          }
        : {}),
      confidential: false,
      internal: false,
      imported: false,
      imported_from: 'none',
      noteable_iid: this.mr.iid,
      commands_changes: {},
    };
  }
}

/** One field of a GraphQL selection set. */
interface Field {
  alias: string;
  name: string;
  args: Record<string, { variable: string } | { value: string }>;
  selections: Field[] | undefined;
}

type Resolver<T> = Record<string, (item: T) => unknown>;

const USER_FIELDS: Resolver<GlUser> = {
  id: (u) => `gid://gitlab/User/${u.id}`,
  username: (u) => u.username,
};

/**
 * The Note fields gatepass may read, resolved as GitLab resolves them
 * (app/graphql/types/notes/note_type.rb, presented through NotePresenter,
 * which delegates these to the model):
 * - `lastEditedAt`: app/models/note.rb `Note#last_edited_at` is
 *   `super || updated_at`, so a note never edited reports its `updated_at`,
 *   reactions and resolving included: alone it does not tell an edit.
 * - `lastEditedBy`: app/models/concerns/editable.rb `last_edited_by` is nil
 *   unless `edited?`, and app/models/note.rb `Note#edited?` is false while
 *   `updated_by` is blank, which only a body edit sets
 *   (app/services/notes/update_service.rb): non-null exactly when the body
 *   was edited.
 */
const NOTE_FIELDS: Resolver<GlNote> = {
  id: (n) => `gid://gitlab/${n.type ?? 'Note'}/${n.id}`,
  body: (n) => n.body,
  system: (n) => n.system,
  createdAt: (n) => n.created_at,
  updatedAt: (n) => n.updated_at,
  lastEditedAt: (n) => n.last_edited_at ?? n.updated_at,
  lastEditedBy: (n) => {
    const lastEditedAt = n.last_edited_at ?? n.updated_at;
    const edited = n.updated_by !== null && lastEditedAt !== n.created_at;
    return edited ? n.updated_by : null;
  },
  author: (n) => n.author,
};

const OBJECT_FIELDS: Record<string, Resolver<GlUser>> = {
  lastEditedBy: USER_FIELDS,
  author: USER_FIELDS,
};

function resolveFields<T>(
  item: T,
  selections: Field[] | undefined,
  fields: Resolver<T>,
): Record<string, unknown> | string {
  if (selections === undefined) return 'Field must have selections';
  const out: Record<string, unknown> = {};
  for (const field of selections) {
    const resolve = fields[field.name];
    if (resolve === undefined) return `Field '${field.name}' doesn't exist on the type`;
    const value = resolve(item);
    const nested = OBJECT_FIELDS[field.name];
    if (nested === undefined || value === null) {
      out[field.alias] = value;
      continue;
    }
    const inner = resolveFields(value as GlUser, field.selections, nested);
    if (typeof inner === 'string') return inner;
    out[field.alias] = inner;
  }
  return out;
}

/**
 * Just enough GraphQL (https://spec.graphql.org/October2021/#sec-Language)
 * for an anonymous or named query with variables, aliases and arguments.
 */
function parseQuery(
  query: string,
): { variables: Map<string, string>; selections: Field[] } | string {
  const tokens =
    query.match(/\.\.\.|[!$():=@[\]{}|]|-?\d+|"(?:[^"\\]|\\.)*"|[_A-Za-z][_0-9A-Za-z]*/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (want?: string): string => {
    const t = tokens[i++];
    if (t === undefined || (want !== undefined && t !== want))
      throw new Error(`expected ${want ?? 'a token'}, got ${t ?? 'the end'}`);
    return t;
  };
  const name = (): string => {
    const t = take();
    if (!/^[_A-Za-z]/.test(t)) throw new Error(`expected a name, got ${t}`);
    return t;
  };
  const selectionSet = (): Field[] => {
    take('{');
    const out: Field[] = [];
    while (peek() !== '}') {
      const alias = name();
      let field = alias;
      if (peek() === ':') {
        take(':');
        field = name();
      }
      const args: Field['args'] = {};
      if (peek() === '(') {
        take('(');
        while (peek() !== ')') {
          const arg = name();
          take(':');
          const t = take();
          if (t === '$') args[arg] = { variable: name() };
          else if (t.startsWith('"')) args[arg] = { value: JSON.parse(t) as string };
          else throw new Error(`argument ${arg}: only variables and strings here`);
        }
        take(')');
      }
      out.push({
        alias,
        name: field,
        args,
        selections: peek() === '{' ? selectionSet() : undefined,
      });
    }
    take('}');
    return out;
  };
  try {
    const variables = new Map<string, string>();
    if (peek() === 'query') {
      take('query');
      if (peek() !== '(' && peek() !== '{') name();
      if (peek() === '(') {
        take('(');
        while (peek() !== ')') {
          take('$');
          const v = name();
          take(':');
          let type = name();
          if (peek() === '!') type += take('!');
          variables.set(v, type);
        }
        take(')');
      }
    }
    const selections = selectionSet();
    if (i !== tokens.length) throw new Error('text after the operation');
    return { variables, selections };
  } catch (err) {
    return `Parse error: ${(err as Error).message}`;
  }
}

function userBody(u: GlUser): Record<string, unknown> {
  return {
    id: u.id,
    username: u.username,
    name: u.username,
    state: 'active',
    locked: false,
    avatar_url: null,
    web_url: `https://gitlab.example/${u.username}`,
  };
}

function match(
  method: string,
  path: string,
): { endpoint: Endpoint; params: Record<string, string> } | undefined {
  const have = path.split('/').filter((s) => s !== '');
  for (const endpoint of DESCRIPTION) {
    if (endpoint.method !== method) continue;
    const want = endpoint.path.split('/').filter((s) => s !== '');
    if (want.length !== have.length) continue;
    const params: Record<string, string> = {};
    const ok = want.every((w, i) => {
      const h = have[i] ?? '';
      if (w.startsWith(':')) {
        params[w.slice(1)] = decodeURIComponent(h);
        return true;
      }
      return w === h;
    });
    if (ok) return { endpoint, params };
  }
  return undefined;
}

function checkRequest(endpoint: Endpoint, query: URLSearchParams, raw: string): string[] {
  const problems: string[] = [];
  for (const [name, value] of query) {
    const param = endpoint.query?.[name];
    if (param === undefined) problems.push(`query: "${name}" is not a parameter`);
    else problems.push(...checkValue(`query.${name}`, param, value));
  }
  if (endpoint.body === undefined) {
    if (raw !== '') problems.push('body: the endpoint takes none');
    return problems;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return [...problems, 'body: not JSON'];
  }
  if (typeof body !== 'object' || body === null) return [...problems, 'body: not an object'];
  const fields = body as Record<string, unknown>;
  for (const [name, param] of Object.entries(endpoint.body)) {
    if (param.required === true && !(name in fields)) problems.push(`body: "${name}" is required`);
  }
  for (const [name, value] of Object.entries(fields)) {
    const param = endpoint.body[name];
    if (param === undefined) problems.push(`body: "${name}" is not a field of the endpoint`);
    else if (typeof value !== (param.type === 'integer' ? 'number' : param.type))
      problems.push(`body.${name}: expected ${param.type}`);
  }
  return problems;
}

function checkValue(where: string, param: Param, value: string): string[] {
  if (param.type === 'integer') {
    if (!/^\d+$/.test(value)) return [`${where}: expected integer, got "${value}"`];
    if (param.max !== undefined && Number(value) > param.max)
      return [`${where}: above ${param.max}`];
  }
  if (param.type === 'boolean' && value !== 'true' && value !== 'false')
    return [`${where}: expected boolean`];
  if (param.enum !== undefined && !param.enum.includes(value))
    return [`${where}: "${value}" is not one of ${param.enum.join(', ')}`];
  return [];
}

function iso(at: number): string {
  return new Date(at).toISOString();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
