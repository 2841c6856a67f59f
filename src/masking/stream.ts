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
  private readonly scanner: Scanner;
  private compiled: Compiled;
  private timer: NodeJS.Timeout | undefined;

  /** `current` returns the compiled secrets; a new object means secrets were added. */
  constructor(current: () => Compiled, idleMs: number = DEFAULT_IDLE_MS) {
    super();
    this.current = current;
    this.idleMs = idleMs;
    this.compiled = current();
    this.scanner = new Scanner(this.compiled);
  }

  override _transform(
    chunk: Buffer | string,
    encoding: BufferEncoding,
    done: TransformCallback,
  ): void {
    this.cancelIdle();
    this.refresh();
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.emit_(this.scanner.write(bytes));
    if (this.scanner.heldBytes > 0) this.armIdle();
    done();
  }

  override _flush(done: TransformCallback): void {
    this.cancelIdle();
    this.refresh();
    this.emit_(this.scanner.end());
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.cancelIdle();
    done(error);
  }

  /** Picks up secrets added since the last chunk, before scanning another byte. */
  private refresh(): void {
    const latest = this.current();
    if (latest === this.compiled) return;
    this.compiled = latest;
    this.scanner.recompile(latest);
  }

  private emit_(pieces: readonly Buffer[]): void {
    for (const piece of pieces) if (piece.length > 0) this.push(piece);
  }

  private armIdle(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
      this.emit_(this.scanner.idle());
    }, this.idleMs);
    this.timer.unref();
  }

  private cancelIdle(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
