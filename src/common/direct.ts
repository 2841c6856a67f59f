/**
 * Requests that go straight to the server (no proxy applies), through
 * node:http and node:https. Not `fetch`: Node loads its fetch (its own copy
 * of undici, and llhttp compiled to WebAssembly) on first use, 40-70 ms of
 * CPU that every Vault run paid between the ID token and the login
 * (bench/action.ts). One keep-alive agent per scheme and trust setting, so
 * the login and the read share a connection as they did with fetch; our own
 * agents, not the global ones, which Node 24 routes through a proxy under
 * NODE_USE_ENV_PROXY whatever proxy.ts decided.
 *
 * What fetch did implicitly is done here too: `accept: *` when the caller
 * sets none, a content-length (0 for a bodiless POST, PUT or PATCH), and a
 * compressed answer decoded. The caller (http.ts) reads the body inside its
 * attempt, so the attempt's timeout covers a server that stalls mid-answer.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import {
  AnswerHeaders,
  AnswerTooLargeError,
  MAX_ANSWER_BYTES,
  type Incoming,
  type Outgoing,
} from './wire.js';

/** Keep-alive agents: `http:`, `https:` (Node's CA store) and `https:ca` (a CA list), built on first use. */
const agents = new Map<string, HttpAgent | HttpsAgent>();

/** Forget the agents (the CA list changed: a new `ca-certificate`); later requests build new ones. */
export function resetDirectAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/**
 * One request straight to `request.url`, trusting `ca` (replacing Node's
 * store) when given; the same `ca` until {@link resetDirectAgents}.
 */
export async function sendDirect(
  request: Outgoing,
  signal: AbortSignal,
  ca: string[] | undefined,
): Promise<Incoming> {
  const https = request.url.protocol === 'https:';
  // node:https (and with it node:tls) only for https URLs.
  const { request: send, agent } = https
    ? await httpsClient(ca)
    : { request: httpRequest, agent: httpAgent() };
  const payload = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = { accept: '*/*', ...request.headers };
  if (payload !== undefined) headers['content-length'] = String(payload.length);
  else if (['POST', 'PUT', 'PATCH'].includes(request.method)) headers['content-length'] = '0';
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(request.url, { method: request.method, headers, agent, signal }, resolve);
    req.on('error', reject);
    req.end(payload);
  });
  // Read from now on, so a failure before the caller asks for the body has a listener.
  const body = readBody(response, signal);
  body.catch(() => undefined);
  return {
    status: response.statusCode ?? 0,
    headers: new AnswerHeaders(pairs(response.rawHeaders)),
    read: () => body,
    discard: () => {
      response.destroy();
    },
  };
}

function httpAgent(): HttpAgent {
  let agent = agents.get('http:');
  if (agent === undefined) {
    agent = new HttpAgent({ keepAlive: true });
    agents.set('http:', agent);
  }
  return agent;
}

async function httpsClient(
  ca: string[] | undefined,
): Promise<{ request: typeof httpRequest; agent: HttpsAgent }> {
  const https = await import('node:https');
  const key = ca === undefined ? 'https:' : 'https:ca';
  let agent = agents.get(key) as HttpsAgent | undefined;
  if (agent === undefined) {
    agent = new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) });
    agents.set(key, agent);
  }
  return { request: https.request, agent };
}

/** Node's flat [name, value, name, value, …] as pairs. */
function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return out;
}

/** The whole body, decoded as fetch would (gzip, deflate, br); an abort ends the wait. */
async function readBody(response: IncomingMessage, signal: AbortSignal): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const stop = (): void => {
      response.destroy();
      reject(signal.reason as Error);
    };
    if (signal.aborted) {
      stop();
      return;
    }
    signal.addEventListener('abort', stop, { once: true });
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        signal.removeEventListener('abort', stop);
        response.destroy();
        reject(new AnswerTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    response.on('error', reject);
    response.on('end', () => {
      signal.removeEventListener('abort', stop);
      resolve();
    });
    // Closed before its end without an error: the connection dropped mid-answer.
    response.on('close', () => {
      signal.removeEventListener('abort', stop);
      if (!response.complete) reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
  });
  return decode(Buffer.concat(chunks), response.headers['content-encoding']);
}

/**
 * Servers should not compress unasked (we send no accept-encoding), but fetch
 * decoded those that did; never past {@link MAX_ANSWER_BYTES} of output.
 */
async function decode(body: Buffer, encoding: string | undefined): Promise<Uint8Array> {
  const coding = encoding?.trim().toLowerCase() ?? '';
  if (coding === '' || coding === 'identity' || body.length === 0) return body;
  const zlib = await import('node:zlib');
  const { promisify } = await import('node:util');
  const options = { maxOutputLength: MAX_ANSWER_BYTES };
  const inflate =
    coding === 'gzip' || coding === 'x-gzip'
      ? promisify(zlib.gunzip)
      : coding === 'deflate'
        ? promisify(zlib.inflate)
        : coding === 'br'
          ? promisify(zlib.brotliDecompress)
          : undefined;
  if (inflate === undefined) return body;
  try {
    return await inflate(body, options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AnswerTooLargeError();
    }
    throw err;
  }
}
