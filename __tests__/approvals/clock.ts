import type { Clock } from '../../src/common/retry.js';

/**
 * Virtual time for the approval tests: `sleep` returns at once and moves the
 * clock forward, running what was scheduled for the time it passes (a human
 * commenting 20 s into the wait). Each sleep also yields to the event loop,
 * so the loopback doubles keep answering.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  #now: number;
  readonly #tasks: Array<{ at: number; run: () => void }> = [];

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  random(): number {
    return 0.5;
  }

  /** Run `task` once virtual time reaches `ms` from now. */
  after(ms: number, task: () => void): void {
    this.#tasks.push({ at: this.#now + ms, run: task });
    this.#tasks.sort((a, b) => a.at - b.at);
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) throw signal.reason;
    this.sleeps.push(ms);
    const target = this.#now + Math.max(0, ms);
    for (
      let task = this.#tasks[0];
      task !== undefined && task.at <= target;
      task = this.#tasks[0]
    ) {
      this.#tasks.shift();
      this.#now = Math.max(this.#now, task.at);
      task.run();
    }
    this.#now = target;
    await new Promise<void>((resolve) => {
      setImmediate(resolve);
    });
    // A task may have aborted the signal (a cancelled job).
    signal?.throwIfAborted();
  }
}
