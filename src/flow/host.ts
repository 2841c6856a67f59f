/**
 * What the action's main and post need from the CI platform, as an
 * interface: `platform/github.ts` implements it with `@actions/core`, tests
 * with plain objects. Nothing here may receive a secret except `setSecret`,
 * `saveState` (revocation handles) and `exportVariable` (when asked to).
 */
import type { IdentitySource, RegisterSecret } from '../identity/source.js';
import type { Logger } from '../common/logger.js';
import type { ApprovalGate } from './job.js';

export interface HostLogger extends Logger {
  /** An error annotation (`::error::`); one line, no secret. */
  error(message: string): void;
}

/** Who and what is running, from the platform's (non-secret) variables. */
export interface RunContext {
  platform: 'github' | 'gitlab' | 'local';
  repository: string | undefined;
  ref: string | undefined;
  sha: string | undefined;
  runId: string | undefined;
  runAttempt: string | undefined;
  /** The job and step ids: two gatepass steps of one run get different request ids. */
  job: string | undefined;
  step: string | undefined;
  actor: string | undefined;
  workflow: string | undefined;
  eventName: string | undefined;
  /** e.g. https://github.com */
  serverUrl: string | undefined;
}

export interface ActionHost {
  /** The input's value, '' when unset. */
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Masks the value in the platform's log from now on. */
  setSecret(value: string): void;
  exportVariable(name: string, value: string): void;
  appendSummary(markdown: string): Promise<void>;
  readonly log: HostLogger;
  readonly context: RunContext;
  /** Default working directory of the script. */
  readonly workspace: string;
  /** Where the script file and audit record go. */
  readonly tempDir: string;
  /** The environment the script inherits (before credentials are added). */
  readonly env: Readonly<Record<string, string | undefined>>;
  identity(options: {
    audience: string;
    registerSecret: RegisterSecret;
    logger: Logger;
  }): IdentitySource;
  /**
   * Throws when the runner lacks something the run will need (a file command
   * that keeps values out of the log); called before any network call.
   */
  preflight(needs: { exportEnv: boolean }): void;
}

/**
 * What `gatepass run` needs from the CI it runs in: platform/github.ts,
 * gitlab.ts and local.ts each make one; platform/local.ts's terminal host
 * builds an ActionHost on top of it.
 */
export interface CliPlatform {
  readonly context: RunContext;
  /** Default working directory of the command. */
  readonly workspace: string;
  /** Where state and audit files go; survives until the job's last script. */
  readonly tempDir: string;
  identity(options: {
    audience: string;
    registerSecret: RegisterSecret;
    logger: Logger;
  }): IdentitySource;
  /** Masks the value in the CI's log from now on, where the CI can (GitHub); else nothing. */
  setSecret(value: string): void;
  /** The job summary, where the CI has one; undefined: the summary is printed. */
  appendSummary?(markdown: string): Promise<void>;
  approvalGate?: ApprovalGate;
}
