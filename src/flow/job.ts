/**
 * The action's main step: inputs → identity → approval gate → credentials →
 * delivery (wrapped script, exported variables) → outputs, audit record and
 * job summary. Orchestration only; each stage is a small function, and
 * everything that touches the platform comes in through `MainRuntime`.
 *
 * Ordering guarantees (DESIGN.md § Data flow):
 * - every input is checked, and the gateway built, before the first network call;
 * - each secret reaches the platform's mask list and the masker before anything else;
 * - each revocation handle is saved as soon as its credential exists, and
 *   each request before it is sent, so a crash after that point is still
 *   revoked (or reported, when no answer came) by post or `gatepass revoke`;
 * - a cancel drops no answer that may hold a credential (cancellation.ts);
 * - the credentials are revoked when the step ends, unless `export: env`
 *   hands them to later steps (then post revokes them when the job ends).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import {
  auditFileName,
  credentialRecord,
  sessionLogName,
  earliestExpiry,
  renderSummary,
  type AuditRecord,
  type CredentialRecord,
} from '../audit/record.js';
import type { GatewayApproval, GatewayWaitOptions } from '../approvals/gate.js';
import {
  CANCEL_GRACE_MS,
  createCancellation,
  wasAbandoned,
  type Cancellation,
} from './cancellation.js';
import { requestId, requireGatewayReview, type RequestSubject } from '../approvals/policy.js';
import { providerWithoutSecrets, secretSettings, type RunConfig } from '../config/config.js';
import { GatepassError, describeError } from '../common/errors.js';
import {
  credentialVariables,
  scriptEnvironment,
  resolveWorkingDirectory,
  startCommand,
  type Command,
  type RunningCommand,
} from '../delivery/exec.js';
import {
  isPending,
  type CredentialRequest,
  type Gateway,
  type Issued,
  type Pending,
} from '../gateways/gateway.js';
import { createGateway } from '../gateways/index.js';
import type { IdentitySource } from '../identity/source.js';
import type { IdentityToken } from '../identity/token.js';
import { deferredMasker, type DeferredMasker } from '../masking/deferred.js';
import {
  scrubbedLog,
  type ApprovalGate,
  type ForwardedSignal,
  type Host,
  type HostLogger,
} from './host.js';
import { failedRevocations, reportUnconfirmed, revokeCredentials } from './revocation.js';
import { openSessionLog, type SessionLog } from '../audit/session-log.js';
import type { HeldItem, OpenDataPath } from './data-path.js';
import { isProxied, type ProxiedRequest } from '../config/request.js';
import type { SavedState } from './state.js';
import { VERSION } from '../common/version.js';

export interface MainRuntime {
  host: Host;
  /** Where the script's masked output goes. */
  stdout: Writable;
  stderr: Writable;
  /** Subscribe to the signals a cancelled job sends; returns the unsubscribe. */
  onSignal(handler: (sig: ForwardedSignal) => void): () => void;
  createGateway?: typeof createGateway;
  approvalGate?: ApprovalGate;
  /** Grace between forwarding a signal to the script and SIGKILL. Default 10 s. */
  killAfterMs?: number;
  /** `gatepass run -- cmd`: the command to run instead of the `run` script. */
  command?: readonly string[];
  /** The command's stdin: `inherit` for a terminal; a CI step has none. Default ignore. */
  stdin?: 'ignore' | 'inherit';
  /** Where the audit record goes. Default `<tempDir>/gatepass-audit-<request id>.json`. */
  auditFile?: string;
}

/**
 * How a run ended: the wrapped command's exit code, or gatepass's own failure
 * (already logged); and the credentials that could not be revoked at its end.
 */
export type JobResult = ({ ok: true; exitCode: number } | { ok: false; error: unknown }) & {
  unrevoked: string[];
};

/**
 * A cancelled step's revocation budget: the runner kills a cancelled step
 * about 10 s after its SIGINT, and the grace for requests in flight comes first.
 */
const CANCELLED_REVOKE_MS = 5_000;

