/**
 * The scanner as a Node Transform, plus the one thing bytes alone cannot say:
 * time. When the wrapped command goes quiet with bytes held back (a prompt, a
 * progress line, a secret being printed one character at a time), an idle
 * timer releases them so the log keeps moving, masking them if they could
 * already be 8 or more characters of a secret.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { Scanner, type Compiled } from './scanner.js';

export const DEFAULT_IDLE_MS = 50;

export class MaskingStream extends Transform {
  private readonly current: () => Compiled;
  private readonly idleMs: number;
  private scanner: Scanner | undefined;
  private compiled: Compiled | undefined;
  private timer: NodeJS.Timeout | undefined;

  /**
   * `current` returns the compiled secrets; a new object means secrets were
   * added. Nothing is compiled before the first byte arrives: building the
   * automaton (tens of ms for a JWT's forms) then overlaps the command's start.
   */
  constructor(current: () => Compiled, idleMs: number = DEFAULT_IDLE_MS) {
    super();
    this.current = current;
    this.idleMs = idleMs;
  }

  override _transform(
    chunk: Buffer | string,
    encoding: BufferEncoding,
    done: TransformCallback,
  ): void {
    this.cancelIdle();
    const scanner = this.refresh();
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.emit_(scanner.write(bytes));
    if (scanner.heldBytes > 0) this.armIdle();
    done();
  }

  override _flush(done: TransformCallback): void {
    this.cancelIdle();
    this.emit_(this.refresh().end());
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.cancelIdle();
    done(error);
  }

  /** Picks up secrets added since the last chunk, before scanning another byte. */
  private refresh(): Scanner {
    const latest = this.current();
    if (this.scanner === undefined) this.scanner = new Scanner(latest);
    else if (latest !== this.compiled) this.scanner.recompile(latest);
    this.compiled = latest;
    return this.scanner;
  }

  private emit_(pieces: readonly Buffer[]): void {
    for (const piece of pieces) if (piece.length > 0) this.push(piece);
  }

  private armIdle(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emit_(this.refresh().idle());
    }, this.idleMs);
    this.timer.unref();
  }

  private cancelIdle(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
