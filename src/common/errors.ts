/**
 * Errors gatepass raises on purpose. Each carries a stable code (for tests and
 * the audit record) and a hint that names the fix. Messages are one line and
 * never contain a secret value: callers describe *which* input is wrong, not
 * what it holds.
 */
export type ErrorCode =
  | 'INPUT' // a flag, input, file or environment variable is missing or malformed
  | 'CONFIG' // inputs parse but do not fit together
  | 'IDENTITY' // the runner's OIDC token could not be obtained
  | 'GATEWAY' // the gateway answered with an error
  | 'DENIED' // a human or policy said no
  | 'TIMEOUT' // a deadline passed
  | 'INTERNAL'; // a bug in gatepass

export class GatepassError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatepassError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** One line for a terminal or `::error::`: the message, then the fix. */
export function describeError(err: unknown): string {
  if (err instanceof GatepassError) {
    // A message that already ends a sentence ("did you mean x?") takes no extra full stop.
    const stop = /[.?!]$/.test(err.message) ? '' : '.';
    const line = err.hint === undefined ? err.message : `${err.message}${stop} ${err.hint}`;
    return singleLine(line);
  }
  // Unexpected errors: show the class and message only; stack traces can hold
  // values from the failing frame and stay out of user-facing output.
  if (err instanceof Error) return singleLine(`unexpected ${err.name}: ${err.message}`);
  return 'unexpected failure';
}

function singleLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** A failed file or socket operation's code (`ENOENT`, `EACCES`), for messages; else "unreadable". */
export function errorCodeOf(err: unknown): string {
  // Duck-typed: errors from another realm (a VM context) are not `instanceof Error`.
  const code =
    typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unreadable';
}

/** Control characters and runs of white space folded, at most `max` characters (scrub first). */
export function oneLine(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
