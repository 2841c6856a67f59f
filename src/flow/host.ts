/**
 * What the action's main and post need from the CI platform, as an
 * interface: `platform/github.ts` implements it with `@actions/core`, tests
 * with plain objects. Nothing here may receive a secret except `setSecret`,
 * `saveState` (revocation handles) and `exportVariable` (when asked to).
 */
import type { IdentitySource, RegisterSecret } from '../identity/source.js';
import type { Logger } from '../common/logger.js';
import type { Approver, RequestSubject } from '../approvals/policy.js';
import type { RunContext } from '../audit/record.js';
import type { RunConfig } from '../config/config.js';
import type { IdentityToken } from '../identity/token.js';

export type { RunContext } from '../audit/record.js';

/** One summary in both forms, rendered from the same record (audit/). */
export interface Summary {
  markdown: string;
  text: string;
}

/** The signals a cancelled CI job or a user's Ctrl-C sends the process. */
export type ForwardedSignal = 'SIGINT' | 'SIGTERM';

/** Waits for human approval before anything is issued (platform/github.ts builds GitHub's). */
export interface ApprovalGate {
  /** Local checks (event payload, run variables); throws before any network call. */
  check?(config: RunConfig): void;
  /** Resolves with the approvers, or throws (denied, timed out, lookup failed). */
  wait(request: {
    /** The request id main announced and set as the output; the gate must post this one. */
    id: string;
    /** What `id` is a digest of. */
    subject: RequestSubject;
    config: RunConfig;
    identity: IdentityToken;
    signal: AbortSignal;
  }): Promise<Approver[]>;
}

export interface HostLogger extends Logger {
  /** An error annotation (`::error::`); one line, no secret. */
  error(message: string): void;
}

export interface ActionHost {
  setOutput(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Masks the value in the platform's log from now on. */
  setSecret(value: string): void;
  exportVariable(name: string, value: string): void;
  /** The step's summary: a summary page takes the Markdown, a log or terminal the text. */
  appendSummary(summary: Summary): Promise<void>;
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