/** One run's moving parts, passed between the stages. */
interface Job {
  config: RunConfig;
  host: Host;
  /** Its engine loads when first needed: once the command runs, or for the audit record. */
  masker: DeferredMasker;
  /**
   * The host's log without the secrets: a gateway's error can quote what it
   * was sent, and on GitLab or a terminal no one else masks gatepass's lines.
   */
  log: HostLogger;
  register: (value: string) => void;
  subject: RequestSubject;
  record: AuditRecord;
  saved: SavedState;
  cancel: Cancellation;
  /** Resolves to the provider's client once preflight has started loading it. */
  gateway: Promise<Gateway> | undefined;
  running: RunningCommand | undefined;
  /** Variables went to later steps (`export: env`): the credentials must outlive the step. */
  exported: boolean;
  /** Set while revoking at the step's end: a signal then cuts the revocation short. */
  revoking: AbortController | undefined;
  /** Credentials the gateway held for its own approval, by name. */
  gatewayApprovals: Map<string, NonNullable<CredentialRecord['gatewayApproval']>>;
  /** Where the identity came from and what it was: a data path issues its credential again with them. */
  identity: { source: IdentitySource; token: IdentityToken } | undefined;
  /** Open loopback endpoints by credential name (`proxy:`), closed before revocation. */
  dataPaths: Map<string, OpenDataPath>;
  sessionLog: SessionLog | undefined;
  /** Statements or requests held for review so far: each gets its own approval id. */
  held: number;
  approvalGate: ApprovalGate | undefined;
}

/** The command's code; `failure` when gatepass failed, or the command succeeded but a credential outlives it. */
export function exitCodeOf(result: JobResult, failure: number): number {
  if (!result.ok) return failure;
  return result.exitCode === 0 && result.unrevoked.length > 0 ? failure : result.exitCode;
}

/** One run with a parsed configuration; shared by the action and `gatepass run`. */
export async function runJob(config: RunConfig, runtime: MainRuntime): Promise<JobResult> {
  const job = startJob(config, runtime);
  const unsubscribe = runtime.onSignal((sig) => {
    onSignal(job, sig);
  });
  try {
    const result = await issueAndDeliver(job, runtime);
    await closeDataPaths(job);
    return { ...result, unrevoked: await revokeAtStepEnd(job) };
  } finally {
    unsubscribe();
    job.cancel.dispose();
    await finish(job);
  }
}

async function issueAndDeliver(
  job: Job,
  runtime: MainRuntime,
): Promise<{ ok: true; exitCode: number } | { ok: false; error: unknown }> {
  try {
    const { cwd, gateway } = preflight(job, runtime);
    job.gateway = gateway;
    const issued = await obtain(job, runtime, gateway);
    return { ok: true, exitCode: await deliver(job, runtime, cwd, issued) };
  } catch (err) {
    job.record.outcome = job.cancel.signal.aborted ? 'cancelled' : 'failed';
    job.record.error = {
      code: err instanceof GatepassError ? err.code : 'INTERNAL',
      message: describeError(err),
    };
    job.log.error(describeError(err));
    return { ok: false, error: err };
  }
}

function startJob(config: RunConfig, runtime: MainRuntime): Job {
  const host = runtime.host;
  const masker = deferredMasker({
    detectors: config.maskDetectors,
    onWarning: (message) => {
      host.log.warning(message);
    },
  });
  const seen = new Set<string>();
  const register = (value: string): void => {
    if (value === '' || seen.has(value)) return;
    seen.add(value);
    host.setSecret(value);
    // The runner masks line by line: a multi-line secret's lines must be masked on their own.
    for (const line of value.split(/\r?\n/)) {
      if (line !== value && line.trim().length >= 8) host.setSecret(line);
    }
    masker.add(value);
  };
  for (const secret of secretSettings(config)) register(secret);
  const subject = requestSubject(config, host);
  const id = requestId(subject);
  const auditFile = runtime.auditFile ?? join(host.tempDir, auditFileName(id));
  host.setOutput?.('request-id', id);
  host.setOutput?.('audit-file', auditFile);
  return {
    config,
    host,
    masker,
    log: scrubbedLog(host.log, seen),
    register,
    subject,
    record: newRecord(config, host, id, wraps(config, runtime)),
    saved: {
      version: 2,
      requestId: id,
      settings: {
        provider: providerWithoutSecrets(config.provider),
        gateway: config.gateway,
        timeoutMs: config.timeoutMs,
        caCertificate: config.caCertificate,
      },
      revoke: config.revoke,
      revokeTimeoutMs: config.revokeTimeoutMs,
      auditFile,
      credentials: [],
    },
    cancel: createCancellation(),
    gateway: undefined,
    running: undefined,
    exported: false,
    revoking: undefined,
    gatewayApprovals: new Map(),
    identity: undefined,
    dataPaths: new Map(),
    sessionLog: undefined,
    held: 0,
    approvalGate: runtime.approvalGate,
  };
}

