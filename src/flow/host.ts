/**
 * What the flow needs from where it runs, as one interface: the action
 * (`platform/github.ts`, with `@actions/core`), the CLI (`platform/local.ts`
 * on top of a `CliPlatform`), tests (plain objects). Nothing here may receive
 * a secret except `setSecret`, `state` (revocation handles) and
 * `exportVariable` (when asked to).
 */
import type { IdentitySource, RegisterSecret } from '../identity/source.js';
import type { Logger } from '../common/logger.js';
import type { Approver, RequestSubject } from '../approvals/policy.js';
import type { RunContext } from '../audit/record.js';
import type { RunConfig } from '../config/config.js';
import type { IdentityToken } from '../identity/token.js';
import { scrub } from '../gateways/text.js';

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

/**
 * The host's log with every secret in `secrets` cut out, as it was received
 * (and the long pieces of a JWT): what a gateway's error quotes back. The set
 * is read at each line, so secrets added later are cut out from then on. Not
 * the masker: its automaton is rebuilt after each new secret (10-50 ms), which
 * would stand between the credentials and the command's start. Main's log, and
 * that of post and `gatepass revoke` (the secrets of the saved handles).
 */
export function scrubbedLog(log: HostLogger, secrets: ReadonlySet<string>): HostLogger {
  const clean = (message: string): string => scrub(message, [...secrets]);
  return {
    debug: (message) => {
      log.debug(clean(message));
    },
    info: (message) => {
      log.info(clean(message));
    },
    warning: (message) => {
      log.warning(clean(message));
    },
    error: (message) => {
      log.error(clean(message));
    },
  };
}

/**
 * Where the revocation state goes for whoever revokes last: the runner's
 * state file for the post step, or the CLI's own file for `gatepass revoke`.
 */
export interface StateStore {
  /** Replaces what was saved; written at once (a killed step must leave it behind). */
  save(value: string): void;
  /** What was saved; '' when nothing was. */
  load(): string;
}

export interface Host {
  readonly state: StateStore;
  /** Masks the value in the platform's log from now on. */
  setSecret(value: string): void;
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
  /** Step outputs, where the platform has them (GitHub); the audit record holds the same facts. */
  setOutput?(name: string, value: string): void;
  /** Variables for the job's later steps (`export: env`), where the platform has them (GitHub). */
  exportVariable?(name: string, value: string): void;
}

/**
 * What `gatepass run` needs from the CI it runs in: platform/github.ts,
 * gitlab.ts and local.ts each make one; platform/local.ts's terminal host
 * builds a Host on top of it.
 */
export type CliPlatform = Pick<
  Host,
  'context' | 'workspace' | 'tempDir' | 'identity' | 'setSecret'
> & {
  /** The job summary, where the CI has one; undefined: the summary is printed. */
  appendSummary?(markdown: string): Promise<void>;
  approvalGate?: ApprovalGate;
};

/** What revoking needs from its host: the action's post step, or `gatepass revoke`. */
export type PostHost = Pick<Host, 'setSecret' | 'appendSummary' | 'log'> & {
  readonly state: Pick<StateStore, 'load'> & {
    /**
     * For the error when this gatepass cannot read the state: what it is (`the
     * state file X`) and what to do with it. Absent: the action's saved state.
     */
    readonly unreadable?: { what: string; hint: string };
  };
};
