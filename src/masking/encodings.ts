/**
 * Every byte sequence under which a secret can reach a job's log.
 *
 * A credential is rarely printed only as itself: tools base64 it into docker
 * configs, percent-encode it into URLs, escape it into JSON, quote it for a
 * shell. The masker registers each form returned here, so this module is the
 * single list of "ways a secret can be written". It is pure: no I/O, no
 * logging, no CI knowledge, and it never throws on any input string.
 *
 * Coverage of the GitHub runner's encoders (facts read from actions/runner,
 * src/Sdk/DTLogging/Logging/ValueEncoders.cs and the list HostContext
 * registers), mapped to our encoding names:
 *   the value itself, and each line of a multi-line value  -> `raw`, `lineN:*`
 *   Base64StringEscape                        -> `base64-std-shift0-padded`
 *   Base64StringEscapeShift1 / Shift2         -> `base64-std-skip1-padded` / `-skip2-padded`
 *   EnumerateBase64Variations (newer runners:
 *     the same three, unpadded, std and URL)  -> `base64-{std,url}-shift0-unpadded`,
 *                                                `base64-{std,url}-skip{1,2}-unpadded`
 *                                                (and our `shift{1,2}-*` / `core`
 *                                                forms match whatever precedes)
 *   CommandLineArgumentEscape (" as \")       -> `command-line-escape`
 *   ExpressionStringEscape (' as '')          -> `expression-escape`
 *   JsonStringEscape (Newtonsoft, unquoted)   -> `json-newtonsoft`
 *   UriDataEscape (Uri.EscapeDataString)      -> `percent-rfc3986-upper`
 *   XmlDataEscape (SecurityElement.Escape)    -> `xml-apos`
 *   TrimDoubleQuotes                          -> the `unquoted:*` text (all encoders)
 *   PowerShellPreAmpersandEscape              -> `powershell-pre-ampersand`
 *   PowerShellPostAmpersandEscape             -> `powershell-post-ampersand`
 * Deliberate difference: the runner registers quote-trimmed and ampersand
 * parts from 6 or 7 characters; we never register any part under
 * MIN_PART_LENGTH (such parts hide innocent text), except a whole secret.
 */

import { MIN_PART_LENGTH, hasMinLength } from './length.js';

export { MIN_PART_LENGTH, hasMinLength };

/** One byte sequence to mask. `encoding` names how it was made, for tests and debugging only. */
export interface SecretForm {
  readonly encoding: string;
  readonly bytes: Buffer;
}

/** An encoder's output before filtering: [encoding name, text to register]. */
type Named = readonly [name: string, value: string];

/** A string derived from the secret (itself, a line, ...) that every encoder is applied to. */
interface Text {
  readonly label: string;
  readonly value: string;
}

type Family = (text: string, utf8: Buffer) => Named[];

/** Every form under which `secret` may be printed, deduplicated by bytes. */
export function secretForms(secret: string): SecretForm[] {
  if (secret === '') return [];
  const forms = new FormSet(secret);
  // A short secret is masked only as itself: its encodings would be even
  // shorter or would match too much innocent text.
  if (!hasMinLength(secret)) return forms.list();
  for (const text of textsOf(secret)) {
    const utf8 = Buffer.from(text.value, 'utf8');
    for (const family of PLAIN.test(text.value) ? BYTE_FAMILIES : FAMILIES) {
      for (const [name, value] of family(text.value, utf8)) {
        forms.add(text.label === '' ? name : `${text.label}:${name}`, value);
      }
    }
  }
  return forms.list();
}

/**
 * Runs of MIN_PART_LENGTH characters of the secret (line breaks removed: the
 * matcher ignores them), starting every `stride` characters and at the very
 * end, as UTF-8, deduplicated, punctuation-only runs left out. Registered
 * beside the forms, they mask a secret printed in pieces or cut short
 * (`${S:0:20}`, a value folded by a YAML dumper, the part before an escaped
 * character): no MIN_PART_LENGTH + stride - 1 characters of it in a row reach
 * the log.
 */
