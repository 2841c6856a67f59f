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
  /** Starts a run for a trigger that occupies [start, end). */
  begin(start: number, end: number): DetectorRun;
}

function charset(pattern: RegExp): Uint8Array {
  const set = new Uint8Array(256);
  for (let b = 0; b < 256; b++) if (pattern.test(String.fromCharCode(b))) set[b] = 1;
  return set;
}

interface TokenShape {
  readonly name: string;
  readonly triggers: readonly string[];
  readonly body: Uint8Array;
  /** Shortest credential, trigger included. */
  readonly minLength: number;
  /** Longer runs are masked up to here and the run ends, keeping memory bounded. */
  readonly maxLength: number;
  /** Extra shape check on the finished run. */
  readonly accept?: (stats: TokenStats) => boolean;
}

interface TokenStats {
  readonly length: number;
  readonly dots: number;
  readonly firstSegment: number;
}

const DOT = 0x2e;

/** A detector for a prefix followed by a run of characters from one set. */
function tokenDetector(shape: TokenShape): Detector {
  return {
    name: shape.name,
    triggers: shape.triggers,
    begin(start: number): DetectorRun {
      let dots = 0;
      let firstSegment = -1;
      const decide = (end: number): Range | false => {
        const stats = {
          length: end - start,
          dots,
          firstSegment: firstSegment < 0 ? end - start : firstSegment,
        };
        const ok = stats.length >= shape.minLength && (shape.accept?.(stats) ?? true);
        return ok ? { start, end } : false;
      };
      return {
        start,
        feed(byte: number, pos: number): RunResult {
          if (shape.body[byte] !== 1) return decide(pos);
          if (byte === DOT && dots++ === 0) firstSegment = pos - start;
          return pos + 1 - start >= shape.maxLength ? { start, end: pos + 1 } : null;
        },
        finish: decide,
      };
    },
  };
}

const ALNUM = charset(/[A-Za-z0-9]/);
const BASE64URL_AND_DOT = charset(/[A-Za-z0-9_.-]/);

const githubTokens = tokenDetector({
  name: 'github',
  triggers: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
  body: ALNUM,
  minLength: 4 + 20,
  maxLength: 512,
});

const githubFineGrained = tokenDetector({
  name: 'github-pat',
  triggers: ['github_pat_'],
  body: charset(/[A-Za-z0-9_]/),
  minLength: 11 + 20,
  maxLength: 512,
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
  // Long-term (AKIA) and temporary (ASIA) access key ids, and the other
  // unique-id prefixes that are issued as key ids.
  triggers: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
  body: charset(/[A-Z0-9]/),
  minLength: 20,
  maxLength: 128,
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
