/**
 * The data path's session log: one JSON line per statement or request, in the
 * order they completed, beside the audit record. Lines are appended as they
 * come (a killed step leaves what it had), never hold parameter values or
 * bodies, and the statement text in them has been through the masker.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export interface SessionLog {
  readonly file: string;
  write(entry: Record<string, unknown>): void;
  close(): Promise<void>;
}

export function openSessionLog(file: string): SessionLog {
  let stream: WriteStream | undefined;
  let failed = false;
  return {
    file,
    write(entry) {
      if (failed) return;
      stream ??= createWriteStream(file, { flags: 'a', mode: 0o600 }).on('error', () => {
        // A full disk must not stop the job's session; the audit record says the log is partial.
        failed = true;
      });
      stream.write(`${JSON.stringify(entry)}\n`);
    },
    async close() {
      if (stream === undefined) return;
      stream.end();
      if (!failed) await once(stream, 'finish').catch(() => undefined);
    },
  };
}
