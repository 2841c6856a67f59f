/**
 * One request and its answer as the transport's routes (direct.ts, proxy.ts)
 * send and receive them, whatever carries them.
 */

import { GatepassError } from './errors.js';

/**
 * The most of an answer's body the transport reads, after decompression:
 * far above any gateway's or approval API's answer (a page of 100 GitHub
 * comments of 64 KB each is about 7 MB), far below what would exhaust a
 * runner's memory when a server or something in between sends without end
 * or a small compressed body that inflates to gigabytes.
 */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** An answer over {@link MAX_ANSWER_BYTES}: reading stopped there. Not retried: the next would be as large. */
export class AnswerTooLargeError extends GatepassError {
  constructor() {
    super(
      'GATEWAY',
      `the answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB; gatepass stopped reading it`,
      {
        hint: "No gateway or approval API answers that much: check that the URL is the service's API and what stands between the runner and it (a proxy, a captive portal)",
      },
    );
    this.name = 'AnswerTooLargeError';
  }
}

/** A request, its body already in bytes or text and its headers complete. */
export interface Outgoing {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** An answer whose body is being read: the caller awaits it, or drops it (a refused redirect). */
export interface Incoming {
  status: number;
  headers: AnswerHeaders;
  read(): Promise<Uint8Array>;
  discard(): void;
}

/**
 * An answer's headers, read by name as `Headers` reads them (case-insensitive,
 * repeated names joined with ", "). Not the `Headers` class itself: it is
 * part of Node's fetch, which loads its own copy of undici on first use (see
 * direct.ts), and a direct request must not pay for that.
 */
export class AnswerHeaders implements Iterable<[string, string]> {
  readonly #values = new Map<string, string>();

  constructor(pairs: Iterable<readonly [string, string]>) {
    for (const [name, value] of pairs) {
      const key = name.toLowerCase();
      const before = this.#values.get(key);
      this.#values.set(key, before === undefined ? value : `${before}, ${value}`);
    }
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
}