/** What an approval says yes to: this commit, run, job, gateway and these credentials. */
function requestSubject(config: RunConfig, host: Host): RequestSubject {
  const { repository, sha, runId, runAttempt, job } = host.context;
  return {
    repository: repository ?? '',
    sha: sha ?? '',
    runId: runId ?? '',
    runAttempt: runAttempt ?? '',
    ...(job === undefined ? {} : { job }),
    gateway: `${config.provider.name} ${config.gateway}`,
    credentials: config.credentials,
  };
}

/** Whether humans must approve through the platform (gateway-side approval needs no gate). */
function needsGate(config: RunConfig): boolean {
  return config.approvals.required > 0 && config.approvals.source !== 'gateway';
}

/** Whether a command runs with the credentials: the `run` script, or the CLI's `-- cmd`. */
function wraps(config: RunConfig, runtime: MainRuntime): boolean {
  return config.run !== undefined || runtime.command !== undefined;
}

function newRecord(config: RunConfig, host: Host, id: string, run: boolean): AuditRecord {
  return {
    version: 1,
    tool: 'gatepass',
    toolVersion: VERSION,
    requestId: id,
    outcome: 'pending',
    startedAt: new Date().toISOString(),
    context: host.context,
    gateway: { provider: config.provider.name, url: config.gateway },
    approval: { required: config.approvals.required, approvers: [] },
    credentials: [],
    delivery: { run, export: config.export },
  };
}

/**
 * A cancelled job: forward to the script if it runs; while revoking, the
 * first signal is noted and the next cuts the revocation short; before the
 * script, stop obtaining credentials (a second signal drops requests in flight).
 */
function onSignal(job: Job, sig: ForwardedSignal): void {
  if (job.running !== undefined) {
    job.log.info(`received ${sig}: forwarding it to the script`);
    job.running.signal(sig);
    return;
  }
  if (job.revoking !== undefined) {
    if (job.cancel.signal.aborted) {
      job.revoking.abort(
        new GatepassError(
          'TIMEOUT',
          `revocation stopped by ${sig} before the gateway confirmed it`,
        ),
      );
      return;
    }
    job.log.warning(`received ${sig}: revoking the credentials first; send it again to stop now`);
    job.cancel.cancel(new GatepassError('TIMEOUT', `the step was cancelled (${sig})`));
    return;
  }
  if (job.cancel.signal.aborted) {
    job.log.warning(`received ${sig} again: dropping the requests in flight`);
  } else if (job.saved.unconfirmed?.length) {
    job.log.info(
      `received ${sig}: waiting up to ${CANCEL_GRACE_MS / 1000} s for the answers of the requests in flight, to revoke what they bring`,
    );
  }
  job.cancel.cancel(
    new GatepassError('TIMEOUT', `the step was cancelled (${sig}) before the command started`),
  );
}

