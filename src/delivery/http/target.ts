/**
 * The request target: the capability segment, then a path normalised into
 * the one form both `inspect` and the upstream see, so the upstream cannot
 * be asked for anything else than what was checked.
 *
 * - origin-form only (`/…`): absolute-form and `*` mean someone uses the
 *   proxy as a forward proxy, which it is not;
 * - `%XX` of an unreserved character (ALPHA DIGIT - . _ ~) is decoded, every
 *   other `%XX` kept with upper-case hex, and every byte outside RFC 3986's
 *   pchar encoded; a malformed `%` is refused. Once in this form, two paths
 *   an upstream could read alike are the same string;
 * - `%2F` stays encoded: decoding it would turn one segment into two, and
 *   upstreams differ on whether `%2F` separates (GitLab's project IDs
 *   `group%2Fproject` rely on it not doing so). The upstream gets it as
 *   sent; the guardrails rules do not see it as `%2F`: evaluateHttp matches
 *   the path after guardrails/http.ts normaliseHttpPath, which decodes it to
 *   `/` (a deny on `/v1/admin/**` covers `/v1/admin%2Fusers`);
 * - `.` and `..` (including `%2e%2e`, decoded first) are resolved, never
 *   above the base: the job cannot leave the upstream base path;
 * - empty segments (`//admin`) are dropped; a trailing `/` is kept, since
 *   upstreams tell `/x/` from `/x`.
 */

export type Target =
  | { ok: true; capability: string; path: string; query: string }
  | { ok: false; error: 'not_origin_form' | 'bad_path'; message: string; capability: string };

export function parseTarget(raw: string): Target {
  if (!raw.startsWith('/')) {
    return {
      ok: false,
      error: 'not_origin_form',
      message:
        'gatepass is not a forward proxy: send requests to the base URL it gave, not through it',
      capability: '',
    };
  }
  const at = raw.indexOf('?');
  const rawPath = at === -1 ? raw : raw.slice(0, at);
  const query = at === -1 ? '' : raw.slice(at + 1);
  const [, capability = '', ...rest] = rawPath.split('/');
  const path = normalisePath(rest);
  if (path === undefined || raw.includes('#')) {
    const message = 'gatepass could not read the request path (a malformed % escape?)';
    return { ok: false, error: 'bad_path', message, capability };
  }
  return { ok: true, capability, path, query };
}

/** The segments after the capability, as one canonical path; undefined when malformed. */
export function normalisePath(segments: readonly string[]): string | undefined {
  const out: string[] = [];
  let trailingSlash = false;
  for (const [i, raw] of segments.entries()) {
    const segment = canonicalSegment(raw);
    if (segment === undefined) return undefined;
    const last = i === segments.length - 1;
    if (segment === '..') out.pop();
    else if (segment !== '.' && segment !== '') out.push(segment);
    trailingSlash = last && (segment === '' || segment === '.' || segment === '..');
  }
  const joined = `/${out.join('/')}`;
  return trailingSlash && out.length > 0 ? `${joined}/` : joined;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** pchar minus `%` (RFC 3986 §3.3): kept as they are. */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;

function canonicalSegment(raw: string): string | undefined {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw.charAt(i);
    if (char === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      const decoded = String.fromCharCode(parseInt(hex, 16));
      out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
      i += 2;
    } else if (PCHAR.test(char)) {
      out += char;
    } else {
      // node:http hands the target over byte for byte (latin1): encode the byte.
      const code = raw.charCodeAt(i);
      if (code > 0xff) return undefined;
      out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** The query's parameter names, for the record: values may be secrets (pre-signed URLs, tokens). */
export function queryKeys(query: string): string[] {
  if (query === '') return [];
  const names = query.split('&').map((pair) => pair.split('=', 1)[0] ?? '');
  return [...new Set(names.filter((name) => name !== ''))].slice(0, 32).map((n) => n.slice(0, 100));
}
