import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseShell } from '../../src/config/config.js';
import {
  execCommand,
  resolveWorkingDirectory,
  scriptEnvironment,
  signalTree,
  startCommand,
  type ExecOptions,
} from '../../src/delivery/exec.js';
import { createMasker } from '../../src/masking/masker.js';

const SECRET = 'tok_9f8e7d6c5b4a39281706';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatepass-exec-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function sink(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

function options(script: string, extra: Partial<ExecOptions> = {}) {
  const out = sink();
  const err = sink();
  const masker = createMasker({ secrets: [SECRET], detectors: false });
  const opts: ExecOptions = {
    command: { script, shell: parseShell('bash') },
    cwd: dir,
    env: scriptEnvironment({ PATH: process.env.PATH }, { DEPLOY_TOKEN: SECRET }),
    tempDir: dir,
    stdout: out.stream,
    stderr: err.stream,
    mask: () => masker.mergedStreams(),
    ...extra,
  };
  return { opts, out, err };
}

describe('execCommand', () => {
  it('gives the script its credentials in the environment and masks stdout and stderr', async () => {
    const { opts, out, err } = options(
      'echo "out $DEPLOY_TOKEN"\necho "err $(printf %s "$DEPLOY_TOKEN" | base64)" >&2\npwd',
    );
    const result = await execCommand(opts);
    expect(result.exitCode).toBe(0);
    expect(out.text()).toBe(`out ***\n${dir}\n`);
    expect(err.text()).toBe('err ***\n');
  });

  it('returns the script exit code, and bash runs with -e and pipefail', async () => {
    expect((await execCommand(options('exit 7').opts)).exitCode).toBe(7);
    const e = options('false\necho not reached');
    expect((await execCommand(e.opts)).exitCode).toBe(1);
    expect(e.out.text()).toBe('');
    expect((await execCommand(options('false | cat').opts)).exitCode).toBe(1);
  });

  it('keeps credentials off the command line and removes the script file', async () => {
    const { opts, out } = options('cat /proc/$$/cmdline | tr "\\0" " "; echo');
    await execCommand(opts);
    expect(out.text()).toMatch(
      /^bash --noprofile --norc -eo pipefail .*gatepass-[0-9a-f]{16}\.sh $/m,
    );
    expect(out.text()).not.toContain('***');
    expect(readdirSync(dir).filter((f) => f.startsWith('gatepass-'))).toEqual([]);
  });

  it('runs an argv without a shell, and custom shells with {0}', async () => {
    const a = options('');
    a.opts.command = { argv: ['node', '-e', 'console.log(process.env.DEPLOY_TOKEN.length)'] };
    expect((await execCommand(a.opts)).exitCode).toBe(0);
    expect(a.out.text()).toBe(`${SECRET.length}\n`);
    const b = options('console.log("from node", process.argv.length)', {
      command: { script: 'console.log("from node")', shell: parseShell('node {0}') },
    });
    await execCommand(b.opts);
    expect(b.out.text()).toBe('from node\n');
  });

  it('fails with a hint when the shell does not exist', async () => {
    const { opts } = options('true', {
      command: { script: 'true', shell: parseShell('no-such-shell-xyz {0}') },
    });
    await expect(execCommand(opts)).rejects.toThrow(/cannot start no-such-shell-xyz \(ENOENT\)/);
  });

  it('forwards SIGTERM to the whole process group', async () => {
    const { opts, out } = options('sleep 30 &\nchild=$!\necho started\nwait $child');
    const running = await startCommand(opts);
    await waitFor(() => out.text().includes('started'));
    running.signal('SIGTERM');
    const result = await running.result;
    expect(result.signal ?? result.exitCode).toBeTruthy();
    expect(result.durationMs).toBeLessThan(5_000);
    expect(groupAlive(running.pid)).toBe(false);
  });

  it('kills a script that ignores the signal after the grace period', async () => {
    const { opts, out } = options("trap '' TERM INT\necho started\nsleep 30", {
      killAfterMs: 300,
    });
    const running = await startCommand(opts);
    await waitFor(() => out.text().includes('started'));
    running.signal('SIGINT');
    const result = await running.result;
    expect(result).toMatchObject({ signal: 'SIGKILL', exitCode: 137 });
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it('kills sooner when SIGTERM follows SIGINT, as the runner escalates', async () => {
    const { opts, out } = options("trap '' TERM INT\necho started\nsleep 30", {
      killAfterMs: 20_000,
    });
    const running = await startCommand(opts);
    await waitFor(() => out.text().includes('started'));
    running.signal('SIGINT');
    running.signal('SIGTERM');
    const result = await running.result;
    expect(result.signal).toBe('SIGKILL');
    expect(result.durationMs).toBeGreaterThanOrEqual(1_900);
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it('does not hang on a background job that keeps the pipe open', async () => {
    const { opts, out } = options('(sleep 5; echo late) &\necho done', { drainMs: 200 });
    const result = await execCommand(opts);
    expect(result.exitCode).toBe(0);
    expect(result.durationMs).toBeLessThan(3_000);
    expect(out.text()).toBe('done\n');
  });
});

describe('masks that load after the command started', () => {
  it('masks and keeps everything printed before the masks were ready', async () => {
    const masker = createMasker({ secrets: [SECRET], detectors: false });
    const { opts, out, err } = options(
      'echo "early $DEPLOY_TOKEN"; echo "late $DEPLOY_TOKEN" >&2',
      {
        // The command has printed and exited before its masks exist.
        mask: async () => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return masker.mergedStreams();
        },
      },
    );
    const result = await execCommand(opts);
    expect(result.exitCode).toBe(0);
    expect(out.text()).toBe('early ***\n');
    expect(err.text()).toBe('late ***\n');
  });

  it('ends the command when its masks cannot be made: nothing unmasked gets out', async () => {
    const { opts, out } = options('sleep 0.3; echo "$DEPLOY_TOKEN"; sleep 30', {
      mask: () => Promise.reject(new Error('no masker')),
    });
    const running = await startCommand(opts);
    await expect(running.result).rejects.toThrow('no masker');
    // Killed, not left to sleep 30 s: gone once reaped.
    const alive = (): boolean => {
      try {
        process.kill(running.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive()).toBe(false);
    expect(out.text()).toBe('');
  });
});

describe('scriptEnvironment', () => {
  it('drops the action inputs, state and gatepass settings, and adds the credentials', () => {
    const env = scriptEnvironment(
      {
        PATH: '/bin',
        'INPUT_CLIENT-SECRET': 'x',
        STATE_gatepass: '{}',
        GITHUB_STATE: '/f',
        GATEPASS_ID_TOKEN: 'jwt',
        GITHUB_OUTPUT: '/o',
        UNSET: undefined,
      },
      { TOKEN: 'v' },
    );
    expect(env).toEqual({ PATH: '/bin', GITHUB_OUTPUT: '/o', TOKEN: 'v' });
  });
});

describe('resolveWorkingDirectory', () => {
  it('resolves relative paths against the workspace and refuses missing ones', () => {
    expect(resolveWorkingDirectory(undefined, dir)).toBe(dir);
    expect(resolveWorkingDirectory('.', dir)).toBe(dir);
    expect(() => resolveWorkingDirectory('missing', dir)).toThrow(
      /input `working-directory` missing is not a directory \(it does not exist\)/,
    );
  });

  it('refuses a file, saying it exists', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => resolveWorkingDirectory('a-file', dir)).toThrow(
      /^input `working-directory` a-file is not a directory$/,
    );
  });
});

async function waitFor(test: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!test()) throw new Error('timed out waiting');
}

function groupAlive(pgid: number): boolean {
  const table = execFileSync('ps', ['-eo', 'pgid=,stat=']).toString();
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .some(([group, state]) => group === String(pgid) && !(state ?? '').startsWith('Z'));
}

describe('signalTree: both platforms, whatever runs the test', () => {
  const record = (platform: NodeJS.Platform) => {
    const calls: string[] = [];
    signalTree(4242, 'SIGTERM', {
      platform,
      kill: (pid, sig) => calls.push(`kill ${pid} ${sig}`),
      run: (program, args) => calls.push(`${program} ${args.join(' ')}`),
    });
    return calls;
  };

  it.each(['linux', 'darwin'] as const)('%s: the signal goes to the process group', (platform) => {
    expect(record(platform)).toEqual(['kill -4242 SIGTERM']);
  });

  it('win32: the tree ends with taskkill /T /F (no groups, no SIGTERM there)', () => {
    expect(record('win32')).toEqual(['taskkill /PID 4242 /T /F']);
  });
});

describe('shells as a GitHub run step runs them', () => {
  it.each([
    ['bash', 'bash', ['--noprofile', '--norc', '-eo', 'pipefail', '{0}'], '.sh'],
    ['sh', 'sh', ['-e', '{0}'], '.sh'],
    ['pwsh', 'pwsh', ['-command', ". '{0}'"], '.ps1'],
    ['powershell', 'powershell', ['-command', ". '{0}'"], '.ps1'],
    ['cmd', 'cmd', ['/D', '/E:ON', '/V:OFF', '/S', '/C', 'CALL "{0}"'], '.cmd'],
    ['python', 'python', ['{0}'], '.py'],
  ])('%s', (name, program, args, extension) => {
    expect(parseShell(name)).toEqual({ name, program, args, extension });
  });
});