/** Every local check, before the first network call. */
function preflight(job: Job, runtime: MainRuntime): { cwd: string; gateway: Promise<Gateway> } {
  const { config, host } = job;
  if (config.export === 'env' && config.credentials.some(isProxied)) {
    throw new GatepassError(
      'INPUT',
      '`export: env` cannot hand a data path (`proxy:`) to later steps',
      {
        hint: 'Its endpoint closes when this step ends: run the command in this step (`run`), or drop `proxy:`',
      },
    );
  }
  if (config.export === 'env' && host.exportVariable === undefined) {
    throw new GatepassError('INPUT', '`export: env` needs a platform with later steps', {
      hint: 'Only the GitHub Action exports to later steps; run the command with the credentials instead',
    });
  }
  host.preflight({ exportEnv: config.export === 'env' });
  const cwd = !wraps(config, runtime)
    ? host.workspace
    : resolveWorkingDirectory(config.workingDirectory, host.workspace);
  if (needsGate(config)) {
    // config.ts only lets through sources this platform has: no gate is a bug, and fails closed.
    if (runtime.approvalGate === undefined) {
      throw new GatepassError(
        'INTERNAL',
        `no approval gate for \`approval-source: ${config.approvals.source}\` on this host`,
      );
    }
    runtime.approvalGate.check?.(config);
  }
  // Not awaited: loading a provider's client (Vault's is 680 KB) overlaps the
  // ID-token request in obtain(), which awaits it and so sees its rejection;
  // the empty catch only stops a rejection before then from being "unhandled".
  const gateway = (runtime.createGateway ?? createGateway)(config, {
    registerSecret: job.register,
    logger: job.log,
  });
  gateway.catch(() => undefined);
  if (!wraps(config, runtime) && config.export === 'none') {
    job.log.info(
      'no `run` and `export: none`: gatepass checks that the credentials can be issued, then revokes them',
    );
  }
  if (!config.revoke) {
    job.log.warning(
      '`revoke: false`: the credentials stay valid until they expire, after this step too',
    );
  }
  return { cwd, gateway };
}

/** Identity, approval, then every credential (in parallel), each handle saved at once. */
async function obtain(
  job: Job,
  runtime: MainRuntime,
  loading: Promise<Gateway>,
): Promise<Array<[CredentialRequest, Issued]>> {
  const { config, host, cancel } = job;
  // Not performance.now(): the global loads node:perf_hooks (1 ms of every start) for one debug line.
  const started = process.hrtime.bigint();
  const count = config.credentials.length;
  job.log.info(
    `gatepass ${VERSION}: request ${job.record.requestId}, ${count} credential${count === 1 ? '' : 's'} from ${config.gateway} (${config.provider.name})`,
  );
  const source = host.identity({
    audience: config.audience,
    registerSecret: job.register,
    logger: job.log,
  });
  const [identity, gateway] = await Promise.all([source.token(cancel.signal), loading]);
  job.identity = { source, token: identity };
  const { iss, sub, aud } = identity.claims;
  job.record.identity = {
    ...(iss === undefined ? {} : { iss }),
    ...(sub === undefined ? {} : { sub }),
    ...(aud === undefined ? {} : { aud }),
  };
  if (runtime.approvalGate !== undefined && needsGate(config)) {
    job.record.approval.approvers = await runtime.approvalGate.wait({
      id: job.record.requestId,
      subject: job.subject,
      config,
      identity,
      signal: cancel.signal,
    });
  }
  // One failure stops the others (a pending approval could wait for half an
  // hour), as a cancel does: their requests in flight get the same grace.
  const stop = createCancellation();
  const signals = {
    wait: AbortSignal.any([cancel.signal, stop.signal]),
    requests: AbortSignal.any([cancel.requests, stop.requests]),
  };
  const settled = await Promise.allSettled(
    config.credentials.map((request) =>
      issueOne(job, gateway, source, identity, request, signals).catch((err: unknown) => {
        stop.cancel(err);
        throw err;
      }),
    ),
  );
  stop.dispose();
  if (stop.signal.aborted) throw stop.signal.reason;
  job.log.debug(`credentials obtained in ${(process.hrtime.bigint() - started) / 1_000_000n} ms`);
  return settled.map((s, i) => [
    config.credentials[i] as CredentialRequest,
    (s as PromiseFulfilledResult<Issued>).value,
  ]);
}

/**
 * One credential. The request is on record (state) before it is sent and
 * stays there, as unconfirmed, if its answer is dropped: the gateway may have
 * issued it. `wait` ends waits and stops new requests; `requests` drops those
 * in flight (later, on a cancel: see cancellation.ts).
 */
