/**
 * Detectors mask well-known credential formats that nobody registered: a
 * token the job fetched itself, a key a tool printed. Each detector has
 * literal triggers (found by the same automaton as the secret forms) and a
 * run: a small state machine fed the bytes after the trigger that decides,
 * once the token ends, whether it was a credential and which bytes to mask.
 */

/** A half-open byte range in stream offsets. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * `null`: keep feeding. `false`: not a credential, the run is over.
 * A range: mask it, the run is over (the byte just fed is not part of it).
 */
export type RunResult = Range | false | null;

export interface DetectorRun {
  readonly start: number;
  /** Feeds the byte at stream offset `pos` (the byte after the previous one). */
  feed(byte: number, pos: number): RunResult;
  /** The input ended at offset `end`. */
  finish(end: number): Range | false;
}

export interface Detector {
  readonly name: string;
  readonly triggers: readonly string[];
  /**
   * Starts a run for a trigger that occupies [start, end). `before` is the
   * byte in front of the trigger (-1 at the start of the stream, or when it
   * is no longer known): a token glued to a longer word is not a token.
   */
  begin(start: number, end: number, before: number): DetectorRun | undefined;
}

function charset(pattern: RegExp): Uint8Array {
  const set = new Uint8Array(256);
  for (let b = 0; b < 256; b++) if (pattern.test(String.fromCharCode(b))) set[b] = 1;
  return set;
}

/** Letters, digits and `_`: what a token may not be glued to on either side. */
const WORD = charset(/[A-Za-z0-9_]/);

interface TokenShape {
  readonly name: string;
  readonly triggers: readonly string[];
  readonly body: Uint8Array;
  /** Shortest credential, trigger included. */
  readonly minLength: number;
  /**
   * Longest credential. A longer run is no credential when the format has a
   * fixed length (`exact`); otherwise it is masked up to here and the run
   * ends, keeping memory bounded.
   */
  readonly maxLength: number;
  readonly exact?: boolean;
  /** Extra shape check on the finished run. */
  readonly accept?: (stats: TokenStats) => boolean;
  /** Check of the token's text (only kept for shapes that have this check). */
  readonly verify?: (token: string) => boolean;
}

interface TokenStats {
  readonly length: number;
  readonly dots: number;
  readonly firstSegment: number;
}

const DOT = 0x2e;

/**
 * A detector for a prefix followed by a run of characters from one set, with
 * a token boundary on both sides: the byte before the prefix and the byte
 * that ends the run may be neither a word character nor a body character.
 */
function tokenDetector(shape: TokenShape): Detector {
  const glued = (byte: number): boolean =>
    byte >= 0 && (WORD[byte] === 1 || shape.body[byte] === 1);
  return {
    name: shape.name,
    triggers: shape.triggers,
    begin(start: number, triggerEnd: number, before: number): DetectorRun | undefined {
      if (glued(before)) return undefined;
      let dots = 0;
      let firstSegment = -1;
      let text = '';
      const keep = shape.verify !== undefined;
      const decide = (end: number): Range | false => {
        const stats = {
          length: end - start,
          dots,
          firstSegment: firstSegment < 0 ? end - start : firstSegment,
        };
        const ok =
          stats.length >= shape.minLength &&
          (shape.accept?.(stats) ?? true) &&
          (shape.verify?.(text) ?? true);
        return ok ? { start, end } : false;
      };
      return {
        start,
        feed(byte: number, pos: number): RunResult {
          if (shape.body[byte] !== 1) return glued(byte) ? false : decide(pos);
          if (byte === DOT && dots++ === 0) firstSegment = pos - start;
          if (keep && pos >= triggerEnd) text += String.fromCharCode(byte);
          const length = pos + 1 - start;
          if (length < shape.maxLength || (length === shape.maxLength && shape.exact === true)) {
            return null;
          }
          // An exact-length format one character too long is some other word.
          return shape.exact === true ? false : { start, end: pos + 1 };
        },
        finish: decide,
      };
    },
  };
}

const ALNUM = charset(/[A-Za-z0-9]/);
const BASE64URL_AND_DOT = charset(/[A-Za-z0-9_.-]/);
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * GitHub's own format (github.blog, "Behind GitHub's new authentication token
 * formats"): 30 random base62 characters, then the CRC32 of those 30
 * characters in base62, zero-padded to 6. Checking it is what lets a detector
 * ignore every other 36-character word after a `ghp_`.
 */
export function githubChecksumOk(body: string): boolean {
  if (body.length !== 36) return false;
  let crc = crc32(body.slice(0, 30));
  let digits = '';
  for (let i = 0; i < 6; i++) {
    digits = BASE62.charAt(crc % 62) + digits;
    crc = Math.floor(crc / 62);
  }
  return crc === 0 && digits === body.slice(30);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE, as zlib) of an ASCII string; the table is built on first use. */
