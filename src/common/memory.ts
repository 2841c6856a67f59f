/**
 * Keeps resident memory flat while output streams through. Node reads every
 * chunk of a pipe into a new 64 KB buffer, and V8 frees those only at a
 * garbage collection, which the few small objects a chunk leaves on the heap
 * rarely trigger: it waits for 32 MB of young buffers, and buffers that
 * lived through one collection (still queued for writing) wait for a full
 * one. A plain `stdin.pipe(stdout)` peaked at 114 MB resident over 256 MB
 * and 135 MB over 2 GB; collecting the young generation every 16 MB streamed
 * (about 1 ms each), and everything every 256 MB, keeps it near 70-90 MB.
 *
 * The collector is V8's `gc` function, which `--expose-gc` provides; set at
 * run time, the flag applies to contexts created after it, so one is made
 * for it. Where that fails nothing is collected early, and memory is what it
 * was without this. node:v8 and node:vm load when the first 16 MB have
 * streamed, not at start (2-4 ms that short jobs never need).
 */
import type { Readable } from 'node:stream';

const YOUNG_EVERY = 16 * 1024 * 1024;
/** One collection in this many is a full one. */
const FULL_EVERY = 16;

type Collect = (options: { type: 'minor' | 'major' }) => void;

/** The collector: undefined until asked for, a promise while it loads, null when there is none. */
let collect: Collect | null | Promise<void> | undefined;
let streamed = 0;
let collections = 0;

/** Counts the bytes `stream` emits towards the next early collection. */
export function collectAsStreamed(stream: Readable): void {
  stream.on('data', (chunk: Buffer | string) => {
    streamed += chunk.length;
    if (streamed < YOUNG_EVERY) return;
    streamed = 0;
    collections++;
    collector()?.({ type: collections % FULL_EVERY === 0 ? 'major' : 'minor' });
  });
}

/** The collector once loaded; null before that (the first threshold is skipped) or without one. */
function collector(): Collect | null {
  if (collect === undefined) collect = loadCollector();
  return collect instanceof Promise ? null : collect;
}

async function loadCollector(): Promise<void> {
  try {
    const [{ setFlagsFromString }, { runInNewContext }] = await Promise.all([
      import('node:v8'),
      import('node:vm'),
    ]);
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collect = typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    collect = null;
  }
}
