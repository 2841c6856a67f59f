/**
 * Decoders for the decode layer: each takes a span as a latin1 string (one
 * character per byte, so nothing is lost) and returns the byte strings it may
 * stand for. They are lenient on purpose: a wrong guess costs one failed
 * match, a missed form leaks a secret. They yield one decoding at a time, so
 * the decode layer's budget stops them before they allocate the rest: a 64 KB
 * base64 span has 4 alignments of 48 KB each, which is garbage unless used. Where an encoding's alignment is not
 * known (a base64 run glued to `token=`, a base32 secret in an otpauth URL),
 * every start offset is tried. Pure functions: no state, no I/O.
 */

/**
 * Where a decoder writes `size` bytes. The decode layer passes a scratch
 * buffer it reuses, so a decoding is only valid until the next one is pulled;
 * by default each decoding gets a buffer of its own.
 */
export type Allocate = (size: number) => Buffer;

export type Decoder = (text: string, allocate?: Allocate) => Iterable<Buffer>;

const fresh: Allocate = (size) => Buffer.alloc(size);

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const byteChar = (hex: string): string => String.fromCharCode(parseInt(hex, 16));
/** A code point as its UTF-8 bytes, one latin1 character per byte. */
const utf8Chars = (code: number): string =>
  Buffer.from(String.fromCodePoint(code > 0x10ffff ? 0xfffd : code), 'utf8').toString('latin1');
const withoutLineBreaks = (text: string): string => text.replace(/[\r\n]/g, '');

