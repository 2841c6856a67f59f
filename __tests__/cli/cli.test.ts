import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { run } from '../../src/cli/cli.js';
import { VERSION } from '../../src/common/version.js';
import { CLI } from '../helpers/runner.js';

const SECRET = 'Sup3r-S3cret-Passw0rd!';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatepass-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs the bundled CLI as a child process, as a job would. */
function gatepass(args: string[], input: string | Buffer = '', env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input,
    env: { PATH: process.env.PATH ?? '', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    code: result.status,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

describe('gatepass mask (the bundled binary)', () => {
  it('masks secrets from --secrets-file and exits 0', () => {
    const secrets = file('ok.json', JSON.stringify([SECRET]));
    const b64 = Buffer.from(SECRET).toString('base64');
    const r = gatepass(['mask', '--secrets-file', secrets], `pw=${SECRET}\nb64=${b64}\n`);
    expect(r).toEqual({ code: 0, stdout: 'pw=***\nb64=***\n', stderr: '' });
  });

  it('takes secrets from GATEPASS_MASK_SECRETS, together with the file', () => {
    const secrets = file('one.json', JSON.stringify(['first-secret-value']));
    const r = gatepass(
      ['mask', '--secrets-file', secrets],
      'first-secret-value second-secret-value',
      {
        GATEPASS_MASK_SECRETS: JSON.stringify(['second-secret-value']),
      },
    );
    expect(r.stdout).toBe('*** ***');
  });

  it('masks detected token formats unless --no-detectors', () => {
    const token = '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'; // GitHub's example: valid checksum
    expect(gatepass(['mask'], `token ${token}\n`).stdout).toBe('token ***\n');
    const secrets = file('d.json', JSON.stringify([SECRET]));
    expect(gatepass(['mask', '--no-detectors', '--secrets-file', secrets], token).stdout).toBe(
      token,
    );
  });

  it('passes binary input through byte for byte', () => {
    const input = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
    const result = spawnSync(process.execPath, [CLI, 'mask'], { input });
    expect(result.status).toBe(0);
    expect(result.stdout.equals(input)).toBe(true);
  });

  it('warns on stderr about a short secret without printing it', () => {
    const secrets = file('short.json', JSON.stringify(['abc123']));
    const r = gatepass(['mask', '--secrets-file', secrets], 'x abc123 y');
    expect(r.stdout).toBe('x *** y');
    expect(r.stderr).toMatch(/^gatepass: warning: a secret of 6 characters/);
    expect(r.stderr).not.toContain('abc123');
  });

  it('exits 0 quietly when the reader closes the pipe early', () => {
    const result = spawnSync(
      'bash',
      ['-c', `yes line | "${process.execPath}" ${CLI} mask | head -n 2`],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stdout).toBe('line\nline\n');
    expect(result.stderr).toBe('');
  });

  it('prints the version and the help', () => {
    expect(gatepass(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    const help = gatepass(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('gatepass <command>');
    expect(help.stdout).toContain('--secrets-file FILE');
  });

  describe('bad input: exit 125, one line on stderr, content never echoed', () => {
    const cases: [string, () => string[], Record<string, string>, RegExp][] = [
      [
        'missing file',
        () => ['mask', '--secrets-file', join(dir, 'nope.json')],
        {},
        /cannot read --secrets-file .*nope\.json \(ENOENT\)/,
      ],
      [
        'not JSON',
        () => ['mask', '--secrets-file', file('bad.json', '["hunter2-in-a-broken-file"')],
        {},
        /is not valid JSON/,
      ],
      [
        'not an array',
        () => ['mask', '--secrets-file', file('obj.json', '{"k":"hunter2-object-value"}')],
        {},
        /holds a JSON object, not an array/,
      ],
      [
        'a non-string item',
        () => ['mask', '--secrets-file', file('num.json', '["hunter2-ok-value", 42]')],
        {},
        /item 1 is a number, not a string/,
      ],
      [
        'bad environment JSON',
        () => ['mask'],
        { GATEPASS_MASK_SECRETS: 'hunter2-raw-env-value' },
        /GATEPASS_MASK_SECRETS is not valid JSON/,
      ],
      ['nothing to mask', () => ['mask', '--no-detectors'], {}, /nothing to mask/],
      [
        'an unknown option',
        () => ['mask', '--secret-file', 'x'],
        {},
        /Unknown option '--secret-file' \(did you mean --secrets-file\?\)/,
      ],
      ['an unknown command', () => ['frobnicate'], {}, /unknown command "frobnicate"\. Run/],
      [
        'a mistyped command',
        () => ['revok'],
        {},
        /unknown command "revok" \(did you mean revoke\?\)/,
      ],
    ];
    it.each(cases)('%s', (_name, args, env, message) => {
      const r = gatepass(args(), 'hunter2 text', env);
      expect(r.code).toBe(125);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
      expect(r.stderr).not.toContain('hunter2-');
    });
  });
});

describe('run() in process', () => {
  it('returns the exit code and writes through the given streams', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdin.end(`a ${SECRET} b`);
    const code = await run(['mask'], {
      stdin,
      stdout,
      stderr,
      env: { GATEPASS_MASK_SECRETS: JSON.stringify([SECRET]) },
      cwd: process.cwd(),
    });
    expect(code).toBe(0);
    expect(String(stdout.read() as Buffer)).toBe('a *** b');
  });
});

describe('memory stays constant', () => {
  /** Streams `total` bytes of `piece` repeated into the CLI; returns its peak RSS in MiB. */
  function peakRss(
    piece: Buffer,
    total: number,
    secrets: string[],
  ): Promise<{ rss: number; masked: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', './scripts/report-max-rss.mjs', CLI, 'mask'],
        {
          env: { PATH: process.env.PATH ?? '', GATEPASS_MASK_SECRETS: JSON.stringify(secrets) },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let masked = 0;
      child.stdout.on('data', (d: Buffer) => {
        for (let i = d.indexOf('***'); i !== -1; i = d.indexOf('***', i + 3)) masked++;
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        const kb = /gatepass-bench-max-rss-kb (\d+)/.exec(stderr)?.[1];
        if (code !== 0 || kb === undefined) reject(new Error(`exit ${String(code)}: ${stderr}`));
        else resolve({ rss: Number(kb) / 1024, masked });
      });
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          sent += piece.length;
          if (!child.stdin.write(piece)) {
            child.stdin.once('drain', pump);
            return;
          }
        }
        child.stdin.end();
      };
      pump();
    });
  }

  const secrets = Array.from({ length: 10 }, (_, i) => `secret-${i}-${'x7Yq'.repeat(6)}`);

  it('masks a 1 GiB log in under 150 MB resident', async () => {
    const lines = Array.from({ length: 400 }, (_, i) =>
      i % 100 === 0
        ? `line ${i} token=${secrets[i % 10] ?? ''}\n`
        : `2026-11-22T05:40:00Z INFO step ${i} ok\n`,
    ).join('');
    const piece = Buffer.from(lines.repeat(Math.ceil(65536 / lines.length)));
    const total = 1024 * 1024 * 1024;
    const { rss, masked } = await peakRss(piece, total, secrets);
    expect(masked).toBeGreaterThan(10000);
    expect(rss).toBeLessThan(150);
  }, 120_000);

  it('masks a 100 MB line with no newline in under 150 MB resident', async () => {
    const piece = Buffer.from(`${'QmFzZTY0LWxvb2tpbmctdGV4dA'.repeat(2500)}${secrets[3] ?? ''}`);
    const { rss, masked } = await peakRss(piece, 100 * 1024 * 1024, secrets);
    expect(masked).toBeGreaterThan(1000);
    expect(rss).toBeLessThan(150);
  }, 120_000);
});

describe('version', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