export function secretWindows(secret: string, stride = 1): Buffer[] {
  const chars = Array.from(secret.replace(/[\r\n]/g, ''));
  const parts: string[] = [];
  for (let i = 0; i + MIN_PART_LENGTH <= chars.length; i++) {
    parts.push(chars.slice(i, i + MIN_PART_LENGTH).join(''));
  }
  // A skipped punctuation-only window would leave a gap in stride coverage
  // next to it, so such secrets get every window.
  const step = parts.some(isPunctuationOnly) ? 1 : stride;
  const windows = new Map<string, Buffer>();
  const last = parts.length - 1;
  for (let i = 0; i <= last; i = i < last ? Math.min(i + step, last) : i + 1) {
    const part = parts[i] ?? '';
    if (!windows.has(part) && !isPunctuationOnly(part))
      windows.set(part, Buffer.from(part, 'utf8'));
  }
  return [...windows.values()];
}

/**
 * Schemes whose URL path names a database (a vhost for AMQP, a database
 * number for Redis): a name people print and read, not a credential.
 */
const DATABASE_SCHEMES = new Set([
  'postgres:',
  'postgresql:',
  'mysql:',
  'mariadb:',
  'mongodb:',
  'mongodb+srv:',
  'redis:',
  'rediss:',
  'amqp:',
  'amqps:',
  'sqlserver:',
  'clickhouse:',
]);

/**
 * What a secret's windows are cut from. A URL's host and port are not
 * secret, and windows over them would mask every mention of the host (a
 * database URL's `127.0.0.1:5432`): only its user name, password, path
 * segments (webhook URLs keep their secret there; not a database URL, whose
 * path is the database's name), query values and fragment get windows.
 * Every other secret is windowed whole. The URL itself is still masked
 * whole, in every form.
 */
export function windowSources(secret: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+/i.test(secret)) return [secret];
  let url: URL;
  try {
    url = new URL(secret);
  } catch {
    return [secret];
  }
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const parts = [
    decode(url.username),
    decode(url.password),
    ...(DATABASE_SCHEMES.has(url.protocol.toLowerCase())
      ? []
      : url.pathname.split('/').map(decode)),
    ...[...url.searchParams.values()],
    decode(url.hash.slice(1)),
  ];
  return parts.filter((part) => part !== '');
}

/**
 * True when a part (a line of a multi-line secret, an encoded form) may be
 * registered alone: >= MIN_PART_LENGTH characters and not made only of
 * punctuation/whitespace (registering `{` or `-----` would mask innocent text).
 */
export function isRegistrablePart(part: string): boolean {
  return hasMinLength(part) && !isPunctuationOnly(part);
}

/** Collects forms in order, dropping unregistrable and duplicate byte sequences. */
class FormSet {
  private readonly forms: SecretForm[] = [];
  private readonly seenText = new Set<string>();
  private readonly seenBytes = new Set<string>();

  /** The raw whole secret is kept whatever it looks like: the caller asked for it. */
  constructor(secret: string) {
    const bytes = Buffer.from(secret, 'utf8');
    this.forms.push({ encoding: 'raw', bytes });
    this.seenText.add(secret);
    this.seenBytes.add(bytes.toString('latin1'));
  }

  add(encoding: string, value: string): void {
    // Most encoders leave most texts unchanged: a string lookup rejects those cheaply.
    if (this.seenText.has(value)) return;
    this.seenText.add(value);
    if (Buffer.byteLength(value, 'utf8') < MIN_PART_LENGTH || isPunctuationOnly(value)) return;
    const bytes = Buffer.from(value, 'utf8');
    // Distinct strings can share bytes (lone surrogates all become U+FFFD);
    // latin1 maps bytes to code units one to one, so equal keys mean equal bytes.
    const key = bytes.toString('latin1');
    if (this.seenBytes.has(key)) return;
    this.seenBytes.add(key);
    this.forms.push({ encoding, bytes });
  }

  list(): SecretForm[] {
    return this.forms;
  }
}

// ---------------------------------------------------------------------------
// Texts: the strings every encoder is applied to.

/**
 * The secret; its content without surrounding quotes (a value pasted as
 * `"abc"` is usually used without them); for a multi-line secret the whole
 * value with LF and with CRLF line ends (the other side may have converted
 * them before escaping it) and each registrable line (tools print line by line,
 * and the GitHub runner masks line by line).
 */
