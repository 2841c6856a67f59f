/**
 * The demo prints the job's summary for a reader at a terminal. A CLI
 * without a job summary file writes the summary to stderr; where that is
 * Markdown (a `### gatepass: ...` heading, pipe tables, `[text](url)`), the
 * summary's lines are turned into plain text: headings without their hashes,
 * tables as aligned columns, links as `text (url)`, code spans, `**Label:**`
 * and escapes unwrapped. Only a summary is touched: from its heading to the
 * next `gatepass: ` log line. Everything else, the command's output above
 * all (where `***` is a masked secret, not emphasis), passes unchanged, and so
 * does a summary that is plain text already.
 */

/** Turns a stream of whole lines into display lines; `end()` flushes a table still open. */
export interface MarkdownRenderer {
  line(text: string): string[];
  end(): string[];
}

const SEPARATOR = /^\|(\s*:?-{3,}:?\s*\|)+\s*$/;

const SUMMARY_HEADING = /^#{1,6} gatepass\b/;
const LOG_LINE = /^gatepass: /;

export function markdownRenderer(): MarkdownRenderer {
  let table: string[][] = [];
  let inSummary = false;
  const flush = (): string[] => {
    const rows = table;
    table = [];
    return alignTable(rows);
  };
  return {
    line(text) {
      if (SUMMARY_HEADING.test(text)) inSummary = true;
      else if (LOG_LINE.test(text)) inSummary = false;
      if (!inSummary) return [...flush(), text];
      if (text.startsWith('|') && text.trimEnd().endsWith('|')) {
        if (!SEPARATOR.test(text)) table.push(cells(text));
        return [];
      }
      const out = table.length > 0 ? flush() : [];
      const heading = /^#{1,6} (.*)$/.exec(text);
      out.push(inline(heading === null ? text : (heading[1] ?? '')));
      return out;
    },
    end: flush,
  };
}

/** The cells of a pipe-table row, `\|` kept inside its cell. */
function cells(row: string): string[] {
  const inner = row.trim().slice(1, -1);
  const found: string[] = [];
  let cell = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\' && inner[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '|') {
      found.push(cell);
      cell = '';
    } else {
      cell += c ?? '';
    }
  }
  found.push(cell);
  return found.map((text) => inline(text.trim()));
}

/** Columns padded to their widest cell, two spaces apart, a rule under the header. */
function alignTable(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(...rows.map((row) => width(row[i] ?? ''))),
  );
  const format = (row: string[]): string =>
    widths
      .map((w, i) => {
        const cell = row[i] ?? '';
        return cell + ' '.repeat(w - width(cell));
      })
      .join('  ')
      .trimEnd();
  const [header, ...body] = rows;
  return [format(header ?? []), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(format)];
}

/** Columns a terminal gives the text: emoji such as ✅ take two. */
function width(text: string): number {
  let columns = 0;
  for (const char of text) columns += /\p{Extended_Pictographic}/u.test(char) ? 2 : 1;
  return columns;
}

/** Inline Markdown as text: links, code spans, emphasis and escapes. */
function inline(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, '$1 ($2)')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([A-Za-z][\w ]*:)\*\*/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1');
}
