/** The proxy's framing: any split of a byte stream gives back the same messages; bad lengths are refused. */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  Framer,
  ProtocolViolation,
  message,
  readBind,
  readParse,
} from '../../src/delivery/postgres/messages.js';
import { blockMessage, standIn } from '../../src/delivery/postgres/session.js';
import { serialize } from 'pg-protocol/dist/serializer.js';

describe('Framer', () => {
  test('messages come out whole and in order, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('Q', 'P', 'B', 'd', 'S'), fc.uint8Array({ maxLength: 300 })),
          {
            maxLength: 20,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
        (specs, cuts) => {
          const messages = specs.map(([type, body]) => message(type, Buffer.from(body)));
          const stream = Buffer.concat(messages);
          const framer = new Framer(1024);
          const out: Buffer[] = [];
          const spans: Buffer[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const size = cuts[i % cuts.length] ?? 1;
            const pushed = framer.push(stream.subarray(at, at + size));
            out.push(...pushed.messages.map((m) => Buffer.from(m)));
            spans.push(Buffer.from(pushed.span));
            at += size;
          }
          expect(out).toEqual(messages);
          expect(Buffer.concat(spans)).toEqual(stream);
          expect(framer.buffered).toBe(0);
        },
      ),
    );
  });

  test('a length below 4 or above the limit is a protocol violation', () => {
    expect(() => new Framer(1024).push(Buffer.from([0x51, 0, 0, 0, 3]))).toThrow(ProtocolViolation);
    expect(() => new Framer(1024).push(Buffer.from([0x51, 0, 0, 4, 0]))).toThrow(
      /exceeds the limit of 1024/,
    );
  });
});

describe('message readers', () => {
  test('Parse gives name, SQL and declared types; Bind names and the count of parameters, not their values', () => {
    expect(
      readParse(serialize.parse({ name: 's1', text: 'SELECT $1, $2', types: [23, 25] })),
    ).toEqual({
      name: 's1',
      sql: 'SELECT $1, $2',
      types: [23, 25],
    });
    const bind = serialize.bind({ portal: 'p', statement: 's1', values: ['secret', null] });
    expect(readBind(bind)).toEqual({ portal: 'p', statement: 's1', parameters: 2 });
  });

  test('a truncated message is a protocol violation, not a crash', () => {
    const parse = serialize.parse({ name: 's1', text: 'SELECT 1', types: [23] });
    const cut = Buffer.from(parse.subarray(0, parse.length - 2));
    cut.writeInt32BE(cut.length - 1, 1);
    expect(() => readParse(cut)).toThrow(ProtocolViolation);
  });
});

describe('the stand-in for a blocked statement', () => {
  const decision = {
    allow: false as const,
    kinds: ['drop'],
    rule: 'no-drop',
    message: 'DROP TABLE denied',
  };

  test('names the rule on one line, prefixed gatepass', () => {
    expect(blockMessage(decision)).toBe('gatepass: DROP TABLE denied (rule no-drop)');
    expect(blockMessage({ ...decision, message: 'gatepass: x\ny by rule no-drop' })).toBe(
      'gatepass: x y by rule no-drop',
    );
  });

  test('quotes a message with dollars and quotes safely', () => {
    const sql = standIn({ message: "it's $$ and $tag$ ; DROP", sqlstate: '42501' });
    expect(sql).toMatch(
      /^DO \$gatepass_[0-9a-f]{12}\$BEGIN RAISE EXCEPTION USING ERRCODE = '42501'/,
    );
    expect(sql).not.toContain('$$');
  });
});
