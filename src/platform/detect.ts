/**
 * Which CI `gatepass` runs in, and where its files go there; from the
 * environment alone, so `gatepass revoke` in an `after_script` finds what
 * `gatepass run` wrote in the job's script.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PlatformName = 'github' | 'gitlab' | 'local';

type Env = Readonly<Record<string, string | undefined>>;

export function detectPlatform(env: Env): PlatformName {
  if (env.GITLAB_CI === 'true') return 'gitlab';
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  return 'local';
}

/**
 * The job's temporary directory. GitLab has none of its own name: it keeps
 * file-type variables in `<CI_PROJECT_DIR>.tmp`, next to the checkout (never
 * inside it, so never in an artifact by accident), on the builds volume that
 * `after_script` sees too. gatepass uses the same directory.
 */
export function jobTempDir(platform: PlatformName, env: Env): string {
  if (platform === 'gitlab' && nonEmpty(env.CI_PROJECT_DIR)) return `${env.CI_PROJECT_DIR}.tmp`;
  if (platform === 'github' && nonEmpty(env.RUNNER_TEMP)) return env.RUNNER_TEMP;
  // The OS temp dir is shared by every user: a directory of our own in it.
  return join(tmpdir(), `gatepass-${String(process.getuid?.() ?? 'user')}`);
}

/** Where `gatepass run` writes revocation state and `gatepass revoke` looks for it. */
export function stateDir(platform: PlatformName, env: Env): string {
  return join(jobTempDir(platform, env), 'gatepass');
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