function textsOf(secret: string): Text[] {
  const texts: Text[] = [{ label: '', value: secret }];
  const inner = unquoted(secret);
  if (inner !== undefined && isRegistrablePart(inner)) {
    texts.push({ label: 'unquoted', value: inner });
  }
  if (!/[\r\n]/.test(secret)) return texts;
  const lf = secret.replace(/\r\n?/g, '\n');
  if (lf !== secret) texts.push({ label: 'lf', value: lf });
  const crlf = lf.replace(/\n/g, '\r\n');
  if (crlf !== secret) texts.push({ label: 'crlf', value: crlf });
  secret.split(/\r\n|\n|\r/).forEach((line, i) => {
    if (isRegistrablePart(line)) texts.push({ label: `line${i + 1}`, value: line });
  });
  return texts;
}

function unquoted(secret: string): string | undefined {
  const first = secret[0];
  if (secret.length < 2 || (first !== '"' && first !== "'") || !secret.endsWith(first)) {
    return undefined;
  }
  return secret.slice(1, -1);
}

// ---------------------------------------------------------------------------
// Base64 and hex.

/**
 * Characters at the start of base64(prefix + secret) that mix bits of the
 * preceding bytes, by number of preceding bytes modulo 3. They cannot be
 * registered: their value depends on text that is not the secret.
 */
const MIXED_LEADING_CHARS = [0, 2, 3] as const;

/**
 * The secret after 0, 1 or 2 other bytes (so at every alignment inside a
 * larger blob such as docker's base64("user:" + secret)), in the standard and
 * URL alphabets:
 * - `core`: only the characters whose 6 bits all come from the secret, which
 *   match whatever precedes and follows (`echo "$S" | base64` appends a newline);
 * - `unpadded` / `padded`: the secret at the end of the encoded data.
 * Plus the runner's variant: base64 of the secret without its first 1 or 2 bytes.
 */
function base64Forms(_text: string, utf8: Buffer): Named[] {
  const out: Named[] = [];
  for (const shift of [0, 1, 2] as const) {
    const skip = MIXED_LEADING_CHARS[shift];
    const padded = Buffer.concat([Buffer.alloc(shift), utf8])
      .toString('base64')
      .slice(skip);
    const coreLength = Math.floor(((shift + utf8.length) * 8) / 6) - skip;
    addBothAlphabets(out, `shift${shift}-core`, padded.slice(0, coreLength));
    addBothAlphabets(out, `shift${shift}-unpadded`, withoutPadding(padded));
    addBothAlphabets(out, `shift${shift}-padded`, padded);
  }
  for (const skip of [1, 2] as const) {
    const padded = utf8.subarray(skip).toString('base64');
    addBothAlphabets(out, `skip${skip}-unpadded`, withoutPadding(padded));
    addBothAlphabets(out, `skip${skip}-padded`, padded);
  }
  return out;
}

