/**
 * stdout and stderr masked as the log shows them: one scanner over both, in
 * arrival order, each released piece routed back to its stream.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createMasker } from '../../src/masking/masker.js';
import type { MergedStreams } from '../../src/masking/merged.js';

const SECRET = 'Zq8-vT3wLp0sXe7RkYb2NcHa';

interface Emitted {
  readonly origin: 'stdout' | 'stderr';
  readonly bytes: Buffer;
}

/** Records every piece either stream emits, in the order they are emitted. */
function record(streams: MergedStreams): { emitted: Emitted[]; ended: Promise<void> } {
  const emitted: Emitted[] = [];
  const ends = (['stdout', 'stderr'] as const).map((origin) => {
    streams[origin].on('data', (bytes: Buffer) => emitted.push({ origin, bytes }));
    return new Promise<void>((resolve) => streams[origin].on('end', resolve));
  });
  return { emitted, ended: Promise.all(ends).then(() => undefined) };
}

const text = (emitted: readonly Emitted[], origin?: 'stdout' | 'stderr'): string =>
  Buffer.concat(
    emitted.filter((e) => origin === undefined || e.origin === origin).map((e) => e.bytes),
  ).toString();

describe('stdout and stderr masked as one log', () => {
  it('masks a secret written half to stdout and half to stderr', async () => {
    const streams = createMasker({ secrets: [SECRET], detectors: false }).mergedStreams();
    const { emitted, ended } = record(streams);
    streams.stdout.write(`token=${SECRET.slice(0, 12)}`);
    streams.stderr.write(`${SECRET.slice(12)}\n`);
    streams.stdout.end('done\n');
    streams.stderr.end();
    await ended;
    expect(text(emitted)).toBe('token=***\ndone\n');
    expect(text(emitted, 'stdout')).toBe('token=***done\n');
    expect(text(emitted, 'stderr')).toBe('\n');
  });

  // `gatepass run`'s test printed `out=$T`, then `err=$T` on stderr, then
  // `$T | base64`: when stdout's base64 line came first, stderr lost `err=`.
  // The decode layer joins a line ending in `=` (or a long base64 line) to the
  // next one, and then masked everything from the base64 to the secret after
  // it as one range, `err=` included.
  it.each([
    ['ends with padding', `${SECRET}42`],
    ['is one long base64 line', `${SECRET}-${SECRET}`],
  ])(
    'keeps the text before a secret on stderr after a base64 line on stdout that %s',
    async (_, secret) => {
      const streams = createMasker({ secrets: [secret], detectors: false }).mergedStreams();
      const { emitted, ended } = record(streams);
      streams.stdout.write(`${Buffer.from(secret).toString('base64')}\n`);
      streams.stderr.write(`err=${secret}\n`);
      streams.stdout.end();
      streams.stderr.end();
      await ended;
      expect([text(emitted, 'stdout'), text(emitted, 'stderr')]).toEqual(['***\n', 'err=***\n']);
    },
  );

  it('gives the log a single masker would, for any split of the output between the streams', async () => {
    const secrets = [SECRET, 'another-secret-value-42'];
    const single = createMasker({ secrets, detectors: false });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom<'stdout' | 'stderr'>('stdout', 'stderr'),
            fc.oneof(
              fc.constantFrom(...secrets, ...secrets.map((s) => Buffer.from(s).toString('base64'))),
              fc.string({ maxLength: 10 }),
            ),
            fc.nat(30),
          ),
          { maxLength: 12 },
        ),
        async (writes) => {
          const streams = single.mergedStreams();
          const { emitted, ended } = record(streams);
          let log = '';
          for (const [origin, piece, cut] of writes) {
            // A piece may be cut in two and its halves sent to both streams.
            const at = Math.min(cut, piece.length);
            const other = origin === 'stdout' ? 'stderr' : 'stdout';
            if (at > 0) streams[origin].write(piece.slice(0, at));
            if (at < piece.length) streams[other].write(piece.slice(at));
            log += piece;
          }
          streams.stdout.end();
          streams.stderr.end();
          await ended;
          expect(text(emitted)).toBe(single.maskText(log));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('masks a real command that prints half a secret on each stream', async () => {
    const streams = createMasker({ secrets: [SECRET], detectors: false }).mergedStreams();
    const { emitted, ended } = record(streams);
    const child = spawn(
      'bash',
      [
        '-c',
        'printf "key: %s" "${1:0:12}"; sleep 0.01; printf "%s\\n" "${1:12}" >&2',
        'job',
        SECRET,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.pipe(streams.stdout);
    child.stderr.pipe(streams.stderr);
    await ended;
    expect(text(emitted)).toBe('key: ***\n');
    for (let i = 0; i + 8 <= SECRET.length; i++) {
      expect(text(emitted)).not.toContain(SECRET.slice(i, i + 8));
    }
  });

  it('ends a stream once the bytes it left held are released, while the other goes on', async () => {
    const streams = createMasker({
      secrets: [SECRET],
      detectors: false,
      idleMs: 20,
    }).mergedStreams();
    const { emitted, ended } = record(streams);
    let stdoutEnded = false;
    streams.stdout.on('end', () => (stdoutEnded = true));
    streams.stdout.end(`prompt ${SECRET.slice(0, 4)}`); // could start the secret: held
    await new Promise((resolve) => setImmediate(resolve));
    expect([text(emitted, 'stdout'), stdoutEnded]).toEqual(['prompt ', false]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the idle timer releases it
    expect([text(emitted, 'stdout'), stdoutEnded]).toEqual([`prompt ${SECRET.slice(0, 4)}`, true]);
    streams.stderr.end('later\n');
    await ended;
    expect(text(emitted, 'stderr')).toBe('later\n');
  });
});
