/**
 * Which way a request goes out: straight, or through the proxy the
 * environment names, with the certificates the runner trusts. The rules are
 * @actions/http-client's (what the runner and `core.getIDToken` do):
 *
 * - `https_proxy` / `HTTPS_PROXY` for https URLs, `http_proxy` / `HTTP_PROXY`
 *   for http (lower case first); credentials in the proxy URL are sent as
 *   `Proxy-Authorization` and never appear in a message;
 * - `no_proxy` / `NO_PROXY`: comma-separated host names, each matching the
 *   host and its subdomains (`corp.example` and `.corp.example` both match
 *   `vault.corp.example`), with `host:port` matching that port only, and `*`
 *   matching everything; loopback (localhost, 127.*, ::1) never uses a proxy;
 * - NODE_EXTRA_CA_CERTS and the `ca-certificate` input are trusted beside
 *   Node's bundled CAs.
 *
 * Straight requests go through node:http / node:https (direct.ts); proxied
 * ones through undici's fetch and ProxyAgent (CONNECT), loaded only then (the
 * bundles load undici on first use: scripts/build.mjs).
 */
import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { resetDirectAgents, sendDirect } from './direct.js';
import {
  AnswerHeaders,
  AnswerTooLargeError,
  MAX_ANSWER_BYTES,
  type Incoming,
  type Outgoing,
} from './wire.js';

export interface Route {
  send(request: Outgoing, signal: AbortSignal): Promise<Incoming>;
  /** The proxy in use: its origin only, safe to print. */
  proxy?: string;
  /** Removes the proxy's credentials from a text. */
  scrub(text: string): string;
}

/** The environment variables this reads; the process's own by default. */
export type Environment = Record<string, string | undefined>;

let certificate: string | undefined;
/** The CA list `certificate` asks for, built on first use. */
let trusted: Promise<string[]> | undefined;
/** Proxy dispatchers, one per proxy, built on first use. */
const dispatchers = new Map<string, Dispatcher>();

/** Trust `pem` (the `ca-certificate` input) for every later request; undefined or empty: none. */
export function trustCertificate(pem: string | undefined): void {
  const next = pem === undefined || pem.trim() === '' ? undefined : pem;
  if (next === certificate) return;
  certificate = next;
  trusted = undefined;
  dispatchers.clear();
  resetDirectAgents();
}

/** The way to `url` under `env`. */
export async function routeFor(url: URL, env: Environment = process.env): Promise<Route> {
  const proxy = proxyFor(url, env);
  const ca = await trustedCertificates(env);
  if (proxy === undefined) {
    return { send: (request, signal) => sendDirect(request, signal, ca), scrub: (text) => text };
  }
  const dispatcher = await dispatcherFor(proxy, ca);
  const { fetch } = await import('undici');
  return {
    send: async (request, signal) => {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: 'manual',
        signal,
        dispatcher,
      });
      return {
        status: response.status,
        headers: new AnswerHeaders(response.headers),
        read: () => readCapped(response),
        discard: () => {
          void response.body?.cancel().catch(() => undefined);
        },
      };
    },
    proxy: proxy.origin,
    scrub: (text) => scrubCredentials(text, proxy),
  };
}

/** A fetch answer's body (fetch decompresses it), up to {@link MAX_ANSWER_BYTES}. */
async function readCapped(response: {
  body: ReadableStream<Uint8Array> | null;
}): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new AnswerTooLargeError();
    }
    chunks.push(value);
  }
}

/** An undici dispatcher on the way to `url`: what {@link dispatcherTo} gives. */
export interface Outbound {
  dispatcher: Dispatcher;
  /** The proxy in use: its origin only, safe to print. */
  proxy?: string;
  /** Removes the proxy's credentials from a text. */
  scrub(text: string): string;
}

/**
 * The same way to `url` as {@link routeFor}, as an undici dispatcher rather
 * than a fetch: for callers that relay raw HTTP (the data path's proxy,
 * delivery/http/), which must not have fetch decode bodies or rewrite
 * headers. Always undici, even when no proxy or certificate applies.
 */
