/**
 * Hard limits on what a step may pass in, checked before anything else reads
 * the values: a size cap per input and per credential field, no control
 * characters, and the URL rules. Pure, so the action and `gatepass run` share
 * them (config.ts and settings.ts call them). README § Inputs and outputs
 * lists every cap; change both together.
 *
 * Messages name the input (or field), the size or the character's code
 * point, and the cap; never the value, which may be a secret or a log bomb.
 */
import { LineCounter, parseDocument } from 'yaml';
import { GatepassError } from '../common/errors.js';
import { readPlainYaml } from './plain-yaml.js';

const KIB = 1024;

/** Caps in UTF-8 bytes (counts where named so). */
export const LIMITS = {
  /** `gateway`, `audience`, `token-endpoint`, `revocation-endpoint`, `hoop-token-exchange-url`, `hoop-token-audience`: browsers' and CDNs' practical URL size. */
  url: 2 * KIB,
  /** The `credentials` YAML text. */
  credentialsText: 64 * KIB,
  /** Items in `credentials`. */
  credentialsCount: 64,
  /** One value inside `credentials`: scope, audience, resource, path, connection, a `data` value. */
  field: 4 * KIB,
  /** A key inside `credentials` (a field name, an env variable name, a `data` key). */
  key: 256,
  /** The `run` script. */
  run: 256 * KIB,
  /** A `--config` file, checked by its size on disk before it is read. */
  configFile: 256 * KIB,
  /** `approvers` (a list), `hoop-token-scope`, `working-directory`. */
  text: 4 * KIB,
  /** Secret inputs: `client-secret`, `hoop-api-key`, `github-token`, GATEPASS_GITLAB_TOKEN. */
  secret: 8 * KIB,
  /** Names and identifiers: `client-id`, `subject-token-type`, `subject-issuer`, `vault-role`, `vault-auth-path`, `vault-namespace`, `hoop-host`, `shell`. */
  name: KIB,
  /** `ca-certificate`: PEM text, a chain of a few certificates. */
  certificate: 64 * KIB,
  /** Every other input: keywords, numbers, booleans, durations, `id-token-variable`. */
  keyword: 256,
} as const;

/** What an input may hold: its cap, and whether line breaks and tabs are part of it. */
interface InputRule {
  max: number;
  /** Line breaks (\n, \r) and tabs allowed: a script, YAML text, a newline-separated list. */
  lines: boolean;
}

const RULES: Readonly<Record<string, InputRule>> = {
  gateway: { max: LIMITS.url, lines: false },
  audience: { max: LIMITS.url, lines: false },
  'token-endpoint': { max: LIMITS.url, lines: false },
  'revocation-endpoint': { max: LIMITS.url, lines: false },
  'hoop-token-exchange-url': { max: LIMITS.url, lines: false },
  'hoop-token-audience': { max: LIMITS.url, lines: false },
  credentials: { max: LIMITS.credentialsText, lines: true },
  run: { max: LIMITS.run, lines: true },
  approvers: { max: LIMITS.text, lines: true },
  'hoop-token-scope': { max: LIMITS.text, lines: false },
  'hoop-host': { max: LIMITS.name, lines: false },
  'working-directory': { max: LIMITS.text, lines: false },
  'client-secret': { max: LIMITS.secret, lines: false },
  'hoop-api-key': { max: LIMITS.secret, lines: false },
  'github-token': { max: LIMITS.secret, lines: false },
  GATEPASS_GITLAB_TOKEN: { max: LIMITS.secret, lines: false },
  'client-id': { max: LIMITS.name, lines: false },
  'subject-token-type': { max: LIMITS.name, lines: false },
  'subject-issuer': { max: LIMITS.name, lines: false },
  'vault-role': { max: LIMITS.name, lines: false },
  'vault-auth-path': { max: LIMITS.name, lines: false },
  'vault-namespace': { max: LIMITS.name, lines: false },
  shell: { max: LIMITS.name, lines: false },
  'ca-certificate': { max: LIMITS.certificate, lines: true },
};

/** The cap of an input (or of the environment variable GATEPASS_GITLAB_TOKEN), in bytes. */
export function inputCap(name: string): number {
  return ruleOf(name).max;
}

function ruleOf(name: string): InputRule {
  return RULES[name] ?? { max: LIMITS.keyword, lines: false };
}

export interface ControlCharacter {
  /** "U+0000". */
  codePoint: string;
  /** 1-based position in characters. */
  position: number;
}

// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- as above, tab, LF and CR allowed
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * The first control character in `value`: C0 (U+0000–U+001F), DEL and C1
 * (U+0080–U+009F). With `lines`, tab, line feed and carriage return are
 * allowed; NUL never is.
 */
