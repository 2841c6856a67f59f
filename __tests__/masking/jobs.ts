/**
 * The ways a CI job prints a secret, shared by the tests of the forms a secret
 * is registered under (`encodings.test.ts`) and of the masker end to end
 * (`masker.test.ts`). Each job runs the real tool a job would use (coreutils
 * base64 and basenc, xxd, bash, python3, jq, perl, openssl: CI installs them),
 * or an independent emulation of an encoder that cannot run here, and says
 * which part of its output encodes the secret.
 */
import { spawnSync } from 'node:child_process';
import { inspect } from 'node:util';

// ---------------------------------------------------------------------------
// Secrets: the shapes credentials take.

const PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  'NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ',
  '-----END PRIVATE KEY-----',
].join('\n');

export const SECRETS: readonly (readonly [label: string, secret: string])[] = [
  ['ASCII token', 'ghs_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['prefix of the ASCII token', 'ghs_16C7e42F292c'],
  ['punctuation', `s3cr'"\\$\`!&<>/et_Value#1 ok~*(=)`],
  ['multi-line PEM', PEM],
  ['unicode', 'pässwörd-é中文-😀-✓x9'],
  ['control characters', 'tab\there\u001bescape\u007fdel-ok'],
  ['quotes and a no-break space', 'it\'s a "quoted" sécret\u00a0nbsp'],
  ['README example', "p@ss/w'rd+é✓x"],
];

// ---------------------------------------------------------------------------
// Running the tools a job would use.

export const ENV = {
  ...process.env,
  LC_ALL: 'C.UTF-8',
  LANG: 'C.UTF-8',
  PYTHONIOENCODING: 'utf-8',
};

export interface RunOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly stderr?: boolean;
}

/** Runs a real program and returns what it printed. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Buffer {
  const result = spawnSync(command, args, {
    input: options.input,
    env: options.env ?? ENV,
    maxBuffer: 1 << 20,
  });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} exited with ${String(result.status)}: ${result.stderr.toString()}`);
  }
  return options.stderr === true ? result.stderr : result.stdout;
}

/** A bash job script; the secret is `$1`, as it would be `$TOKEN`. */
export function bash(script: string, secret: string, options: RunOptions = {}): Buffer {
  return run('bash', ['-c', script, 'job', secret], options);
}

/**
 * The Python interpreter itself, found once: a version manager's `python3`
 * shim (pyenv) is a script that costs more than Python's own start-up.
 */
