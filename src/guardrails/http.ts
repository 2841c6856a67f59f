/**
 * An HTTP request's path as rules see it: decoded once and normalised, so
 * that `..`, `.`, `//`, `%2e`, `%2F`, a backslash or a `;parameter` cannot
 * put a request outside the rule that covers where it lands. Anything that
 * does not decode to one unambiguous path (a bad escape, an escape that is
 * still there after decoding, control characters, invalid UTF-8) is refused:
 * servers disagree about those, so no rule could be sure what they reach.
 */

export type NormalisedPath =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly problem: string };

/**
 * `target` is the request line's target: a path with an optional query
 * (`/v1/x?y=1`), or an absolute URL (`http://host/v1/x`, as sent to a proxy).
 */
export function normaliseHttpPath(target: string): NormalisedPath {
  const path = pathOf(target);
  if (path === undefined) return { ok: false, problem: 'the request target is not a path' };
  const decoded = decode(path);
  if (decoded === undefined) {
    return { ok: false, problem: 'the path has an invalid percent-escape or is not UTF-8' };
  }
  if (/%[0-9a-f]{2}/i.test(decoded)) {
    return { ok: false, problem: 'the path is percent-encoded twice' };
  }
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\x00-\x1f\x7f]/.test(decoded)) {
    return { ok: false, problem: 'the path holds control characters' };
  }
  return { ok: true, path: resolveSegments(decoded) };
}

function pathOf(target: string): string | undefined {
  let path = target;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
  if (absolute !== null) path = path.slice(absolute[0].length) || '/';
  path = path.replace(/[?#].*$/s, '');
  return path.startsWith('/') ? path : undefined;
}

/** Percent-decodes once, as UTF-8; undefined when an escape or the UTF-8 is malformed. */
function decode(path: string): string | undefined {
  if (/%(?![0-9a-f]{2})/i.test(path)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < path.length;) {
    if (path[i] === '%') {
      bytes.push(Number.parseInt(path.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    const code = path.codePointAt(i) ?? 0;
    bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
    i += code > 0xffff ? 2 : 1;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Backslashes count as slashes, empty and `.` segments go, `..` removes the
 * segment before it (never above the root), and a segment's `;parameters`
 * (which Java servers strip) are dropped. No trailing slash.
 */
function resolveSegments(path: string): string {
  const out: string[] = [];
  for (const raw of path.replace(/\\/g, '/').split('/')) {
    const segment = raw.replace(/;.*$/s, '');
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}
