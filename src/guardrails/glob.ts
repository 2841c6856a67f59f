/**
 * The three globs rules use, compiled to anchored regular expressions. In
 * each, `*` stands for any run of characters inside one part: a kind's words
 * (`DROP *`), a name's schema or relation (`audit.*`), a path's segment
 * (`/v1/*`/…); `**` as a whole path segment stands for any number of segments.
 */

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Compiled patterns, by flavour and pattern: rules are few and evaluated per statement. */
const compiled = new Map<string, RegExp>();

function memo(key: string, build: () => RegExp): RegExp {
  let regex = compiled.get(key);
  if (regex === undefined) {
    regex = build();
    compiled.set(key, regex);
  }
  return regex;
}

function compile(pattern: string, star: string, flags: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escape).join(star)}$`, flags);
}

/** A statement kind pattern (`DROP *`, `COPY TO PROGRAM`); kinds are upper case. */
export function kindGlob(pattern: string): RegExp {
  return memo(`kind ${pattern}`, () => compile(pattern, '.*', ''));
}

/** Any of several kind patterns, as one expression: rules are evaluated per statement. */
export function kindsGlob(patterns: readonly string[]): RegExp {
  const alternatives = patterns.map((p) => p.split('*').map(escape).join('.*'));
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

/** One part of a name (`audit`, `user_*`); `exact: false` ignores case. */
export function namePartGlob(pattern: string, exact: boolean): RegExp {
  return memo(`name ${String(exact)} ${pattern}`, () =>
    compile(pattern, '[^.]*', exact ? '' : 'i'),
  );
}

/**
 * A path pattern: `*` is any run inside one segment, `**` any number of whole
 * segments (none included): `/v1/admin/**` matches `/v1/admin` and everything
 * under it. Paths and patterns are compared without a trailing slash.
 */
export function pathGlob(pattern: string, exact: boolean): RegExp {
  return memo(`path ${String(exact)} ${pattern}`, () => {
    const segments = trimSlash(pattern).split('/').slice(1);
    const source = segments
      .map((segment) =>
        segment === '**' ? '(?:/.*)?' : `/${segment.split('*').map(escape).join('[^/]*')}`,
      )
      .join('');
    return new RegExp(`^${source === '' ? '/' : source}$`, exact ? '' : 'i');
  });
}

/** `/a/b/` → `/a/b`; `/` stays. */
export function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