const PYTHON = run('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();

/**
 * A Python one-liner; the secret is `s`. The jobs use only the standard
 * library, so `-S` (no site packages) just saves start-up time.
 */
export function python(expression: string, secret: string): Buffer {
  return run(PYTHON, ['-S', '-c', `import sys\ns = sys.argv[1]\n${expression}`, secret]);
}

export function jq(filter: string, secret: string): Buffer {
  return run('jq', ['-rn', '--arg', 's', secret, filter]);
}

// ---------------------------------------------------------------------------
// Independent emulations of encoders that cannot run here (PHP, Go, .NET).

function unicodeEscapes(json: string, pattern: RegExp): string {
  return json.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** PHP json_encode with default flags: `\/` and `\uXXXX` for every non-ASCII code unit. */
export const phpJsonEncode = (s: string): string =>
  unicodeEscapes(JSON.stringify(s).replace(/\//g, '\\/'), /[\u0080-\uffff]/g);
/** Go encoding/json: HTML-safe, and U+2028/U+2029 escaped. */
export const goJsonMarshal = (s: string): string =>
  unicodeEscapes(JSON.stringify(s), /[<>&\u2028\u2029]/g);
/** Newtonsoft JsonConvert.ToString, the runner's JsonStringEscape. */
export const newtonsoftToString = (s: string): string =>
  unicodeEscapes(JSON.stringify(s), /[\u0085\u2028\u2029]/g);
/** Go url.UserPassword(user, s).String(): only `-_.~$&+,;=` and alphanumerics stay as they are. */
export const goUserPassword = (s: string): string =>
  Array.from(Buffer.from(s, 'utf8'), (b) =>
    /^[A-Za-z0-9\-_.~$&+,;=]$/.test(String.fromCharCode(b))
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');

/** Node's (WHATWG) URL with the secret as its password, as `url.href` prints it. */
function whatwgUrlWithPassword(s: string): string {
  const url = new URL('https://registry.example/');
  url.username = 'ci';
  url.password = s;
  return url.href;
}

// ---------------------------------------------------------------------------
// Jobs: a way a job prints the secret, and which part of its output encodes it.

export type Check =
  /** The whole output, minus quotes/prefix removed by `payload`, is the secret. */
  | { readonly kind: 'text'; readonly payload: (flat: string) => string | string[] }
  /** The output is base64 of `prefix + secret (+ suffix)`. */
  | { readonly kind: 'base64'; readonly prefix: string };

export interface Job {
  readonly name: string;
  readonly output: (secret: string) => Buffer | string;
  readonly check: Check;
}

const whole: Check = { kind: 'text', payload: (flat) => flat };
const quoted: Check = { kind: 'text', payload: stripQuotes };
const after = (prefix: string): Check => ({
  kind: 'text',
  payload: (flat) => stripQuotes(flat.slice(flat.indexOf(prefix) + prefix.length)),
});
const base64Of = (prefix = ''): Check => ({ kind: 'base64', prefix });

/** What follows the `+ : ` of a bash trace line. */
const afterTrace = (flat: string): string => flat.slice(flat.indexOf('+ : ') + 4);

/** `'...'` or `$'...'` inside a single-quoted word, as `'\''...'\''` or `$'\''...'\''`. */
const innerQuoted = (text: string): string => text.replace(/^\$?'\\''/, '').replace(/'\\''$/, '');

/** Removes the quotes a tool put around a string: "..", '..', `..`, $'..'. */
export function stripQuotes(text: string): string {
  if (text.startsWith("$'") && text.endsWith("'")) return text.slice(2, -1);
  const first = text[0];
  if (text.length >= 2 && first !== undefined && `"'\``.includes(first) && text.endsWith(first)) {
    return text.slice(1, -1);
  }
  return text;
}

/** The password in `https://ci:PASSWORD@host/`. */
const userinfo: Check = {
  kind: 'text',
  payload: (flat) => flat.slice(flat.indexOf('ci:') + 3, flat.lastIndexOf('@')),
};

const lowerHex = (s: string): string => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

export const JOBS: readonly Job[] = [
  // Raw.
  { name: 'echo "$S"', output: (s) => bash('echo "$1"', s), check: whole },
  // Base64 (coreutils wraps at 76 columns; echo adds a newline).
  {
    name: 'printf %s "$S" | base64',
    output: (s) => bash('printf %s "$1" | base64', s),
    check: base64Of(),
  },
  { name: 'echo "$S" | base64', output: (s) => bash('echo "$1" | base64', s), check: base64Of() },
  {
    name: 'docker auth base64("ci:"+S)',
    output: (s) => bash('printf %s "ci:$1" | base64 -w0', s),
    check: base64Of('ci:'),
  },
  {
    name: 'docker auth base64("bot:"+S)',
    output: (s) => bash('printf %s "bot:$1" | base64 -w0', s),
    check: base64Of('bot:'),
  },
  {
    name: 'docker auth base64("user:"+S)',
    output: (s) => bash('printf %s "user:$1" | base64 -w0', s),
    check: base64Of('user:'),
  },
  {
    name: 'basenc --base64url',
    output: (s) => bash('printf %s "$1" | basenc --base64url', s),
    check: base64Of(),
  },
  {
    name: 'basenc --base64url of "user:"+S',
    output: (s) => bash('printf %s "user:$1" | basenc --base64url', s),
    check: base64Of('user:'),
  },
  {
    name: 'openssl base64 (wraps at 64)',
    output: (s) => bash('printf %s "$1" | openssl base64', s),
    check: base64Of(),
  },
  {
    name: 'jq @base64 of "x:"+S',
    output: (s) => jq('"x:" + $s | @base64', s),
    check: base64Of('x:'),
  },
  {
    name: 'JS base64url (JWT-style, unpadded)',
    output: (s) => Buffer.from(s).toString('base64url'),
    check: base64Of(),
  },
  {
    name: 'JS base64url after 1 byte',
    output: (s) => Buffer.from(`{${s}`).toString('base64url'),
    check: base64Of('{'),
  },
  // Hex.
  { name: 'xxd -p (wraps at 60)', output: (s) => bash('printf %s "$1" | xxd -p', s), check: whole },
  { name: 'xxd -p -u', output: (s) => bash('printf %s "$1" | xxd -p -u', s), check: whole },
  // Shell quoting.
  { name: 'bash printf %q', output: (s) => bash('printf %q "$1"', s), check: quoted },
  {
    name: 'bash printf %q, C locale',
    output: (s) => bash('printf %q "$1"', s, { env: { ...ENV, LC_ALL: 'C', LANG: 'C' } }),
    check: quoted,
  },
  { name: 'bash ${S@Q}', output: (s) => bash('echo "${1@Q}"', s), check: quoted },
  {
    name: 'bash set -x',
    output: (s) => bash('set -x; : "$1"', s, { stderr: true }),
    check: after('+ : '),
  },
  {
    // set -x quotes a word that already holds the quoted secret: quoting twice.
    name: 'bash set -x of ${S@Q}',
    output: (s) => bash('set -x; : "${1@Q}"', s, { stderr: true }),
    check: { kind: 'text', payload: (f) => innerQuoted(stripQuotes(afterTrace(f))) },
  },
  {
    // As when a script passes `printf %q` output to eval or ssh.
    name: 'bash set -x of printf %q',
    output: (s) => bash('q=$(printf %q "$1"); set -x; : "X=$q"', s, { stderr: true }),
    check: { kind: 'text', payload: (f) => innerQuoted(stripQuotes(afterTrace(f)).slice(2)) },
  },
  {
    name: 'python shlex.quote',
    output: (s) => python('import shlex; print(shlex.quote(s))', s),
    check: quoted,
  },
  { name: 'jq @sh', output: (s) => jq('$s | @sh', s), check: quoted },
  {
    // Double-quote escaping (\" \$ \` \\), or $'...' for control characters.
    name: 'bash declare -p',
    output: (s) => bash('S=$1; declare -p S', s),
    check: after('S='),
  },
  // JSON.
  { name: 'JSON.stringify', output: (s) => JSON.stringify(s), check: quoted },
  {
    name: 'python json.dumps',
    output: (s) => python('import json; print(json.dumps(s))', s),
    check: quoted,
  },
  {
    name: 'python json.dumps(ensure_ascii=False)',
    output: (s) => python('import json; print(json.dumps(s, ensure_ascii=False))', s),
    check: quoted,
  },
  {
    name: 'jq -n --arg s "$S" \'$s\'',
    output: (s) => run('jq', ['-n', '--arg', 's', s, '$s']),
    check: quoted,
  },
  {
    name: 'perl JSON::PP ascii',
    output: (s) =>
      run('perl', [
        '-CSA',
        '-MJSON::PP',
        '-e',
        'print JSON::PP->new->ascii->allow_nonref->encode($ARGV[0])',
        '--',
        s,
      ]),
    check: quoted,
  },
  { name: 'PHP json_encode (emulated)', output: phpJsonEncode, check: quoted },
  { name: 'Go json.Marshal (emulated)', output: goJsonMarshal, check: quoted },
  {
    name: 'runner JsonStringEscape, Newtonsoft (emulated)',
    output: newtonsoftToString,
    check: quoted,
  },
  {
    // Quoted with "" for " when it holds a quote, a comma or a line break.
    name: 'python csv.writer',
    output: (s) => python('import csv; csv.writer(sys.stdout).writerow([s])', s),
    check: quoted,
  },
  // Percent-encoding.
  { name: 'encodeURIComponent', output: (s) => encodeURIComponent(s), check: whole },
  {
    name: 'encodeURIComponent, lower-case hex',
    output: (s) => lowerHex(encodeURIComponent(s)),
    check: whole,
  },
  { name: 'encodeURI', output: (s) => encodeURI(s), check: whole },
  {
    name: 'URLSearchParams',
    output: (s) => new URLSearchParams({ t: s }).toString(),
    check: after('t='),
  },
  {
    name: 'python urllib.parse.quote',
    output: (s) => python('from urllib.parse import quote; print(quote(s))', s),
    check: whole,
  },
  {
    name: "python quote(s, safe='') (RFC 3986, Uri.EscapeDataString)",
    output: (s) => python("from urllib.parse import quote; print(quote(s, safe=''))", s),
    check: whole,
  },
  {
    name: 'RFC 3986, lower-case hex',
    output: (s) =>
      lowerHex(python("from urllib.parse import quote; print(quote(s, safe=''))", s).toString()),
    check: whole,
  },
  {
    name: 'python quote_plus',
    output: (s) => python('from urllib.parse import quote_plus; print(quote_plus(s))', s),
    check: whole,
  },
  {
    name: 'python urlencode',
    output: (s) => python("from urllib.parse import urlencode; print(urlencode({'t': s}))", s),
    check: after('t='),
  },
  { name: 'jq @uri', output: (s) => jq('$s | @uri', s), check: whole },
  { name: 'WHATWG URL password (url.href)', output: whatwgUrlWithPassword, check: userinfo },
  {
    name: 'Go url.UserPassword (emulated)',
    output: (s) => `https://ci:${goUserPassword(s)}@registry.example/`,
    check: userinfo,
  },
  // XML / HTML.
  {
    name: 'python html.escape',
    output: (s) => python('import html; print(html.escape(s))', s),
    check: whole,
  },
  {
    name: 'python html.escape(quote=False)',
    output: (s) => python('import html; print(html.escape(s, quote=False))', s),
    check: whole,
  },
  {
    name: 'python xml.sax.saxutils.escape',
    output: (s) => python('from xml.sax.saxutils import escape; print(escape(s))', s),
    check: whole,
  },
  { name: 'jq @html', output: (s) => jq('$s | @html', s), check: whole },
  // String literals in debug output.
  { name: 'python print(repr(s))', output: (s) => python('print(repr(s))', s), check: quoted },
  {
    name: "python print({'token': s})",
    output: (s) => python("print({'token': s})", s),
    check: { kind: 'text', payload: (f) => stripQuotes(f.slice("{'token': ".length, -1)) },
  },
  {
    // Splits multi-line strings into one quoted piece per line: each line must be masked.
    name: 'node util.inspect',
    output: (s) => inspect(s),
    check: { kind: 'text', payload: (f) => stripQuotes(f).split("\\n' +  '") },
  },
];

// ---------------------------------------------------------------------------
// Reading outputs.

/** The engine ignores line breaks, and so do the checks on outputs. */
export function flat(bytes: Buffer | string): Buffer {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return Buffer.from(buffer.filter((b) => b !== 0x0a && b !== 0x0d));
}

/** What a job printed, as bytes. */
export function outputOf(job: Job, secret: string): Buffer {
  const printed = job.output(secret);
  return typeof printed === 'string' ? Buffer.from(printed, 'utf8') : printed;
}
