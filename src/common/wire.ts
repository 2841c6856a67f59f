/**
 * One request and its answer as the transport's routes (direct.ts, proxy.ts)
 * send and receive them, whatever carries them.
 */

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