/** base64 and base64url (Node accepts both alphabets), wrapped or not, at the 4 alignments. */
export function* base64(text: string, allocate = fresh): Iterable<Buffer> {
  for (const [run] of withoutLineBreaks(text).matchAll(/[A-Za-z0-9+/_-]{12,}/g)) {
    for (let skip = 0; skip < 4; skip++) {
      const out = allocate(Math.ceil(((run.length - skip) * 3) / 4));
      yield out.subarray(0, out.write(run.slice(skip), 'base64'));
    }
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Character code -> 5-bit value (upper case; callers upper-case first). */
const BASE32_VALUE = Uint8Array.from({ length: 128 }, (_, c) =>
  Math.max(0, BASE32.indexOf(String.fromCharCode(c))),
);

/** RFC 4648 base32 (coreutils `base32`, TOTP secrets), either case, at the 8 alignments. */
export function* base32(text: string, allocate = fresh): Iterable<Buffer> {
  for (const [run] of withoutLineBreaks(text).matchAll(/[A-Z2-7]{13,}|[a-z2-7]{13,}/g)) {
    const upper = run.toUpperCase();
    for (let skip = 0; skip < 8; skip++) yield decodeBase32(upper.slice(skip), allocate);
  }
}

function decodeBase32(text: string, allocate: Allocate): Buffer {
  const bytes = allocate(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    value = ((value << 5) | (BASE32_VALUE[text.charCodeAt(i) & 0x7f] ?? 0)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[n++] = (value >>> bits) & 0xff;
    }
  }
  return bytes;
}

/** Hex, plain (at both nibble alignments) or with `:` / `-` / space between bytes. */
export function* hex(text: string, allocate = fresh): Iterable<Buffer> {
  const flat = withoutLineBreaks(text);
  for (const [run] of flat.matchAll(/[0-9A-Fa-f]{16,}/g)) {
    for (let skip = 0; skip < 2; skip++) {
      const out = allocate((run.length - skip) >>> 1);
      yield out.subarray(0, out.write(run.slice(skip), 'hex'));
    }
  }
  for (const [run] of flat.matchAll(/(?:[0-9A-Fa-f]{2}[:\- ]){7,}[0-9A-Fa-f]{2}/g)) {
    yield Buffer.from(run.replace(/[:\- ]/g, ''), 'hex');
  }
}

/**
 * Hex dumps, line by line: the offset column goes, then the text column
 * (`hexdump -C` puts it between `|`, `xxd` after two spaces), and the hex
 * digits left are the bytes, joined across lines.
 */
export function dump(text: string): Buffer[] {
  if (!text.includes(' ')) return []; // every dump layout has spaces; other spans go to `hex`
  let digits = '';
  for (const line of text.split(/\r?\n|\r/)) digits += dumpLineDigits(line);
  return digits.length >= 16 ? [Buffer.from(digits, 'hex')] : [];
}

function dumpLineDigits(line: string): string {
  const offset = /^[0-9A-Fa-f]{6,8}(:?)/.exec(line);
  let body = offset === null ? line : line.slice(offset[0].length);
  const bar = body.indexOf('|');
  if (bar >= 0) body = body.slice(0, bar);
  else if (offset?.[1] === ':') {
    const gap = body.indexOf('  ', 1);
    if (gap >= 0) body = body.slice(0, gap);
  }
  const digits = body.replace(/[^0-9A-Fa-f]/g, '');
  return digits.length % 2 === 0 ? digits : digits.slice(0, -1);
}

/** `%XX`; one level (the layer recurses for `%25XX`). */
export function percent(text: string): Buffer[] {
  if (!/%[0-9A-Fa-f]{2}/.test(text)) return [];
  return [latin1(text.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => byteChar(h)))];
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** HTML/XML numeric character references (`&#x70;`, `&#112;`) and the five XML entities. */
export function entities(text: string): Buffer[] {
  if (!text.includes('&')) return [];
  const decoded = text.replace(
    /&#[xX]([0-9A-Fa-f]{1,6});|&#([0-9]{1,7});|&(amp|lt|gt|quot|apos);/g,
    (whole, h?: string, d?: string, name?: string) => {
      if (h !== undefined) return utf8Chars(parseInt(h, 16));
      if (d !== undefined) return utf8Chars(parseInt(d, 10));
      return NAMED_ENTITIES[name ?? ''] ?? whole;
    },
  );
  return decoded === text ? [] : [latin1(decoded)];
}

/** Quoted-printable: `=XX` and soft line breaks (`=` at the end of a line). */
export function quotedPrintable(text: string): Buffer[] {
  if (!/=[0-9A-Fa-f]{2}|=\r?\n/.test(text)) return [];
  const decoded = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => byteChar(h));
  return [latin1(decoded)];
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  E: '\x1b',
};

/**
 * Backslash escapes of C, bash `$'…'`, Python, JSON and JavaScript: `\xNN`,
 * `\uNNNN`, `\UNNNNNNNN`, octal `\NNN`, the letter escapes, and a backslash
 * before anything else standing for that character. As bytes, and with the
 * bytes read as Latin-1 (Python's `b'\xe4'` of a Latin-1 encoded string).
 */
export function backslash(text: string): Buffer[] {
  if (!text.includes('\\')) return [];
  const decoded = text.replace(
    /\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([0-7]{1,3})|([\s\S]))/g,
    (_, x?: string, u?: string, U?: string, octal?: string, other?: string) => {
      if (x !== undefined) return byteChar(x);
      if (u !== undefined || U !== undefined) return utf8Chars(parseInt(u ?? U ?? '0', 16));
      if (octal !== undefined) return String.fromCharCode(parseInt(octal, 8) & 0xff);
      return SIMPLE_ESCAPES[other ?? ''] ?? other ?? '';
    },
  );
  return [latin1(decoded), Buffer.from(decoded, 'utf8')];
}

/** UTF-16 little- and big-endian, at both byte alignments, as UTF-8. */
export function* utf16(text: string): Iterable<Buffer> {
  if (!text.includes('\0')) return;
  for (const skip of [0, 1]) {
    const bytes = latin1(text.slice(skip));
    const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
    yield Buffer.from(even.toString('utf16le'), 'utf8');
    yield Buffer.from(Buffer.from(even).swap16().toString('utf16le'), 'utf8');
  }
}

/**
 * Terminal control sequences removed: CSI (SGR colours, cursor moves, erase
 * line: what `grep --color=always` puts around a match), OSC (titles,
 * hyperlinks) and two-byte escapes.
 */
export function terminal(text: string): Buffer[] {
  if (!text.includes('\x1b')) return [];
  // eslint-disable-next-line no-control-regex -- control sequences are the point
  const CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;
  return [latin1(text.replace(CONTROL, ''))];
}

/** Every decoder, cheapest rejections first. */
export const DECODERS: readonly Decoder[] = [
  terminal,
  percent,
  entities,
  quotedPrintable,
  backslash,
  utf16,
  hex,
  dump,
  base64,
  base32,
];