export async function dispatcherTo(url: URL, env: Environment = process.env): Promise<Outbound> {
  const proxy = proxyFor(url, env);
  const ca = await trustedCertificates(env);
  const dispatcher = await dispatcherFor(proxy, ca);
  return {
    dispatcher,
    ...(proxy === undefined ? {} : { proxy: proxy.origin }),
    scrub: (text) => scrubCredentials(text, proxy),
  };
}

/** The proxy for `url`, or undefined when it goes straight (none set, NO_PROXY, loopback). */
export function proxyFor(url: URL, env: Environment = process.env): URL | undefined {
  const https = url.protocol === 'https:';
  const value = https
    ? (nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTPS_PROXY))
    : (nonEmpty(env.http_proxy) ?? nonEmpty(env.HTTP_PROXY));
  if (value === undefined || bypasses(url, env)) return undefined;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    return undefined;
  }
}

/**
 * NO_PROXY's rules, exactly as @actions/http-client's `checkBypass` applies
 * them (the runner's ID-token request follows those): the same entry must
 * send both that request and gatepass's own the same way. So `*.corp` is no
 * wildcard (only `*` alone is), and an IPv6 host is written in brackets.
 */
export function bypasses(url: URL, env: Environment = process.env): boolean {
  // `[::1]` as URL.hostname writes it: brackets kept, as http-client compares it.
  const host = url.hostname.toUpperCase();
  if (isLoopback(host)) return true;
  const noProxy = nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY);
  if (noProxy === undefined) return false;
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  const candidates = [host, `${host}:${port}`];
  return noProxy
    .split(',')
    .map((item) => item.trim().toUpperCase())
    .filter((item) => item !== '')
    .some(
      (item) =>
        item === '*' ||
        candidates.some(
          (c) => c === item || c.endsWith(`.${item}`) || (item.startsWith('.') && c.endsWith(item)),
        ),
    );
}

function isLoopback(host: string): boolean {
  return host === 'LOCALHOST' || host.startsWith('127.') || host === '[::1]';
}

/**
 * The CA list to trust instead of Node's store, when `ca-certificate` asks
 * for one: Node's bundled CAs, it, and NODE_EXTRA_CA_CERTS. Undefined: Node's
 * own store (its CAs and NODE_EXTRA_CA_CERTS) as it is.
 */
function trustedCertificates(env: Environment): Promise<string[] | undefined> {
  const pem = certificate;
  if (pem === undefined) return Promise.resolve(undefined);
  // node:tls only now: a run over http without `ca-certificate` never loads it.
  trusted ??= import('node:tls').then(({ rootCertificates }) => [
    ...rootCertificates,
    pem,
    ...nodeExtraCertificates(env),
  ]);
  return trusted;
}

/**
 * A `ca` list replaces Node's store, NODE_EXTRA_CA_CERTS included: read that
 * file again so its certificates stay trusted. Node itself warns at start
 * when it cannot read it, so a failure here adds nothing.
 */
function nodeExtraCertificates(env: Environment): string[] {
  const file = nonEmpty(env.NODE_EXTRA_CA_CERTS);
  if (file === undefined) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return [];
  }
}

/** A proxy's dispatcher; without a proxy, undici's own (only the data path's relay asks for that). */
async function dispatcherFor(
  proxy: URL | undefined,
  ca: string[] | undefined,
): Promise<Dispatcher> {
  const key = proxy?.href ?? 'direct';
  const known = dispatchers.get(key);
  if (known !== undefined) return known;
  const { Agent, ProxyAgent } = await import('undici');
  const tls = ca === undefined ? {} : { ca };
  const dispatcher =
    proxy === undefined
      ? new Agent({ connect: tls })
      : new ProxyAgent({ uri: proxy.href, requestTls: tls, proxyTls: tls });
  dispatchers.set(key, dispatcher);
  return dispatcher;
}

function scrubCredentials(text: string, proxy: URL | undefined): string {
  if (proxy === undefined) return text;
  let out = text.split(proxy.href).join(proxy.origin);
  for (const part of [proxy.password, proxy.username]) {
    if (part === '') continue;
    out = out.split(part).join('***').split(decodeURIComponent(part)).join('***');
  }
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
