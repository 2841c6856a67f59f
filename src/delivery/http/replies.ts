/**
 * The answers gatepass writes itself (refusals, upstream failures): one
 * line of JSON, `{"error": code, "message": …}` (plus `rule` when a rule
 * blocked the request), built only from fixed text, the rule's own words
 * and the upstream's origin, never from the credential or the request's
 * headers, so no error page of the proxy can carry a secret.
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface Refusal {
  status: number;
  error: string;
  message: string;
  rule?: string;
  headers?: Record<string, string>;
}

export function body(refusal: Refusal): string {
  const { error, rule, message } = refusal;
  return `${JSON.stringify(rule === undefined ? { error, message } : { error, rule, message })}\n`;
}

/**
 * Writes `refusal` and returns its byte count. `closeConnection` for a
 * request whose body was not read, so that node:http does not read (say) a
 * gigabyte of refused upload to reuse the connection.
 */
export function reply(
  res: ServerResponse,
  answer: { refusal: Refusal; closeConnection: boolean },
): number {
  const { refusal, closeConnection } = answer;
  const text = body(refusal);
  res.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...(closeConnection ? { connection: 'close' } : {}),
    ...refusal.headers,
  });
  res.end(text);
  return Buffer.byteLength(text);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
};

/** The same on a bare socket (CONNECT, Upgrade, unparseable requests), then closes it. */
export function replyRaw(socket: Duplex, refusal: Refusal): number {
  const text = body(refusal);
  const head = [
    `HTTP/1.1 ${String(refusal.status)} ${REASONS[refusal.status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${String(Buffer.byteLength(text))}`,
    'connection: close',
  ];
  // Destroyed once written: a client that never closes its side must not keep close() waiting.
  if (socket.writable) {
    socket.end(`${head.join('\r\n')}\r\n\r\n${text}`, () => {
      socket.destroy();
    });
  } else socket.destroy();
  return Buffer.byteLength(text);
}
