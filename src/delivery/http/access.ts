/**
 * Who may use the proxy: only the job step it was started for.
 *
 * - The capability: 256 random bits, base64url, as the first path segment
 *   of the base URL the job gets. Any HTTP client that takes a base URL
 *   carries it without knowing; other local users and processes (the
 *   port is reachable by everyone on the host) do not have it. Compared as
 *   SHA-256 digests with timingSafeEqual, so neither its bytes nor its
 *   length leak through timing.
 * - The Host header must name the listening address: `127.0.0.1:PORT`, or
 *   `localhost:PORT` (some clients rewrite one into the other; browsers
 *   never resolve `localhost` elsewhere, so it cannot be an attacker's
 *   name). Anything else is a browser led here by DNS rebinding
 *   (`evil.example` resolving to 127.0.0.1), refused before the capability
 *   is even looked at.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Refusal } from './replies.js';
import { parseTarget } from './target.js';

export function newCapability(): string {
  return randomBytes(32).toString('base64url');
}

/** A constant-time test for `capability`. */
export function capabilityTest(capability: string): (given: string) => boolean {
  const expected = digest(capability);
  return (given) => timingSafeEqual(expected, digest(given));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'latin1').digest();
}

/** Whether `host` (the Host header) names the proxy's own loopback address and port. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const value = host.trim().toLowerCase();
  return value === `127.0.0.1:${String(port)}` || value === `localhost:${String(port)}`;
}

/** A request let in: its checked path and raw query. */
export interface Admitted {
  ok: true;
  path: string;
  query: string;
}

/** A request turned away before `inspect`, with how to record it. */
export interface Turned {
  ok: false;
  refusal: Refusal;
  outcome: 'blocked' | 'error';
  /** The path, when it could be read and the capability was right. */
  path: string;
}

/** The proxy's own rules, in order: Host, origin-form, capability, path, method, upgrade. */
export function admit(
  request: { method: string; url: string; host: string | undefined; upgrade?: string | undefined },
  guard: { port: number; capable: (given: string) => boolean },
): Admitted | Turned {
  if (!hostAllowed(request.host, guard.port)) {
    return blocked(403, 'wrong_host', 'gatepass:host', WRONG_HOST);
  }
  const target = parseTarget(request.url);
  if (!target.ok && target.error === 'not_origin_form') {
    return blocked(400, 'not_origin_form', 'gatepass:forward-proxy', target.message);
  }
  if (!guard.capable(target.capability)) {
    return blocked(403, 'capability_required', 'gatepass:capability', NO_CAPABILITY);
  }
  if (!target.ok) {
    const refusal = { status: 400, error: target.error, message: target.message };
    return { ok: false, refusal, outcome: 'error', path: '' };
  }
  if (request.method === 'TRACE') {
    // TRACE echoes the request, injected credential included, back to the client.
    const refused = blocked(405, 'method_not_allowed', 'gatepass:trace', NO_TRACE);
    return { ...refused, path: target.path };
  }
  if (!upgradeIgnorable(request.upgrade)) {
    const refused = blocked(501, 'upgrade_not_supported', 'gatepass:upgrade', NO_UPGRADE);
    // The client may not take a 501 as the end of its handshake: close, not keep-alive.
    const refusal = { ...refused.refusal, headers: { connection: 'close' } };
    return { ...refused, refusal, path: target.path };
  }
  return { ok: true, path: target.path, query: target.query };
}

/**
 * WebSocket and other upgrades are refused: `inspect` judges one request,
 * and an upgraded socket carries any number of messages no rule has seen.
 * `h2c` alone is ignored instead (a server may, RFC 9110 §7.8): the request
 * is served over HTTP/1.1, as `curl --http2` expects.
 */
function upgradeIgnorable(upgrade: string | undefined): boolean {
  if (upgrade === undefined) return true;
  const protocols = upgrade.split(',').map((p) => p.trim().toLowerCase());
  return protocols.every((p) => p === 'h2c' || p === '');
}

const WRONG_HOST =
  'gatepass answers only requests addressed to 127.0.0.1 or localhost at its own port';
const NO_CAPABILITY =
  'gatepass answers only requests under the base URL it gave the job step (with its capability)';
const NO_TRACE = 'gatepass does not relay TRACE: it would echo the credential';
const NO_UPGRADE =
  'gatepass does not relay WebSocket or other protocol upgrades: each request must be checked on its own';

function blocked(status: number, error: string, rule: string, message: string): Turned {
  return { ok: false, refusal: { status, error, rule, message }, outcome: 'blocked', path: '' };
}
