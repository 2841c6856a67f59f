/**
 * `npm start`: the demo as a newcomer runs it (Node 24, the committed
 * dist/cli bundle, a throwaway PostgreSQL cluster), checked for the story's
 * order, masking, revocation and that it leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

interface Run {
  code: number | null;
  out: string;
}

/**
 * The demo's own TMPDIR: other test files make and remove gatepass-pg-*
 * directories in the shared one at the same time, so only a directory of
 * its own tells what the demo left behind.
 */
let demoTmp: string;

beforeAll(() => {
  demoTmp = mkdtempSync(join(tmpdir(), 'gatepass-demo-test-'));
  // The cluster runs as the `postgres` user when the tests run as root: it must reach its directory.
  chmodSync(demoTmp, 0o755);
});

afterAll(() => {
  rmSync(demoTmp, { recursive: true, force: true });
});

function demo(args: string[] = []): Promise<Run> {
  const child = spawn(process.execPath, ['examples/demo/start.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TMPDIR: demoTmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      resolve({ code, out: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/** What the demo and its cluster left in their TMPDIR; nothing may be left. */
function leftovers(): string[] {
  return readdirSync(demoTmp);
}

/** The job's lines that print the secret: after the label, only `***`. */
function printedSecrets(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => /│ (password|base64|url-encoded|in pieces|url|to stderr): /.test(l))
    .map((l) => l.replace(/^.*?: +/, ''));
}

/** Lines of the job log that show Markdown syntax instead of text. */
function noMarkdown(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => /^ {2}│ (?!gatepass: )/.test(l))
    .filter((l) => /│ (#{1,6} |\|)|\]\(http|`/.test(l));
}

describe('npm start', () => {
  it('tells the story in order, masks every form, revokes, exits 0, leaves nothing', async () => {
    const { code, out } = await demo();
    expect(code).toBe(0);
    const order = [
      'PostgreSQL',
      '1. The job starts',
      'iss: http://127.0.0.1',
      'gatepass run',
      'Waiting for approval of "db" at the gateway',
      'a reviewer looks at it',
      '"db": issued',
      'migration: connecting',
      '(1 row)',
      // Revoked when the command ends, before the summary is written.
      '"db" revoked',
      'gatepass: succeeded',
      'no gatepass role is left',
      // The same migration on the data path.
      '5. The data path',
      'proxy: postgres',
      "(gatepass's loopback endpoint)",
      '2 invoices',
      'ERROR:  gatepass: DROP TABLE invoices is denied by rule no-drop',
      'refused; the session goes on',
      '2 invoices still there',
      'none of the',
      '"db" revoked',
      'data path db (postgres',
      'BLOCKED by no-drop: drop table invoices',
      '6. After the data-path job',
      'DROP TABLE     blocked by no-drop',
      'no gatepass role is left',
    ];
    let at = 0;
    for (const marker of order) {
      const found = out.indexOf(marker, at);
      expect([marker, found >= 0]).toEqual([marker, true]);
      at = found;
    }
    const secrets = printedSecrets(out);
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const shown of secrets) expect(shown).toMatch(/^(\*\*\*)( \*\*\*)?$/);
    expect(out).toContain('json:         {"password":"***"}');
    // The database is named, not masked; the role is the secret.
    expect(out).toMatch(/│ migration: connecting to 127\.0\.0\.1:\d+\/app as \*\*\*\n/);
    // The summary reads as text: no Markdown heading, table row or link syntax.
    expect(noMarkdown(out)).toEqual([]);
    expect(out).toMatch(/│ {3}credential +target +granted TTL +expires \(UTC\) +variables\n/);
    expect(out).toMatch(/│ {3}approved by +at the gateway\n/);
    // The job held the endpoint's address and a local secret, nothing the server accepts.
    expect(out).toMatch(/none of the \d+ values in this job's environment logs in to the server/);
    expect(out).not.toContain('the password leaked');
    expect(leftovers()).toEqual([]);
  }, 90_000);

  it('--fail --no-approval: the failed migration still revokes', async () => {
    const { code, out } = await demo(['--fail', '--no-approval']);
    expect(code).toBe(0);
    expect(out).not.toContain('a reviewer looks at it');
    expect(out).toContain('migration: step 3 of 5 failed');
    expect(out).toContain('gatepass exited 3 (the migration was told to fail)');
    expect(out).toContain('"db" revoked');
    expect(out).toContain('no gatepass role is left');
  }, 60_000);

  it('--provider vault runs against the Vault double and leaves no lease or token', async () => {
    const { code, out } = await demo(['--provider', 'vault']);
    expect(code).toBe(0);
    expect(out).toContain('a Vault double');
    expect(out).toContain('"db" revoked');
    expect(out).toContain('Vault: 0 live leases, 0 live tokens');
    // A username and password, not a token for a proxy.
    expect(out).not.toContain('database proxy');
    expect(out).toContain('a real job would log in with this username and password');
    expect(noMarkdown(out)).toEqual([]);
    for (const shown of printedSecrets(out)) expect(shown).toMatch(/^(\*\*\*)( \*\*\*)?$/);
  }, 60_000);

  it('a mistyped option says which one was meant and where the options are', async () => {
    const { code, out } = await demo(['--provder', 'vault']);
    expect(code).toBe(1);
    expect(out).toBe(
      `demo: Unknown option '--provder' (did you mean --provider?). Run "npm start -- --help" for the options\n`,
    );
  });

  it('--help lists the variations', async () => {
    const { code, out } = await demo(['--help']);
    expect(code).toBe(0);
    for (const flag of ['--no-approval', '--provider', '--fail', '--no-postgres']) {
      expect(out).toContain(flag);
    }
  });
});