async function issueOne(
  job: Job,
  gateway: Gateway,
  source: IdentitySource,
  identity: IdentityToken,
  request: CredentialRequest,
  signals: { wait: AbortSignal; requests: AbortSignal },
): Promise<Issued> {
  signals.wait.throwIfAborted();
  markSent(job, request);
  let answer: GatewayApproval & { held: boolean };
  try {
    const first = await gateway.issue(request, identity, signals.requests);
    // Gateway-side approval (authorization_pending, hoop review): the same status lines as comments.
    const approval = await gatewayApproval(gateway, first, {
      identity: () => source.token(signals.requests),
      timeoutMs: job.config.approvals.timeoutMs,
      signal: signals.wait,
      requestSignal: signals.requests,
      logger: job.log,
    });
    answer = { ...approval, held: isPending(first) };
  } catch (err) {
    if (!wasAbandoned(err, signals.requests)) markAnswered(job, request.name);
    throw err;
  }
  const { issued, approvalUrl, waitedMs } = answer;
  if (answer.held) {
    job.gatewayApprovals.set(request.name, {
      ...(approvalUrl === undefined ? {} : { url: approvalUrl }),
      waitedMs,
    });
  }
  // The gateway registered its secrets; anything it did not call public is one too.
  for (const [field, value] of Object.entries(issued.values)) {
    if (issued.publicFields?.includes(field) !== true) job.register(value);
  }
  saveHandle(job, issued);
  // After the save: a credential issued without the review asked for is revoked at the step's end.
  requireGatewayReview(job.config, answer.held, request.name);
  return issued;
}

/**
 * The credential, after the gateway's own approval when it held the request:
 * the approval gate's code loads only then, not on every run's way to its
 * command.
 */
async function gatewayApproval(
  gateway: Gateway,
  first: Issued | Pending,
  options: GatewayWaitOptions,
): Promise<GatewayApproval> {
  if (!isPending(first)) return { issued: first, waitedMs: 0 };
  const { awaitGatewayApproval } = await import('../approvals/gate.js');
  return awaitGatewayApproval(gateway, first, options);
}

/** The request goes on record before it is sent. */
function markSent(job: Job, request: CredentialRequest): void {
  job.saved.unconfirmed = [
    ...(job.saved.unconfirmed ?? []),
    { name: request.name, requestedAt: new Date().toISOString(), ttlSeconds: request.ttlSeconds },
  ];
  saveState(job);
}

/** An answer came (a credential, or a definite no): the request is no longer unconfirmed. */
function markAnswered(job: Job, name: string): void {
  job.saved.unconfirmed = (job.saved.unconfirmed ?? []).filter((u) => u.name !== name);
  saveState(job);
}

function saveHandle(job: Job, issued: Issued): void {
  job.saved.credentials.push({
    name: issued.name,
    ...(issued.expiresAt === undefined ? {} : { expiresAt: issued.expiresAt.toISOString() }),
    ...(issued.revocation === undefined ? {} : { handle: issued.revocation }),
  });
  markAnswered(job, issued.name);
}

/** The runner keeps the last value of a key: the whole state is saved each time. */
function saveState(job: Job): void {
  job.host.state.save(JSON.stringify(job.saved));
}

/** Outputs, export, then the script; the step's result is the script's exit code. */
async function deliver(
  job: Job,
  runtime: MainRuntime,
  cwd: string,
  issued: Array<[CredentialRequest, Issued]>,
): Promise<number> {
  const { config, record } = job;
  // A cancel whose grace let answers in: they are revoked, never delivered.
  job.cancel.signal.throwIfAborted();
  const now = new Date();
  const variables: Record<string, string> = {};
  for (const [request, credential] of issued) {
    const own = isProxied(request)
      ? await dataPathVariables(job, request, credential)
      : credentialVariables(request, credential, job.log);
    Object.assign(variables, own);
    const approval = job.gatewayApprovals.get(request.name);
    const path = job.dataPaths.get(request.name);
    record.credentials.push({
      ...credentialRecord(config.provider.name, request, credential, Object.keys(own), now),
      ...(approval === undefined ? {} : { gatewayApproval: approval }),
      ...(path === undefined ? {} : { dataPath: path.record() }),
    });
    job.log.info(describeIssued(record.credentials.at(-1)));
  }
  record.outcome = 'issued';
  setOutputs(job);
  if (config.export === 'env') exportVariables(job, variables);
  job.cancel.signal.throwIfAborted();
  const command = commandOf(config, runtime);
  if (command === undefined) {
    await writeAudit(job);
    record.outcome = 'succeeded';
    return 0;
  }
  return runCommand(job, runtime, cwd, command, variables);
}

