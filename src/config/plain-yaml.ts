/**
 * A reader for the plain shape most `credentials` inputs have, so that the
 * `yaml` package (loading it and a first parse were a sixth of the
 * instructions an action run spent on the way to its command; README §
 * Performance) loads only for text that needs it:
 *
 *     - name: db
 *       path: database/creds/migrator   # comments are fine
 *       env:
 *         PGUSER: username
 *
 * Block mappings, and a list of them; keys of letters, digits, `_` and `-`;
 * values that are plain one-line strings. For such text it returns exactly
 * what `yaml` returns (__tests__/config/plain-yaml.test.ts holds the two to
 * the same answers, text by generated text). Everything else it declines
 * (undefined), and `yaml` reads it: quotes, flow style, anchors, tags, block
 * scalars, lists of scalars, values YAML types (numbers, booleans, null),
 * duplicate keys, tabs, and any indentation it does not expect.
 */

/** Text → data, or undefined: not the plain shape, let `yaml` read it. */
export function readPlainYaml(text: string): unknown {
  const lines = plainLines(text);
  if (lines === undefined || lines.length === 0) return undefined;
  const first = lines[0] as Line;
  const read = readBlock(lines, 0, first.indent);
  return read !== undefined && read.next === lines.length ? read.value : undefined;
}

interface Line {
  /** Column of the line's first character (a `-`, or the key). */
  indent: number;
  /** Column of the key: after `- ` on an item's first line, else `indent`. */
  column: number;
  item: boolean;
  key: string;
  /** The plain value; undefined when the key opens a nested block (nothing after `:`). */
  value: string | undefined;
}

/** `key: value`, `key:`, and a list item's first line `- key: value`; a comment may follow. */
const LINE = /^( *)(?:-( +))?([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$/;
/** A value made of these characters, that starts with one of the first set, is one plain string. */
const VALUE = /^[A-Za-z0-9_./][A-Za-z0-9_./:@=+,~%^$ -]*$/;
/** What YAML 1.2's core schema would read as null, a boolean or a number (or might: declined). */
const TYPED = /^(?:~|null|true|false|[-+.]?[0-9][0-9a-fA-FoxX._+-]*|[-+]?\..*)$/i;

function plainLines(text: string): Line[] | undefined {
  if (/[^\n\x20-\x7e]/.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const content = withoutComment(raw).trimEnd();
    if (content === '') continue;
    const m = LINE.exec(content);
    if (m === null) return undefined;
    const [, spaces = '', gap, key = '', rest] = m;
    if (key === '__proto__' || TYPED.test(key)) return undefined;
    const value = rest?.trim();
    const plain =
      value === undefined || (VALUE.test(value) && !TYPED.test(value) && !/: |:$/.test(value));
    if (!plain) return undefined;
    const indent = spaces.length;
    lines.push({
      indent,
      column: gap === undefined ? indent : indent + 1 + gap.length,
      item: gap !== undefined,
      key,
      value,
    });
  }
  return lines;
}

/** The line up to its comment: a `#` at its start or after a space (a scan, not a regular expression, to stay linear). */
function withoutComment(line: string): string {
  for (let at = line.indexOf('#'); at >= 0; at = line.indexOf('#', at + 1)) {
    if (at === 0 || line[at - 1] === ' ') return line.slice(0, at);
  }
  return line;
}

/** The mapping, or list of mappings, that starts at `lines[at]` at `indent`. */
function readBlock(
  lines: Line[],
  at: number,
  indent: number,
): { value: unknown; next: number } | undefined {
  const first = lines[at];
  if (first === undefined || first.indent !== indent) return undefined;
  if (!first.item) return readMapping(lines, at, indent, false);
  const list: unknown[] = [];
  let next = at;
  while (lines[next]?.indent === indent && lines[next]?.item === true) {
    const item = readMapping(lines, next, (lines[next] as Line).column, true);
    if (item === undefined) return undefined;
    list.push(item.value);
    next = item.next;
  }
  return { value: list, next };
}

/**
 * The mapping whose keys stand at `column`, from `lines[at]` (a list item's
 * first line when `item`) to the first line left of it.
 */
function readMapping(
  lines: Line[],
  at: number,
  column: number,
  item: boolean,
): { value: Record<string, unknown>; next: number } | undefined {
  const mapping: Record<string, unknown> = {};
  let next = at;
  for (let line = lines[next]; line !== undefined && line.column === column; line = lines[next]) {
    // Only the first line may start the item; a later `- ` is another item or a nested list.
    if (line.item !== (item && next === at)) break;
    if (Object.hasOwn(mapping, line.key)) return undefined;
    next += 1;
    if (line.value !== undefined) {
      mapping[line.key] = line.value;
      continue;
    }
    const nested = lines[next];
    // `key:` alone is null to YAML, and a list under a key is not the plain shape.
    if (nested === undefined || nested.indent <= column || nested.item) return undefined;
    const block = readMapping(lines, next, nested.indent, false);
    if (block === undefined) return undefined;
    mapping[line.key] = block.value;
    next = block.next;
  }
  // A line that no block takes (right of the keys: a continued value, say)
  // stops every block above it too, and readPlainYaml declines the text.
  return { value: mapping, next };
}
