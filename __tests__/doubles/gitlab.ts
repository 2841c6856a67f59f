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
 * Authentication is the `PRIVATE-TOKEN` header. A request outside the
 * description is recorded in `violations` and answered 400, as GitLab
 * answers a parameter error.
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
  body: string;
  author: GlUser;
  created_at: string;
  updated_at: string;
  system: boolean;
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

  note(author: GlUser, body: string, options: { at?: number; system?: boolean } = {}): GlNote {
    const at = iso(options.at ?? this.#now());
    const note = {
      id: this.#nextId++,
      body,
      author,
      created_at: at,
      updated_at: at,
      system: options.system ?? false,
    };
    this.notes.push(note);
    return note;
  }

  editNote(note: GlNote, body: string): void {
    note.body = body;
    note.updated_at = iso(this.#now() + 1000);
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
        this.editNote(note, String(body?.body));
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

  #noteBody(n: GlNote): Record<string, unknown> {
    return {
      id: n.id,
      type: null,
      body: n.body,
      author: userBody(n.author),
      created_at: n.created_at,
      updated_at: n.updated_at,
      system: n.system,
      noteable_id: 500,
      noteable_type: 'MergeRequest',
      noteable_iid: this.mr.iid,
      project_id: this.projectId,
      resolvable: false,
      confidential: false,
      internal: false,
    };
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
