/**
 * gitlab-ci-local for tests. `componentProject()` makes a throwaway GitLab
 * project: a git repository in a temp directory whose `origin` is a gitlab.com
 * remote, holding this checkout's `gitlab/templates/` as its `templates/`.
 * gitlab-ci-local resolves `include: component:
 * $CI_SERVER_FQDN/<that project>/<name>@<its HEAD sha>` from the working tree
 * (as GitLab does for a component project testing itself at its own commit),
 * so a pipeline there includes the component exactly as this checkout has it.
 *
 * gitlab-ci-local needs Node 22 or newer: it runs on `process.execPath` (the
 * tests run on Node 24), and that Node comes first on the jobs' PATH.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const GITLAB_CI_LOCAL = resolve('node_modules/gitlab-ci-local/dist/index.js');
export const TEMPLATES = resolve('gitlab/templates');

const run = promisify(execFile);

export interface GclResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ComponentProject {
  /** Temp directory holding everything below; `cleanup()` removes it. */
  root: string;
  /** The project's checkout, where gitlab-ci-local runs. */
  dir: string;
  /** `group/project`, from the remote. */
  path: string;
  /** The commit holding the component. */
  sha: string;
  /** Writes a file into the checkout (not committed; gitlab-ci-local reads the working tree). */
  write(name: string, text: string): void;
  /** Runs gitlab-ci-local in the checkout. */
  gitlabCiLocal(args: readonly string[], timeoutMs?: number): Promise<GclResult>;
  cleanup(): void;
}

/** The environment of gitlab-ci-local and of its shell jobs: nothing of this process's. */
function baseEnv(root: string, bin: string): Record<string, string> {
  return {
    PATH: [bin, dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter),
    HOME: join(root, 'home'),
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
  };
}

export interface ComponentProjectOptions {
  /**
   * A directory laid out as the component project (`templates/`, and whatever
   * else a release commit holds) to commit instead of this checkout's
   * `gitlab/templates/`.
   */
  from?: string;
}

export async function componentProject(
  path = 'acme/gatepass',
  options: ComponentProjectOptions = {},
): Promise<ComponentProject> {
  const root = mkdtempSync(join(tmpdir(), 'gatepass-gcl-'));
  const dir = join(root, 'project');
  const bin = join(root, 'bin');
  mkdirSync(dir);
  mkdirSync(bin);
  mkdirSync(join(root, 'home'));
  const env = baseEnv(root, bin);
  await provideRsync(bin, env);
  if (options.from === undefined) {
    cpSync(TEMPLATES, join(dir, 'templates'), { recursive: true });
  } else {
    cpSync(options.from, dir, { recursive: true });
  }
  const git = async (...args: string[]): Promise<string> => {
    const { stdout } = await run('git', args, { cwd: dir, env });
    return stdout.trim();
  };
  await git('init', '-q', '-b', 'main');
  // gitlab-ci-local reads these for GITLAB_USER_* variables.
  await git('config', 'user.name', 'gatepass tests');
  await git('config', 'user.email', 'tests@example.com');
  await git('remote', 'add', 'origin', `git@gitlab.com:${path}.git`);
  await git('add', '--all');
  await git('commit', '-q', '--no-gpg-sign', '-m', 'component');
  const sha = await git('rev-parse', 'HEAD');
  // As if pushed: gitlab-ci-local asks for the remote's default branch and
  // diffs against it for `rules: changes`.
  await git('update-ref', 'refs/remotes/origin/main', sha);
  await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  return {
    root,
    dir,
    path,
    sha,
    write(name, text) {
      writeFileSync(join(dir, name), text);
    },
    gitlabCiLocal: (args, timeoutMs = 45_000) =>
      spawnGcl([GITLAB_CI_LOCAL, ...args], dir, env, timeoutMs),
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Spawns asynchronously: a gateway in this process must go on answering the jobs. */
function spawnGcl(
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<GclResult> {
  return new Promise((resolveResult, reject) => {
    // gitlab-ci-local wants a relative --cwd: it runs in the checkout instead.
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveResult({
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
}

/**
 * gitlab-ci-local copies the checkout with rsync before it runs any job (for
 * its docker executor; shell jobs run in the checkout itself). Where rsync is
 * not installed, a stand-in does the same copy with tar.
 */
async function provideRsync(bin: string, env: Record<string, string>): Promise<void> {
  const found = await run('sh', ['-c', 'command -v rsync'], { env }).then(
    () => true,
    () => false,
  );
  if (found) return;
  const standIn = join(bin, 'rsync');
  writeFileSync(
    standIn,
    [
      '#!/bin/sh',
      '# Stand-in for `rsync -a ... SRC/ DEST/` as gitlab-ci-local calls it: copies SRC to DEST.',
      'for arg; do src=$dest; dest=$arg; done',
      'mkdir -p "$dest" && tar -C "$src" --exclude=./.gitlab-ci-local --exclude=./.git -cf - . | tar -C "$dest" -xf -',
      '',
    ].join('\n'),
  );
  chmodSync(standIn, 0o755);
}