export function controlCharacter(value: string, lines: boolean): ControlCharacter | undefined {
  const match = (lines ? CONTROL_BUT_LINES : CONTROL).exec(value);
  if (match === null) return undefined;
  const code = match[0].charCodeAt(0);
  return {
    codePoint: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`,
    position: match.index + 1,
  };
}

export function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** `1536 bytes`, `70 KiB`: for messages. */
export function formatBytes(bytes: number): string {
  return bytes < 10 * KIB ? `${bytes} bytes` : `${Math.round(bytes / KIB)} KiB`;
}

/**
 * Size and control characters of one input's raw value. Single-line inputs
 * are checked trimmed (YAML block scalars end in a newline), the size on the
 * value as given.
 */
export function inputLimitProblem(name: string, raw: string): GatepassError | undefined {
  const rule = ruleOf(name);
  const what = name.startsWith('GATEPASS_') ? name : `input \`${name}\``;
  const size = byteLength(raw);
  if (size > rule.max) {
    return new GatepassError(
      'INPUT',
      `${what} is ${formatBytes(size)}, over the limit of ${formatBytes(rule.max)}`,
      { hint: 'Shorten it; README § Inputs and outputs lists the limits' },
    );
  }
  const control = controlCharacter(rule.lines ? raw : raw.trim(), rule.lines);
  if (control === undefined) return undefined;
  return new GatepassError(
    'INPUT',
    `${what} contains a control character (${control.codePoint}) at character ${control.position}`,
    {
      hint: rule.lines
        ? 'Remove it: only line breaks and tabs are allowed here'
        : 'Remove it: this input is one line of text',
    },
  );
}

/** Every problem of every input in `names`, found before any input is parsed. */
export function inputLimitProblems(
  getInput: (name: string) => string,
  names: readonly string[],
): GatepassError[] {
  const problems: GatepassError[] = [];
  for (const name of names) {
    const problem = inputLimitProblem(name, getInput(name));
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/**
 * Why a string inside `credentials` is refused (too long, a control
 * character), or undefined. `lines` for values that may be PEM text (a Vault
 * `data` value such as a CSR).
 */
export function fieldProblem(
  value: string,
  options: { max?: number; lines?: boolean } = {},
): string | undefined {
  const max = options.max ?? LIMITS.field;
  const size = byteLength(value);
  if (size > max) return `is ${formatBytes(size)}, over the limit of ${formatBytes(max)}`;
  const control = controlCharacter(value, options.lines ?? false);
  return control === undefined
    ? undefined
    : `contains a control character (${control.codePoint}) at character ${control.position}`;
}

// ---------------------------------------------------------------------------
// URLs

/** localhost, 127.0.0.0/8, [::1]. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

// Schemes read letter by letter take "an": an http: URL, an ftp: URL.
const SPELLED = new Set(['http', 'ftp', 'ftps', 'sftp', 'ssh', 'smb', 'ldap', 'ldaps', 'nfs']);

/**
 * Why `url` may not receive an identity token, or undefined when it may:
 * https, or plain http to this machine. One wording for every case, naming
 * the scheme, never the rest of the URL.
 */
export function urlSchemeProblem(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopback(url)
      ? undefined
      : 'must use https: (got an http: URL to a host that is not this machine)';
  }
  const scheme = url.protocol.slice(0, -1).slice(0, 32).toLowerCase();
  const article = /^[aeiou]/.test(scheme) || SPELLED.has(scheme) ? 'an' : 'a';
  return `must use https: (got ${article} ${scheme}: URL)`;
}

export const URL_SCHEME_HINT =
  'Use https://…; plain http is allowed only to localhost, 127.0.0.0/8 and [::1]';

/**
 * `value` as a URL that may receive an identity token (see
 * {@link urlSchemeProblem}); the URL is not quoted in the error. Gateways
 * check every address they are given or discover with it.
 */
export function requireSafeUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GatepassError('INPUT', `${what} is not an absolute URL`, {
      hint: "Use the gateway's issuer URL, e.g. https://gateway.example.com",
    });
  }
  const problem = urlSchemeProblem(url);
  if (problem === undefined) return url;
  throw new GatepassError('INPUT', `${what} ${problem}`, { hint: URL_SCHEME_HINT });
}

// ---------------------------------------------------------------------------
// YAML

/** Alias uses allowed while converting YAML to data (the `yaml` package's `maxAliasCount`). */
export const YAML_MAX_ALIASES = 100;

export interface YamlSource {
  /** "input `credentials`", "--config gatepass.yml": how messages name it. */
  subject: string;
  /** The fix for a syntax error. */
  hint: string;
  /** Add the parser's reason to a syntax error; it never quotes the text (prettyErrors off). */
  reason?: boolean;
  /** Only the line of a syntax error, as "(line 3)". Default "at line 3, column 5". */
  lineOnly?: boolean;
}

/**
 * YAML text to data, with errors that name where it came from and never
 * quote it: the position of a syntax error, and a bounded alias expansion
 * instead of the parser's "ReferenceError: Excessive alias count".
 */
export function parseYaml(text: string, source: YamlSource): unknown {
  // The plain shape needs no YAML parser; `yaml` loads only for anything else.
  const plain = readPlainYaml(text);
  if (plain !== undefined) return plain;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const error = doc.errors[0];
  if (error !== undefined) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const reason = source.reason === true ? `: ${error.message.split(/[\r\n]/)[0] ?? ''}` : '';
    const where = source.lineOnly === true ? `(line ${line})` : `at line ${line}, column ${col}`;
    throw new GatepassError('INPUT', `${source.subject} is not valid YAML ${where}${reason}`, {
      hint: source.hint,
    });
  }
  try {
    return doc.toJS({ maxAliasCount: YAML_MAX_ALIASES });
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    const problem = message.startsWith('Excessive alias count')
      ? `YAML aliases expand too far (over ${YAML_MAX_ALIASES} alias uses)`
      : message.startsWith('Unresolved alias')
        ? 'a YAML alias (*name) has no anchor (&name) before it'
        : 'cannot be read as YAML data';
    throw new GatepassError('INPUT', `${source.subject}: ${problem}`, {
      hint: 'Write the values out instead of using anchors (&) and aliases (*)',
    });
  }
}