/** What to run: the CLI's argv, else the `run` script with its shell. */
function commandOf(config: RunConfig, runtime: MainRuntime): Command | undefined {
  if (runtime.command !== undefined) return { argv: runtime.command };
  return config.run === undefined ? undefined : { script: config.run, shell: config.shell };
}

function describeIssued(c: AuditRecord['credentials'][number] | undefined): string {
  if (c === undefined) return '';
  const until = c.expiresAt === undefined ? '' : `, expires ${c.expiresAt}`;
  const env = c.env.length === 0 ? '' : ` → ${c.env.join(', ')}`;
  return `"${c.name}": issued (${c.target}${until})${env}`;
}

function setOutputs(job: Job): void {
  const { host, record } = job;
  host.setOutput?.('expires-at', earliestExpiry(record.credentials) ?? '');
  host.setOutput?.('approved-by', record.approval.approvers.map((a) => a.login).join(','));
}

function exportVariables(job: Job, variables: Record<string, string>): void {
  // Every value was passed to setSecret when it arrived, before this point.
  job.exported = true;
  for (const [name, value] of Object.entries(variables)) job.host.exportVariable?.(name, value);
  job.log.warning(
    `exported ${Object.keys(variables).join(', ')} to later steps: their output is masked only by the runner (exact values and a few encodings), not by gatepass; prefer \`run\``,
  );
}

async function runCommand(
  job: Job,
  runtime: MainRuntime,
  cwd: string,
  command: Command,
  variables: Record<string, string>,
): Promise<number> {
  const { config, host, record } = job;
  const what =
    'argv' in command ? `\`${command.argv[0] ?? ''}\`` : `the script with ${command.shell.name}`;
  job.log.info(`running ${what} in ${cwd}; its output is masked`);
  job.running = await startCommand({
    command,
    cwd,
    env: scriptEnvironment(host.env, variables, [config.idTokenVariable]),
    ...(runtime.stdin === undefined ? {} : { stdin: runtime.stdin }),
    tempDir: host.tempDir,
    stdout: runtime.stdout,
    stderr: runtime.stderr,
    // One scanner over both streams in arrival order, as the log merges
    // them: a secret printed partly on each is still one secret. Loaded once
    // the command is spawned: its output waits in the pipes meanwhile.
    mask: async () => (await job.masker.load()).mergedStreams(),
    ...(runtime.killAfterMs === undefined ? {} : { killAfterMs: runtime.killAfterMs }),
  });
  // Written once the command runs: masking the record builds the automaton
  // for the new secrets (tens to a few hundred ms), which then overlaps the
  // command's start instead of delaying it. The price: what the command
  // prints meanwhile is read after the build, the two streams in no
  // particular order (the merged masker reads them in arrival order).
  await writeAudit(job).catch((err: unknown) => {
    job.log.warning(`could not write the audit record: ${describeError(err)}`);
  });
  const result = await job.running.result;
  job.running = undefined;
  record.delivery = {
    ...record.delivery,
    exitCode: result.exitCode,
    ...(result.signal === undefined ? {} : { signal: result.signal }),
    durationMs: result.durationMs,
    endedAt: new Date().toISOString(),
  };
  record.outcome = result.exitCode === 0 ? 'succeeded' : 'failed';
  if (result.exitCode !== 0) {
    job.log.error(
      `${'argv' in command ? 'the command' : 'the script'} exited with ${result.exitCode}${result.signal === undefined ? '' : ` (${result.signal})`}`,
    );
  }
  return result.exitCode;
}