function crc32(text: string): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (crc >>> 8) ^ (crcTable[(crc ^ text.charCodeAt(i)) & 0xff] ?? 0);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const githubTokens = tokenDetector({
  name: 'github',
  // Personal, OAuth, user-to-server, server-to-server (Actions' GITHUB_TOKEN)
  // and refresh tokens: prefix + 30 random + 6 checksum characters.
  triggers: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
  body: ALNUM,
  minLength: 4 + 36,
  maxLength: 4 + 36,
  exact: true,
  verify: githubChecksumOk,
});

const githubFineGrained = tokenDetector({
  name: 'github-pat',
  // github_pat_ + 22 characters + `_` + 59 characters.
  triggers: ['github_pat_'],
  body: charset(/[A-Za-z0-9_]/),
  minLength: 11 + 82,
  maxLength: 11 + 82,
  exact: true,
  verify: (body) => /^[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/.test(body),
});

const gitlabTokens = tokenDetector({
  name: 'gitlab',
  // Personal, project/group, deploy, runner, CI build, feed, incoming mail,
  // agent, SCIM and OAuth application secrets.
  triggers: [
    'glpat-',
    'glptt-',
    'gldt-',
    'glrt-',
    'glcbt-',
    'glft-',
    'glimt-',
    'glagent-',
    'glsoat-',
    'gloas-',
  ],
  body: BASE64URL_AND_DOT,
  minLength: 5 + 20,
  maxLength: 512,
});

const slackTokens = tokenDetector({
  name: 'slack',
  triggers: ['xoxa-', 'xoxb-', 'xoxp-', 'xoxr-', 'xoxs-', 'xoxe-', 'xoxe.xoxp-', 'xapp-'],
  body: charset(/[A-Za-z0-9.-]/),
  minLength: 5 + 10,
  maxLength: 512,
});

const awsAccessKeyIds = tokenDetector({
  name: 'aws',
  // Access key ids (AKIA long-term, ASIA temporary) and the other unique-id
  // prefixes AWS documents (IAM "Unique identifiers"): always 20 characters.
  triggers: [
    'AKIA',
    'ASIA',
    'ABIA',
    'ACCA',
    'AGPA',
    'AIDA',
    'AIPA',
    'ANPA',
    'ANVA',
    'APKA',
    'AROA',
    'ASCA',
  ],
  body: charset(/[A-Z0-9]/),
  minLength: 20,
  maxLength: 20,
  exact: true,
});

const jwts = tokenDetector({
  name: 'jwt',
  // Every JOSE header is a JSON object, so its base64url starts with `eyJ`.
  triggers: ['eyJ'],
  body: BASE64URL_AND_DOT,
  minLength: 24,
  maxLength: 16384,
  // JWS compact has three segments, JWE five; a header shorter than
  // `{"alg":"x"}` encoded is not a JWT.
  accept: (s) => s.dots >= 2 && s.firstSegment >= 14,
});

const PEM_BODY = charset(/[A-Za-z0-9+/=\s:,.\\-]/); // `\` for `\n` in a JSON key file
const PEM_LABEL = charset(/[A-Z0-9 ]/);
const END_MARKER = Buffer.from('-----END');
const DASH = 0x2d;

/**
 * `-----BEGIN <label>-----` where the label names a private key; masks the body
 * up to `-----END`, so the armour lines stay readable and every key line is
 * replaced. A body cut short (odd byte, end of input, 64 KiB) is masked as far
 * as it went: a partial key is still secret.
 */
const pemPrivateKeys: Detector = {
  name: 'pem-private-key',
  triggers: ['-----BEGIN '],
  begin(start: number, triggerEnd: number): DetectorRun {
    let label = '';
    let dashes = 0;
    let bodyStart = -1;
    let endProgress = 0;
    const maskBody = (end: number): Range | false =>
      bodyStart >= 0 && end > bodyStart ? { start: bodyStart, end } : false;
    const feedLabel = (byte: number, pos: number): RunResult => {
      if (byte === DASH) {
        if (++dashes < 5) return null;
        if (!label.includes('PRIVATE KEY')) return false;
        bodyStart = pos + 1;
        return null;
      }
      if (dashes > 0 || PEM_LABEL[byte] !== 1 || label.length > 64) return false;
      label += String.fromCharCode(byte);
      return null;
    };
    return {
      start,
      feed(byte: number, pos: number): RunResult {
        if (bodyStart < 0) return feedLabel(byte, pos);
        endProgress = nextEndProgress(endProgress, byte);
        if (endProgress === END_MARKER.length) return maskBody(pos + 1 - END_MARKER.length);
        if (PEM_BODY[byte] !== 1 || pos - triggerEnd > 65536) return maskBody(pos);
        return null;
      },
      finish: maskBody,
    };
  },
};

/** Progress through `-----END` after `byte`; extra leading dashes keep it at five. */
function nextEndProgress(progress: number, byte: number): number {
  if (byte === END_MARKER[progress]) return progress + 1;
  if (byte === DASH) return progress === 5 ? 5 : 1;
  return 0;
}

export const DETECTORS: readonly Detector[] = [
  githubTokens,
  githubFineGrained,
  gitlabTokens,
  slackTokens,
  awsAccessKeyIds,
  jwts,
  pemPrivateKeys,
];
