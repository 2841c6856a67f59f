/** One request's bookkeeping, recorded exactly once however it ends. */
import type { RequestRecord } from './types.js';

export class Exchange {
  readonly method: string;
  path = '';
  queryKeys: string[] = [];
  requestBytes = 0;
  responseBytes = 0;
  private readonly time = new Date().toISOString();
  private readonly started = performance.now();
  private readonly record: (entry: RequestRecord) => void;
  private recorded = false;

  constructor(method: string, record: (entry: RequestRecord) => void) {
    this.method = method;
    this.record = record;
  }

  get done(): boolean {
    return this.recorded;
  }

  finish(outcome: RequestRecord['outcome'], status: number, rule?: string): void {
    if (this.recorded) return;
    this.recorded = true;
    const entry: RequestRecord = {
      time: this.time,
      method: this.method,
      path: this.path,
      queryKeys: this.queryKeys,
      status,
      durationMs: Math.round(performance.now() - this.started),
      requestBytes: this.requestBytes,
      responseBytes: this.responseBytes,
      outcome,
      ...(rule === undefined ? {} : { rule }),
    };
    try {
      this.record(entry);
    } catch {
      // The recorder's failure is its own to report; the request it describes is over.
    }
  }
}