/**
 * Revokes at the step's end what nothing needs any more: everything, unless
 * `export: env` handed the credentials to later steps (post revokes those at
 * the job's end). All at once under one deadline; what fails stays in the
 * state, for post or `gatepass revoke` to retry. The names not revoked.
 */
async function revokeAtStepEnd(job: Job): Promise<string[]> {
  const { config, saved, record, log } = job;
  if (!config.revoke) return [];
  if (job.exported) {
    log.info(
      'the credentials stay valid for later steps (`export: env`): the post step revokes them when the job ends',
    );
    return [];
  }
  const unconfirmed = reportUnconfirmed(saved.unconfirmed ?? [], log);
  const issued = saved.credentials;
  const gateway = job.gateway;
  if (issued.length === 0 || gateway === undefined) {
    if (unconfirmed.length > 0) record.revocations = unconfirmed;
    return [];
  }
  const cancelled = job.cancel.signal.aborted;
  const deadlineMs = cancelled
    ? Math.min(config.revokeTimeoutMs, CANCELLED_REVOKE_MS)
    : config.revokeTimeoutMs;
  job.revoking = new AbortController();
  const results = await revokeCredentials(issued, {
    gateway: () => gateway,
    deadlineMs,
    log,
    signal: job.revoking.signal,
  });
  job.revoking = undefined;
  record.revocations = [...unconfirmed, ...results];
  const failed = failedRevocations(results);
  const done = new Set(results.filter((r) => r.result !== 'failed').map((r) => r.name));
  saved.credentials = issued.filter((c) => !done.has(c.name));
  saved.revoked = results
    .filter((r) => r.result === 'revoked')
    .map((r) => ({ name: r.name, at: r.at }));
  // Reported here, in the audit record; post need not report them again.
  saved.unconfirmed = [];
  saveState(job);
  if (failed.length > 0) {
    const one = failed.length === 1;
    log.error(
      `${failed.length} credential${one ? ' outlives' : 's outlive'} the step (${failed.join(', ')}): ${one ? 'it stays' : 'they stay'} valid until ${one ? 'it expires' : 'they expire'} unless revoked later, so the step fails`,
    );
  }
  return failed;
}

/** The audit file, rewritten at each stage so a cancelled job still leaves one. */
async function writeAudit(job: Job): Promise<void> {
  for (const credential of job.record.credentials) {
    const path = job.dataPaths.get(credential.name);
    const log = job.sessionLog?.file;
    if (path !== undefined) {
      credential.dataPath = { ...path.record(), ...(log === undefined ? {} : { sessionLog: log }) };
    }
  }
  const masker = await job.masker.load();
  const text = masker.maskText(`${JSON.stringify(job.record, null, 2)}\n`);
  await mkdir(job.host.tempDir, { recursive: true });
  await writeFile(job.saved.auditFile, text, { mode: 0o600 });
}

async function finish(job: Job): Promise<void> {
  job.record.finishedAt = new Date().toISOString();
  try {
    await writeAudit(job);
    const [masker, { renderSummaryText }] = await Promise.all([
      job.masker.load(),
      import('../audit/text.js'),
    ]);
    await job.sessionLog?.close();
    await job.host.appendSummary({
      markdown: masker.maskText(renderSummary(job.record)),
      text: masker.maskText(renderSummaryText(job.record)),
    });
  } catch (err) {
    job.log.warning(`could not write the audit record: ${describeError(err)}`);
  }
}

/**
 * A data path's endpoint for one credential: the job's variables name the
 * endpoint's fields (its `env`, or `<NAME>_<FIELD>`), never the credential's.
 */
