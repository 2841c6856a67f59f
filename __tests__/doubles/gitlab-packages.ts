/**
 * GitLab's generic package registry on loopback, as the component's release
 * pipeline publishes to it and its template downloads from it. GitLab
 * publishes no machine-readable description of this API; the requests are
 * checked against the documentation
 * (https://docs.gitlab.com/user/packages/generic_packages/):
 *
 * - publish: `PUT /api/v4/projects/:id/packages/generic/:package_name/:package_version/:file_name`,
 *   the file as the request body; answered `201 {"message":"201 Created"}`.
 * - download: `GET` on the same path; the file, or 404.
 * - `:id` is the project's numeric id or its URL-encoded path.
 * - `:package_name`: letters, digits, `.`, `-`, `_`; `:package_version`:
 *   semantic versioning (`1.2.3`, `1.2.3-rc.1`); `:file_name`: letters,
 *   digits, `.`, `-`, `_`, `+`, `~`.
 * - authentication: a `JOB-TOKEN`, `PRIVATE-TOKEN` or `DEPLOY-TOKEN` header,
 *   or HTTP Basic with such a token as the password; 401 without one.
 *
 * With object storage, GitLab answers a download with a redirect to the
 * storage (`storageRedirect`): the second server here stands for it and
 * records the headers it was sent, so a test can see that the job token
 * stayed with GitLab. A request outside the description is recorded in
 * `violations` and answered 400.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const NAME = /^[A-Za-z0-9._-]+$/;
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const FILE_NAME = /^[A-Za-z0-9._+~-]+$/;
const PATH = /^\/api\/v4\/projects\/([^/]+)\/packages\/generic\/([^/]+)\/([^/]+)\/([^/?]+)$/;

export interface RecordedRequest {
  method: string;
  path: string;
  /** The token the request authenticated with, by header name. */
  token?: { header: string; value: string };
  status: number;
}

export interface PackageRegistry {
  /** `http://127.0.0.1:<port>/api/v4`, what a job sees as CI_API_V4_URL. */
  apiUrl: string;
  /** Base URL of a plain file server, standing for a mirror or object storage. */
  storageUrl: string;
  requests: RecordedRequest[];
  /** Headers of every request the storage server received. */
  storageRequests: { path: string; headers: Record<string, string | string[] | undefined> }[];
  violations: string[];
  /** Adds a file as if it had been published. */
  put(projectPath: string, name: string, version: string, file: string, body: Buffer): void;
  /** Serves a file from the storage server at `/<name>`. */
  serve(name: string, body: Buffer): void;
  /** The stored file, if any. */
  file(projectPath: string, name: string, version: string, file: string): Buffer | undefined;
  stop(): Promise<void>;
}

export interface PackageRegistryOptions {
  /** Project path -> numeric id; both name the project in `:id`. */
  projects: Record<string, number>;
  /** Tokens accepted, any header or Basic password. */
  tokens: readonly string[];
  /** Answer downloads with a redirect to the storage server, as with object storage. */
  storageRedirect?: boolean;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}`);
    });
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function authToken(req: IncomingMessage): { header: string; value: string } | undefined {
  for (const header of ['job-token', 'private-token', 'deploy-token']) {
    const value = req.headers[header];
    if (typeof value === 'string') return { header: header.toUpperCase(), value };
  }
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString();
    return { header: 'Authorization', value: decoded.slice(decoded.indexOf(':') + 1) };
  }
  return undefined;
}

export async function packageRegistry(options: PackageRegistryOptions): Promise<PackageRegistry> {
  const files = new Map<string, Buffer>();
  const storage = new Map<string, Buffer>();
  const requests: RecordedRequest[] = [];
  const storageRequests: PackageRegistry['storageRequests'] = [];
  const violations: string[] = [];
  const key = (project: string, name: string, version: string, file: string): string =>
    [project, name, version, file].join('\n');
  const projectOf = (id: string): string | undefined => {
    const decoded = decodeURIComponent(id);
    if (decoded in options.projects) return decoded;
    return Object.entries(options.projects).find(([, n]) => String(n) === id)?.[0];
  };

  let storageUrl = '';
  const storageServer = createServer((req, res) => {
    const path = req.url ?? '/';
    storageRequests.push({ path, headers: { ...req.headers } });
    const body = storage.get(path.split('?')[0] ?? '');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? '';
    const path = req.url ?? '';
    const record: RecordedRequest = { method, path, status: 0 };
    requests.push(record);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const violation = (what: string): void => {
      violations.push(`${method} ${path}: ${what}`);
      answer(400, { error: what });
    };
    const match = PATH.exec(path);
    if (match === null || (method !== 'GET' && method !== 'PUT')) {
      violation('not an endpoint of the generic packages API');
      return;
    }
    const [, id = '', name = '', version = '', file = ''] = match;
    if (!NAME.test(name)) {
      violation(`package name ${name}`);
      return;
    }
    if (!SEMVER.test(version)) {
      violation(`package version ${version}`);
      return;
    }
    if (!FILE_NAME.test(file)) {
      violation(`file name ${file}`);
      return;
    }
    const token = authToken(req);
    if (token !== undefined) record.token = token;
    if (token === undefined || !options.tokens.includes(token.value)) {
      answer(401, { message: '401 Unauthorized' });
      return;
    }
    const project = projectOf(id);
    if (project === undefined) {
      answer(404, { message: '404 Project Not Found' });
      return;
    }
    if (method === 'PUT') {
      const body = await readBody(req);
      if (body.length === 0) {
        violation('empty file');
        return;
      }
      files.set(key(project, name, version, file), body);
      answer(201, { message: '201 Created' });
      return;
    }
    const body = files.get(key(project, name, version, file));
    if (body === undefined) {
      answer(404, { message: '404 Package Not Found' });
      return;
    }
    if (options.storageRedirect === true) {
      const object = `/objects/${String(storage.size)}/${file}`;
      storage.set(object, body);
      record.status = 302;
      res.writeHead(302, { location: `${storageUrl}${object}?signature=x` }).end();
      return;
    }
    record.status = 200;
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push(String(error));
      res.writeHead(500).end();
    });
  });

  const base = await listen(server);
  storageUrl = await listen(storageServer);
  return {
    apiUrl: `${base}/api/v4`,
    storageUrl,
    requests,
    storageRequests,
    violations,
    put(projectPath, name, version, file, body) {
      files.set(key(projectPath, name, version, file), body);
    },
    serve(name, body) {
      storage.set(`/${name}`, body);
    },
    file: (projectPath, name, version, file) => files.get(key(projectPath, name, version, file)),
    async stop() {
      await Promise.all(
        [server, storageServer].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => {
                resolve();
              });
            }),
        ),
      );
    },
  };
}