function addBothAlphabets(out: Named[], name: string, standard: string): void {
  out.push([`base64-std-${name}`, standard]);
  out.push([`base64-url-${name}`, standard.replace(/\+/g, '-').replace(/\//g, '_')]);
}

function withoutPadding(base64: string): string {
  return base64.replace(/=+$/, '');
}

/** As `xxd -p` and `od`-style dumps print it (the engine ignores their line wraps). */
function hexForms(_text: string, utf8: Buffer): Named[] {
  const lower = utf8.toString('hex');
  return [
    ['hex-lower', lower],
    ['hex-upper', lower.toUpperCase()],
  ];
}

// ---------------------------------------------------------------------------
// Percent-encoding.

interface PercentStyle {
  readonly name: string;
  /** ASCII characters left as they are, besides letters and digits. */
  readonly safe: string;
  /** Space as `+` (application/x-www-form-urlencoded). */
  readonly plus: boolean;
}

const PERCENT_STYLES: readonly PercentStyle[] = [
  // JS encodeURIComponent; .NET Framework's old EscapeDataString.
  { name: 'uri-component', safe: "-_.!~*'()", plus: false },
  // JS encodeURI, for a secret pasted into a whole URL.
  { name: 'uri', safe: "-_.!~*'();/?:@&=+$,#", plus: false },
  // RFC 3986 unreserved only: Uri.EscapeDataString, Python quote(s, safe=''),
  // PHP rawurlencode, curl --data-urlencode, jq @uri.
  { name: 'rfc3986', safe: '-_.~', plus: false },
  // Python urllib.parse.quote(s) with its default safe='/'.
  { name: 'rfc3986-path', safe: '-_.~/', plus: false },
  // Go url.PathEscape.
  { name: 'path-segment', safe: '-_.~$&+:=@', plus: false },
  // WHATWG URLSearchParams, Java URLEncoder.
  { name: 'form', safe: '*-_.', plus: true },
  // Python quote_plus, Go url.QueryEscape.
  { name: 'form-rfc3986', safe: '-_.~', plus: true },
  // PHP urlencode.
  { name: 'form-php', safe: '-_.', plus: true },
  // WHATWG URL userinfo (`url.password = s; url.href`).
  { name: 'userinfo-whatwg', safe: "!$%&'()*+,-._~", plus: false },
  // Go url.UserPassword(u, s).String().
  { name: 'userinfo-go', safe: '-_.~$&+,;=', plus: false },
];

const PERCENT_TABLES: readonly (readonly boolean[])[] = PERCENT_STYLES.map((style) =>
  asciiTable((c) => /[A-Za-z0-9]/.test(c) || style.safe.includes(c)),
);

function percentForms(_text: string, utf8: Buffer): Named[] {
  const out: Named[] = [];
  PERCENT_STYLES.forEach((style, i) => {
    const table = PERCENT_TABLES[i] ?? [];
    out.push([`percent-${style.name}-upper`, percentEncode(utf8, table, style.plus, HEX_UPPER)]);
    out.push([`percent-${style.name}-lower`, percentEncode(utf8, table, style.plus, HEX_LOWER)]);
  });
  return out;
}

/** Over UTF-8 bytes, so that lone surrogates cannot throw as encodeURIComponent does. */
function percentEncode(
  utf8: Buffer,
  safe: readonly boolean[],
  plus: boolean,
  digits: string,
): string {
  let out = '';
  for (const byte of utf8) {
    if (safe[byte] === true) out += String.fromCharCode(byte);
    else if (plus && byte === 0x20) out += '+';
    else out += `%${digits[byte >> 4] ?? ''}${digits[byte & 15] ?? ''}`;
  }
  return out;
}

// ---------------------------------------------------------------------------
// JSON string escapes (without the surrounding quotes).

interface JsonStyle {
  readonly name: string;
  /** `/` as `\/`. */
  readonly slash?: boolean;
  /** Every non-ASCII character as `\uXXXX` (astral ones as a surrogate pair). */
  readonly nonAscii?: boolean;
  /** DEL (0x7f) as `\u007f`. */
  readonly del?: boolean;
  /** ASCII characters written as `\u00XX` by HTML-safe encoders. */
  readonly unicodeAscii?: string;
  /** U+2028 and U+2029 as `\u2028` / `\u2029` (they end lines in JavaScript). */
  readonly lineSeparators?: boolean;
  /** U+0085 as `\u0085`. */
  readonly nextLine?: boolean;
  /** Control characters that have a short escape; the others are `\u00XX`. */
  readonly short?: string;
  /** Hex digits of `\u` escapes in upper case. */
  readonly upper?: boolean;
}

/** The combinations real encoders produce. */
const JSON_STYLES: readonly JsonStyle[] = [
  // JSON.stringify, Python json.dumps(ensure_ascii=False), serde_json, Ruby.
  { name: 'json' },
  // The runner's JsonStringEscape (Newtonsoft JsonConvert.ToString).
  { name: 'json-newtonsoft', lineSeparators: true, nextLine: true },
  // Jackson: upper-case hex for control characters.
  { name: 'json-upper', upper: true },
  // PHP json_encode defaults.
  { name: 'json-php', slash: true, nonAscii: true },
  // PHP JSON_UNESCAPED_UNICODE.
  { name: 'json-php-unicode', slash: true, lineSeparators: true },
  // PHP JSON_UNESCAPED_SLASHES.
  { name: 'json-php-slashes', nonAscii: true },
  // Python json.dumps (ensure_ascii=True, its default).
  { name: 'json-python', nonAscii: true, del: true },
  // Java and .NET encoders that escape non-ASCII in upper case.
  { name: 'json-ascii-upper', nonAscii: true, upper: true },
  // Go encoding/json (since Go 1.22 \b and \f are short).
  { name: 'json-go', unicodeAscii: '<>&', lineSeparators: true },
  { name: 'json-go-legacy', unicodeAscii: '<>&', lineSeparators: true, short: 'nrt' },
  // Gson's default HTML-safe writer.
  { name: 'json-gson', unicodeAscii: "<>&='", lineSeparators: true },
  // .NET System.Text.Json with its default JavaScriptEncoder.
  {
    name: 'json-dotnet',
    nonAscii: true,
    del: true,
    upper: true,
    unicodeAscii: '<>&\'"+`',
  },
];

const JSON_DEFAULT = JSON_STYLES[0] ?? { name: 'json' };

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0c: 'f',
  0x0d: 'r',
};

function jsonForms(text: string): Named[] {
  const out: Named[] = JSON_STYLES.map((style) => [style.name, jsonEscape(text, style)]);
  // A JSON document embedded in a JSON string (a logged request body).
  out.push(['json-twice', jsonEscape(jsonEscape(text, JSON_DEFAULT), JSON_DEFAULT)]);
  return out;
}

function jsonEscape(text: string, style: JsonStyle): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += code < 0x80 ? jsonAscii(char, code, style) : jsonNonAscii(char, code, style);
  }
  return out;
}

