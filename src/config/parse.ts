/**
 * Parsers and error shapes shared by the common inputs (config.ts), the
 * `credentials` list (credentials.ts) and each provider's own inputs and
 * fields (providers/). Messages name the input or field and the fix, and
 * never quote more than 64 characters of a value.
 */
import { GatepassError } from '../common/errors.js';
import { URL_SCHEME_HINT, urlSchemeProblem } from './limits.js';

/** Returns the input's value, or '' when it is not set (like `core.getInput`). */
export type GetInput = (name: string) => string;

/** One item of `credentials`, or a nested mapping, as YAML parsed it. */
export type Raw = Record<string, unknown>;

export function inputError(input: string, problem: string, hint: string): GatepassError {
  return new GatepassError('INPUT', `input \`${input}\` ${problem}`, { hint });
}

export function credentialsError(problem: string, hint: string): GatepassError {
  return new GatepassError('INPUT', `input \`credentials\`: ${problem}`, { hint });
}

/** A value as quoted in a message: at most 64 characters (limits were checked first). */
export function short(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}

export function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An absolute https URL (http only to loopback) without credentials in it.
 * Messages never quote the URL: a query string may hold a token.
 */
export function parseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw inputError(
      name,
      'is not an absolute URL',
      'Use an absolute https URL, e.g. https://gateway.example.com',
    );
  }
  const scheme = urlSchemeProblem(url);
  if (scheme !== undefined) throw inputError(name, scheme, URL_SCHEME_HINT);
  if (url.username !== '' || url.password !== '') {
    throw inputError(
      name,
      'must not contain a user name or password',
      'Remove `user:password@` from the URL; use `client-secret` for client authentication',
    );
  }
  return value;
}

/** A field that must be a non-empty string. */
export function requiredString(raw: Raw, key: string, where: string, hint: string): string {
  const value = optionalString(raw, key, where);
  if (value === undefined || value === '')
    throw credentialsError(`${where} needs \`${key}\``, hint);
  return value;
}

export function optionalString(raw: Raw, key: string, where: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw credentialsError(`${where}: \`${key}\` must be a string`, `Quote it: ${key}: "..."`);
  return value;
}

export function stringOrList(raw: Raw, key: string, where: string): string | string[] | undefined {
  const value = raw[key];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== ''))
    return value as string[];
  return optionalString(raw, key, where);
}

/** Raised with every problem found; `problems` holds one error per input. */
export class ConfigError extends GatepassError {
  readonly problems: readonly GatepassError[];

  constructor(problems: readonly GatepassError[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s) above)` : '';
    super('INPUT', `${first?.message ?? 'invalid inputs'}${more}`, {
      ...(first?.hint === undefined ? {} : { hint: first.hint }),
    });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** `90s`, `15m`, `1h30m`, or a bare number of seconds. */
export function parseDurationMs(value: string, input: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (match === null || text === '') {
    throw inputError(
      input,
      `is "${short(value)}", not a duration`,
      'Use a number with h, m or s, e.g. 90s, 15m or 1h30m',
    );
  }
  const [, h = '0', m = '0', s = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

/** A shell variable name: what `env` keys and `id-token-variable` must be. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