async function dataPathVariables(
  job: Job,
  request: ProxiedRequest,
  issued: Issued,
): Promise<Record<string, string>> {
  job.sessionLog ??= openSessionLog(
    join(dirname(job.saved.auditFile), sessionLogName(job.record.requestId)),
  );
  // Loaded only for a data path: the guardrails and the engines stay off every other run's way.
  const { openDataPath } = await import('./data-path.js');
  const path = await openDataPath({
    request,
    issued,
    log: job.log,
    mask: async (text) => (await job.masker.load()).maskText(text),
    sessionLog: job.sessionLog,
    review: statementReview(job),
    reissue: () => reissue(job, request),
    register: job.register,
  });
  job.dataPaths.set(request.name, path);
  const endpoint: Issued = { kind: 'issued', name: request.name, values: path.fields };
  return credentialVariables(request, endpoint, job.log);
}

/**
 * The credential issued again for a data path, on record like the first one:
 * the request in the state before it is sent (a renewal whose answer is lost
 * may still have been issued, and is reported as unconfirmed), its handle
 * saved as soon as it arrives.
 */
async function reissue(job: Job, request: CredentialRequest): Promise<Issued> {
  const gateway = await job.gateway;
  const identity = job.identity;
  if (gateway === undefined || identity === undefined) {
    throw new GatepassError('INTERNAL', 'no gateway or identity to renew the credential with');
  }
  const signal = job.cancel.signal;
  const token = await identity.source.token(signal);
  const renewal = { ...request, name: renewalName(job, request.name) };
  markSent(job, renewal);
  let answer: Issued | Pending;
  try {
    answer = await gateway.issue(request, token, signal);
  } catch (err) {
    if (!wasAbandoned(err, signal)) markAnswered(job, renewal.name);
    throw err;
  }
  if (isPending(answer)) {
    markAnswered(job, renewal.name);
    throw new GatepassError('GATEWAY', 'the gateway wants an approval again to renew it', {
      hint: 'Give the credential a ttl that covers the job, or let the gateway renew without review',
    });
  }
  for (const [field, value] of Object.entries(answer.values)) {
    if (answer.publicFields?.includes(field) !== true) job.register(value);
  }
  saveHandle(job, { ...answer, name: renewal.name });
  return answer;
}

/** `<name>~<n>`, numbered past every renewal on record, answered or not. */
function renewalName(job: Job, name: string): string {
  const names = [...job.saved.credentials, ...(job.saved.unconfirmed ?? [])].map((c) => c.name);
  return `${name}~${names.filter((n) => n.startsWith(`${name}~`)).length + 1}`;
}

/**
 * Holds a statement or request until the platform's approvers decide, through
 * the same gate as the credentials (PR comments, GitLab notes); at least one
 * approval, whatever `approvals` says. Undefined where no gate exists.
 */
function statementReview(
  job: Job,
): ((item: HeldItem, signal: AbortSignal) => Promise<string[]>) | undefined {
  const gate = job.approvalGate;
  const identity = job.identity;
  if (gate === undefined || identity === undefined) return undefined;
  const { approvals } = job.config;
  const config: RunConfig = {
    ...job.config,
    approvals: {
      ...approvals,
      required: Math.max(1, approvals.required),
      source:
        approvals.source === 'gitlab-mr-approvals' || approvals.source === 'gateway'
          ? defaultCommentSource(job)
          : approvals.source,
    },
  };
  return async (item, signal) => {
    job.held += 1;
    const subject: RequestSubject = { ...job.subject, held: { ...item, sequence: job.held } };
    gate.check?.(config);
    const approvers = await gate.wait({
      id: requestId(subject),
      subject,
      config,
      identity: identity.token,
      signal: AbortSignal.any([signal, job.cancel.signal]),
    });
    return approvers.map((a) => a.login);
  };
}

/** MR approvals cannot name one statement, and a gateway knows nothing of it: comments can. */
function defaultCommentSource(job: Job): RunConfig['approvals']['source'] {
  return job.host.context.platform === 'gitlab' ? 'gitlab-notes' : 'github-pr';
}

/** Closes every endpoint (its sessions end) before the credentials behind them are revoked. */
async function closeDataPaths(job: Job): Promise<void> {
  await Promise.all(
    [...job.dataPaths.entries()].map(async ([name, path]) => {
      try {
        await path.close();
      } catch (err) {
        job.log.warning(`"${name}": could not close the data path cleanly: ${describeError(err)}`);
      }
    }),
  );
}