function jsonAscii(char: string, code: number, style: JsonStyle): string {
  const upper = style.upper === true;
  if (style.unicodeAscii?.includes(char) === true) return unicodeEscape(code, upper);
  if (char === '"' || char === '\\') return `\\${char}`;
  if (char === '/' && style.slash === true) return '\\/';
  if (code < 0x20) {
    const short = SHORT_ESCAPES[code];
    if (short !== undefined && (style.short ?? 'bfnrt').includes(short)) return `\\${short}`;
    return unicodeEscape(code, upper);
  }
  if (code === 0x7f && style.del === true) return unicodeEscape(code, upper);
  return char;
}

function jsonNonAscii(char: string, code: number, style: JsonStyle): string {
  const upper = style.upper === true;
  // A lone surrogate cannot be written as UTF-8; JSON.stringify escapes it.
  const lone = code >= 0xd800 && code <= 0xdfff;
  const escaped =
    lone ||
    style.nonAscii === true ||
    (style.lineSeparators === true && (code === 0x2028 || code === 0x2029)) ||
    (style.nextLine === true && code === 0x85);
  if (!escaped) return char;
  if (code <= 0xffff) return unicodeEscape(code, upper);
  return unicodeEscape(char.charCodeAt(0), upper) + unicodeEscape(char.charCodeAt(1), upper);
}

function unicodeEscape(code: number, upper: boolean): string {
  return `\\u${hexDigits(code, 4, upper)}`;
}

// ---------------------------------------------------------------------------
// Shell quoting.

/** Characters bash's `printf %q` backslash-escapes anywhere in a word. */
const PRINTF_Q_ALWAYS = asciiTable((c) => ' !"$&\'()*,;<>?[\\]^`{|}'.includes(c));
/** ...and only as the first character (`~` also after `=` or `:`). */
const PRINTF_Q_AT_START = asciiTable((c) => c === '#' || c === '~');

/** Characters glibc does not consider printable in a UTF-8 locale; bash writes their bytes in octal. */
// Built on first use, not at load: a \p{Cn} class costs milliseconds to build
// (ICU), and the action's start does not need it (README § Performance).
let bashUnprintable: RegExp | undefined;
const BASH_UNPRINTABLE = (): RegExp => (bashUnprintable ??= /[\p{Cc}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]/u);

const ANSI_C_ESCAPES: Readonly<Record<number, string>> = {
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'E',
  0x27: "'",
  0x5c: '\\',
};

