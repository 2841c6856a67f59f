/**
 * stdout and stderr masked as one log. A CI log shows both streams merged in
 * the order their bytes arrive, so a secret printed half on stdout and half
 * on stderr reads whole there; two separate maskers would each see only half
 * (at most 7 characters of which they may release). Here both streams feed one
 * scanner in arrival order, and every released piece goes back to the stream
 * its first byte came from: a `***` that covers bytes of both appears once,
 * on the stream where the secret began.
 *
 * A stream that ends while some of its bytes are still held (they could be
 * the start of a secret the other stream completes) ends once they are
 * released: by more output, the idle timer, or the other stream's end. So the
 * merged log is exactly what one masker over it would print.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { isMaskedPiece, Scanner, type Compiled } from './scanner.js';
import { DEFAULT_IDLE_MS } from './stream.js';

export interface MergedStreams {
  readonly stdout: Transform;
  readonly stderr: Transform;
}

type Origin = 0 | 1;

/** A run of consecutive input bytes from one origin, ending before stream offset `end`. */
interface Segment {
  end: number;
  readonly origin: Origin;
}

export function mergedStreams(
  current: () => Compiled,
  idleMs: number = DEFAULT_IDLE_MS,
): MergedStreams {
  const shared = new SharedScanner(current, idleMs);
  const stdout = new OriginStream(shared, 0);
  const stderr = new OriginStream(shared, 1);
  shared.outputs = [stdout, stderr];
  return { stdout, stderr };
}

class OriginStream extends Transform {
  private readonly shared: SharedScanner;
  private readonly origin: Origin;

  constructor(shared: SharedScanner, origin: Origin) {
    super();
    this.shared = shared;
    this.origin = origin;
  }

  override _transform(chunk: Buffer | string, encoding: BufferEncoding, done: TransformCallback) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.shared.write(this.origin, bytes);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.shared.endOrigin(this.origin, done);
  }
}

class SharedScanner {
  outputs: readonly [Transform, Transform] | undefined;
  private readonly current: () => Compiled;
  private readonly idleMs: number;
  private scanner: Scanner | undefined;
  private compiled: Compiled | undefined;
  private segments: Segment[] = [];
  private total = 0;
  private readonly ended = [false, false];
  /** End of the last byte each stream wrote, in merged offsets. */
  private readonly lastEnd = [0, 0];
  /** Flush callbacks of ended streams still waiting for their held bytes. */
  private readonly waiting: (TransformCallback | undefined)[] = [undefined, undefined];
  private timer: NodeJS.Timeout | undefined;

  constructor(current: () => Compiled, idleMs: number) {
    this.current = current;
    this.idleMs = idleMs;
  }

  write(origin: Origin, bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.cancelIdle();
    const last = this.segments[this.segments.length - 1];
    this.total += bytes.length;
    this.lastEnd[origin] = this.total;
    if (last?.origin === origin) last.end = this.total;
    else this.segments.push({ end: this.total, origin });
    const scanner = this.refresh();
    this.route(scanner.write(bytes), scanner.pieceOffsets);
    if (scanner.heldBytes > 0) this.armIdle();
    this.finishReleased();
  }

  /** One stream ended; the last one to end ends the scanner. */
  endOrigin(origin: Origin, done: TransformCallback): void {
    this.ended[origin] = true;
    this.waiting[origin] = done;
    if (this.ended[0] && this.ended[1]) {
      this.cancelIdle();
      const scanner = this.refresh();
      this.route(scanner.end(), scanner.pieceOffsets);
    }
    this.finishReleased();
  }

  /** Ends the ended streams whose bytes have all been released. */
  private finishReleased(): void {
    const releasedUpTo = this.total - (this.scanner?.heldBytes ?? 0);
    for (const origin of [0, 1] as const) {
      const done = this.waiting[origin];
      if (done === undefined || (this.lastEnd[origin] ?? 0) > releasedUpTo) continue;
      this.waiting[origin] = undefined;
      done();
    }
  }

  private refresh(): Scanner {
    const latest = this.current();
    if (this.scanner === undefined) this.scanner = new Scanner(latest);
    else if (latest !== this.compiled) this.scanner.recompile(latest);
    this.compiled = latest;
    return this.scanner;
  }

  /** Sends each piece to the stream its first byte came from; a text piece may straddle two. */
  private route(pieces: readonly Buffer[], offsets: readonly number[]): void {
    pieces.forEach((piece, i) => {
      const at = offsets[i] ?? 0;
      if (!isMaskedPiece(piece)) this.pushText(piece, at);
      else {
        this.push(this.originAt(at), piece);
        this.dropBefore(at);
      }
    });
  }

  private pushText(piece: Buffer, at: number): void {
    let from = 0;
    while (from < piece.length) {
      const index = this.segmentIndex(at + from);
      const segment = this.segments[index];
      const end = segment === undefined ? piece.length : Math.min(piece.length, segment.end - at);
      this.push(segment?.origin ?? 0, piece.subarray(from, end));
      from = end;
    }
    this.dropBefore(at + piece.length);
  }

  private originAt(at: number): Origin {
    return this.segments[this.segmentIndex(at)]?.origin ?? 0;
  }

  private segmentIndex(at: number): number {
    let i = 0;
    while (i < this.segments.length - 1 && (this.segments[i]?.end ?? 0) <= at) i++;
    return i;
  }

  /** Segments wholly released are forgotten, keeping the list short. */
  private dropBefore(offset: number): void {
    let drop = 0;
    while (drop < this.segments.length - 1 && (this.segments[drop]?.end ?? 0) <= offset) drop++;
    if (drop > 0) this.segments.splice(0, drop);
  }

  private push(origin: Origin, piece: Buffer): void {
    if (piece.length > 0) this.outputs?.[origin].push(piece);
  }

  private armIdle(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const scanner = this.refresh();
      this.route(scanner.idle(), scanner.pieceOffsets);
      this.finishReleased();
    }, this.idleMs);
    this.timer.unref();
  }

  private cancelIdle(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
