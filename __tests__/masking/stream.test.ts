import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { MaskingStream } from '../../src/masking/stream.js';
import { compileRaw } from './engine.js';

const SECRET = 'correct-horse-battery-staple';
const IDLE_MS = 20;

function newStream(secrets: string[]): MaskingStream {
  const compiled = compileRaw(secrets);
  return new MaskingStream(() => compiled, IDLE_MS);
}

function collect(stream: MaskingStream): { text: () => string; ended: Promise<void> } {
  const parts: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => parts.push(chunk));
  const ended = new Promise<void>((resolve) => stream.on('end', resolve));
  return { text: () => Buffer.concat(parts).toString(), ended };
}

describe('MaskingStream timing', () => {
  it('masks a secret written one byte at a time, fast', async () => {
    const stream = newStream([SECRET]);
    const out = collect(stream);
    for (const ch of `<${SECRET}>`) {
      stream.write(ch);
      await new Promise((resolve) => setImmediate(resolve));
    }
    stream.end();
    await out.ended;
    expect(out.text()).toBe('<***>');
  });

  it('shows at most the first 7 characters of a secret written slower than the idle timer', async () => {
    const stream = newStream([SECRET]);
    const out = collect(stream);
    for (const ch of `<${SECRET}>`) {
      stream.write(ch);
      await sleep(IDLE_MS * 3);
    }
    stream.end();
    await out.ended;
    expect(out.text()).toBe('<correct***>');
  });

  it('releases a prompt that waits for input', async () => {
    const stream = newStream([SECRET]);
    const out = collect(stream);
    stream.write('Continue? [y/N] corr'); // ends like the start of the secret
    expect(out.text()).toBe('Continue? [y/N] ');
    await sleep(IDLE_MS * 4);
    expect(out.text()).toBe('Continue? [y/N] corr');
    stream.end();
    await out.ended;
  });

  it('picks up secrets registered after it was created, from the next chunk', async () => {
    let compiled = compileRaw(['first-secret-1']);
    const stream = new MaskingStream(() => compiled, IDLE_MS);
    const out = collect(stream);
    stream.write('first-secret-1 ');
    compiled = compileRaw(['first-secret-1', 'second-secret-2']);
    stream.write('second-secret-2 done');
    stream.end();
    await out.ended;
    expect(out.text()).toBe('*** *** done');
  });
});