function shellForms(text: string): Named[] {
  return [
    // bash printf %q / ${v@Q} for non-printables, in a UTF-8 and in the C locale.
    ['printf-q', printfQ(text, false)],
    ['printf-q-c-locale', printfQ(text, true)],
    // Inside '...': bash ${v@Q}, set -x, most hand-written quoting.
    ['single-quote', text.replace(/'/g, "'\\''")],
    // Python shlex.quote.
    ['single-quote-shlex', text.replace(/'/g, `'"'"'`)],
    // set -x tracing a word that already holds a quoted secret (`${v@Q}`, `printf %q`, eval).
    ['single-quote-twice', text.replace(/'/g, "'\\''").replace(/'/g, "'\\''")],
    ['printf-q-single-quoted', printfQ(text, false).replace(/'/g, "'\\''")],
    // Inside "...": sh, bash, Makefiles.
    ['double-quote', text.replace(/[\\"$`]/g, '\\$&')],
    // PowerShell "...", with the backtick as escape character.
    ['powershell-double-quote', text.replace(/[`"$]/g, '`$&')],
    // PowerShell '...', SQL, YAML single-quoted; also the runner's ExpressionStringEscape.
    ['expression-escape', text.replace(/'/g, "''")],
    // CSV fields (Python csv, Export-Csv); PowerShell "..." also takes `""`.
    ['double-quote-doubled', text.replace(/"/g, '""')],
    // The runner's CommandLineArgumentEscape (docker -e "NAME=value").
    ['command-line-escape', text.replace(/"/g, '\\"')],
    // Backslashes doubled and nothing else (Azure Pipelines agent's BackslashEscape).
    ['backslash-escape', text.replace(/\\/g, '\\\\')],
  ];
}

/** The text between the quotes (or the whole word) that bash's `printf %q` prints. */
function printfQ(text: string, cLocale: boolean): string {
  return needsAnsiC(text, cLocale) ? ansiCQuote(text, cLocale) : backslashQuote(text);
}

function needsAnsiC(text: string, cLocale: boolean): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return true;
    if (code >= 0x80 && (cLocale || BASH_UNPRINTABLE().test(char))) return true;
  }
  return false;
}

function backslashQuote(text: string): string {
  let out = '';
  let previous = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    const atStart = previous === '' || (char === '~' && (previous === '=' || previous === ':'));
    const escaped = PRINTF_Q_ALWAYS[code] === true || (atStart && PRINTF_Q_AT_START[code] === true);
    out += escaped ? `\\${char}` : char;
    previous = char;
  }
  return out;
}

/** The content of bash's `$'...'`: C escapes, octal for bytes it cannot print. */
function ansiCQuote(text: string, cLocale: boolean): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const named = ANSI_C_ESCAPES[code];
    if (named !== undefined) out += `\\${named}`;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code >= 0x80 && !cLocale && !BASH_UNPRINTABLE().test(char)) out += char;
    else out += octalBytes(char);
  }
  return out;
}

function octalBytes(char: string): string {
  let out = '';
  for (const byte of Buffer.from(char, 'utf8')) out += `\\${byte.toString(8).padStart(3, '0')}`;
  return out;
}

// ---------------------------------------------------------------------------
// XML / HTML.

interface XmlStyle {
  readonly name: string;
  readonly apostrophe: string;
  readonly quote: string;
}

const XML_STYLES: readonly XmlStyle[] = [
  // Text content only: Python xml.sax.saxutils.escape, html.escape(quote=False).
  { name: 'xml-text', apostrophe: "'", quote: '"' },
  // Attribute values: Java escapeHtml4, Python saxutils.quoteattr content.
  { name: 'xml-quot', apostrophe: "'", quote: '&quot;' },
  // The runner's SecurityElement.Escape; XML 1.0 predefined entities.
  { name: 'xml-apos', apostrophe: '&apos;', quote: '&quot;' },
  // lodash, Ruby CGI, many template engines.
  { name: 'html-39', apostrophe: '&#39;', quote: '&quot;' },
  // Python html.escape, React.
  { name: 'html-x27', apostrophe: '&#x27;', quote: '&quot;' },
  // PHP htmlspecialchars with ENT_QUOTES.
  { name: 'html-039', apostrophe: '&#039;', quote: '&quot;' },
  // Go html.EscapeString and html/template.
  { name: 'html-go', apostrophe: '&#39;', quote: '&#34;' },
];

function xmlForms(text: string): Named[] {
  return XML_STYLES.map((style) => [style.name, xmlEscape(text, style)]);
}

function xmlEscape(text: string, style: XmlStyle): string {
  return text.replace(/[&<>"']/g, (c) => {
    if (c === '&') return '&amp;';
    if (c === '<') return '&lt;';
    if (c === '>') return '&gt;';
    return c === '"' ? style.quote : style.apostrophe;
  });
}

// ---------------------------------------------------------------------------
// Programming-language string literals, as debug output prints them.

/** Not printable for Python's str.isprintable and Go's unicode.IsPrint (space excepted). */
// Built on first use, like BASH_UNPRINTABLE.
let literalUnprintable: RegExp | undefined;
const LITERAL_UNPRINTABLE = (): RegExp =>
  (literalUnprintable ??= /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u);

function literalForms(text: string): Named[] {
  return [
    ['python-repr', pythonRepr(text)],
    ['node-inspect', nodeInspect(text)],
    ['go-quote', goQuote(text)],
  ];
}

/** Content of Python's repr(str) (and so of print(dict)); it picks `"` when that avoids escapes. */
function pythonRepr(text: string): string {
  const escapeApostrophe = text.includes("'") && text.includes('"');
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\' || (char === "'" && escapeApostrophe)) out += `\\${char}`;
    else if (code === 0x09 || code === 0x0a || code === 0x0d)
      out += `\\${SHORT_ESCAPES[code] ?? ''}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${hexDigits(code, 2, false)}`;
    else if (code < 0x80 || !LITERAL_UNPRINTABLE().test(char)) out += char;
    else out += codePointEscape(code, 'x', false);
  }
  return out;
}

/** Content of Node's util.inspect(string): `'`, else `"`, else a backtick, whichever avoids escapes. */
function nodeInspect(text: string): string {
  const escapeApostrophe = text.includes("'") && text.includes('"') && text.includes('`');
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const short = code === 0x0b ? undefined : SHORT_ESCAPES[code];
    if (char === '\\' || (char === "'" && escapeApostrophe)) out += `\\${char}`;
    else if (short !== undefined) out += `\\${short}`;
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\x${hexDigits(code, 2, true)}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${hexDigits(code, 4, false)}`;
    else out += char;
  }
  return out;
}

/** Content of Go's strconv.Quote / fmt %q. */
function goQuote(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const named = code === 0x27 ? undefined : ANSI_C_ESCAPES[code];
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (named !== undefined && code !== 0x1b) out += `\\${named}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${hexDigits(code, 2, false)}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (code < 0x80 || !LITERAL_UNPRINTABLE().test(char)) out += char;
    else out += codePointEscape(code, 'u', false);
  }
  return out;
}

/** `\xHH` (when allowed), `\uHHHH` or `\UHHHHHHHH`, the shortest that fits. */
function codePointEscape(code: number, smallest: 'x' | 'u', upper: boolean): string {
  if (smallest === 'x' && code <= 0xff) return `\\x${hexDigits(code, 2, upper)}`;
  if (code <= 0xffff) return `\\u${hexDigits(code, 4, upper)}`;
  return `\\U${hexDigits(code, 8, upper)}`;
}

// ---------------------------------------------------------------------------
// The runner's PowerShell encoders and the raw text.

function rawForms(text: string): Named[] {
  return [['raw', text]];
}

/**
 * When PowerShell fails on a command holding the secret, it colours the part
 * after the last `&` (or after `&+` and one more character) separately, so
 * the secret appears in two pieces. Same split as the runner's encoders.
 */
function powershellAmpersandForms(text: string): Named[] {
  const plus = text.indexOf('&+');
  const last = text.lastIndexOf('&');
  if (last < 0) return [];
  const pre = plus >= 0 ? text.slice(0, plus + 2) : text.slice(0, last + 1);
  const post = plus >= 0 ? text.slice(plus + 3) : text.slice(last + 1);
  return [
    ['powershell-pre-ampersand', pre],
    ['powershell-post-ampersand', post],
  ];
}

/** Encoders that change every text, whatever characters it holds. */
const BYTE_FAMILIES: readonly Family[] = [rawForms, base64Forms, hexForms];

/**
 * Letters, digits and `-_.` pass unchanged through every escaper below, so a
 * plain token (most credentials) needs only BYTE_FAMILIES.
 */
const PLAIN = /^[A-Za-z0-9_.-]*$/;

const FAMILIES: readonly Family[] = [
  ...BYTE_FAMILIES,
  percentForms,
  jsonForms,
  shellForms,
  xmlForms,
  literalForms,
  powershellAmpersandForms,
];

// ---------------------------------------------------------------------------
// Small helpers.

const HEX_LOWER = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';

function hexDigits(code: number, width: number, upper: boolean): string {
  const digits = code.toString(16).padStart(width, '0');
  return upper ? digits.toUpperCase() : digits;
}

/** A 128-entry lookup table over ASCII, for per-byte checks without regexes. */
function asciiTable(member: (char: string) => boolean): boolean[] {
  return Array.from({ length: 128 }, (_, code) => member(String.fromCharCode(code)));
}

/** No letter, digit or other meaningful character: only punctuation, symbols, spaces, controls. */
function isPunctuationOnly(text: string): boolean {
  return !/[^\p{P}\p{S}\p{Z}\p{C}]/u.test(text);
}
