/**
 * Issue 12, hard input limits: each class of bad input is refused in one
 * line, before any network request, by the action's main and by `gatepass
 * run` (both in-process, against the reference gateway on loopback).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { run as runCli } from '../../src/cli/cli.js';
import { runActionMain } from '../../src/platform/github.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { recordingHost as recordingHostOf, type RecordingHost } from '../helpers/host.js';

let gw: TestGateway;
let dir: string;

beforeAll(async () => {
  gw = await testGateway();
  dir = mkdtempSync(join(tmpdir(), 'gatepass-limits-'));
});
afterAll(async () => {
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CREDENTIALS = '- name: api\n  scope: read\n  audience: https://api.example.com\n';

/** Bad inputs, and the one line each must give. */
const CASES: Array<[string, Record<string, string>, RegExp]> = [
  [
    'a NUL inside a credential field',
    { credentials: '- name: api\n  scope: "a\\0b"\n' },
    /^input `credentials`: credential "api": `scope` contains a control character \(U\+0000\) at character 2\./,
  ],
  [
    'a 120 KB scope',
    { credentials: `- name: api\n  scope: ${'s'.repeat(120 * 1024)}\n` },
    /^input `credentials` is 120 KiB, over the limit of 64 KiB\./,
  ],
  [
    'a 10 KB gateway URL',
    { gateway: `https://gw.example.com/${'a'.repeat(10 * 1024)}` },
    /^input `gateway` is 10 KiB, over the limit of 2048 bytes\./,
  ],
  [
    'a javascript: gateway',
    { gateway: 'javascript:alert(1)' },
    /^input `gateway` must use https: \(got a javascript: URL\)\./,
  ],
  [
    'a data: gateway',
    { gateway: 'data:text/plain,x' },
    /^input `gateway` must use https: \(got a data: URL\)\./,
  ],
  [
    'a YAML alias bomb',
    {
      credentials: [
        'x: &a [q, q, q, q, q, q, q, q, q]',
        'y: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'z: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'w: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      ].join('\n'),
    },
    /^input `credentials`: YAML aliases expand too far \(over 100 alias uses\)\./,
  ],
  ['a NUL in run', { run: 'echo a\0b' }, /^input `run` contains a control character \(U\+0000\)/],
];

function recordingHost(inputs: Record<string, string>): RecordingHost & {
  getInput: (name: string) => string;
} {
  const all: Record<string, string> = { gateway: gw.url, credentials: CREDENTIALS, ...inputs };
  const recorded = recordingHostOf({ dir, idToken: () => gw.github() });
  return { ...recorded, getInput: (name) => all[name] ?? '' };
}

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

/** The same expectation in the CLI's words: input `x` is `--x` (GATEPASS_X) there. */
function inTerminalWords(message: RegExp): RegExp {
  return new RegExp(
    message.source.replace(
      /input `([a-z-]+)`/g,
      (_, name: string) => `\`--${name}\` \\(GATEPASS_${name.toUpperCase().replace(/-/g, '_')}\\)`,
    ),
    message.flags,
  );
}

describe('the action refuses bad input before any network request', () => {
  it.each(CASES)('%s', async (_label, inputs, message) => {
    const before = gw.requests.length;
    const rec = recordingHost(inputs);
    const out = sink();
    const code = await runActionMain(
      { host: rec.host, stdout: out.stream, stderr: out.stream, onSignal: () => () => undefined },
      rec.getInput,
    );
    expect(code).toBe(1);
    const errors = rec.lines.filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.slice('error: '.length)).toMatch(message);
    expect(errors[0]?.length).toBeLessThan(400);
    expect(rec.lines.join('\n')).not.toContain('\0');
    expect(rec.identityCalls()).toBe(0);
    expect(gw.requests.slice(before)).toEqual([]);
  });
});

describe('gatepass run refuses bad input before any network request', () => {
  const env = (inputs: Record<string, string>): Record<string, string> => {
    const all: Record<string, string> = { gateway: gw.url, credentials: CREDENTIALS, ...inputs };
    return Object.fromEntries(
      Object.entries(all).map(([k, v]) => [`GATEPASS_${k.replace(/-/g, '_').toUpperCase()}`, v]),
    );
  };

  async function cli(args: string[], vars: Record<string, string>) {
    const stdout = sink();
    const stderr = sink();
    const code = await runCli(args, {
      stdin: new PassThrough(),
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: { PATH: process.env.PATH ?? '', GATEPASS_ID_TOKEN: 'unused', ...vars },
      cwd: dir,
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  it.each(CASES.filter(([label]) => !label.includes('run')))(
    '%s',
    async (_label, inputs, message) => {
      const before = gw.requests.length;
      const result = await cli(['run', '--', 'true'], env(inputs));
      expect(result.code).toBe(125);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      // The CLI names the flag and its variable where the action names the input.
      expect(lines[0]?.replace(/^gatepass: (error: )?/, '')).toMatch(inTerminalWords(message));
      expect(result.stderr).not.toContain('\0');
      expect(gw.requests.slice(before)).toEqual([]);
    },
  );

  it('a 5 MB --config file', async () => {
    const before = gw.requests.length;
    const path = join(dir, 'big.yml');
    writeFileSync(path, `gateway: ${gw.url}\nrun: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    const result = await cli(['run', '--config', path, '--', 'true'], env({}));
    expect(result.code).toBe(125);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--config .*big\.yml is 5120 KiB, over the limit of 256 KiB/);
    expect(gw.requests.slice(before)).toEqual([]);
  });
});
