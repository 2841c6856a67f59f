/**
 * The approval gate: post a request where humans will see it, wait until
 * enough of them approve (or one denies, or the deadline passes), and say so
 * where the request was posted. Platform-neutral: GitHub and GitLab plug in
 * as an {@link ApprovalSource}; gateway-side approval (token-exchange
 * `authorization_pending`, hoop reviews) goes through
 * {@link awaitGatewayApproval}, which prints the same status lines and times
 * out the same way.
 *
 * Nothing here issues a credential: `main` calls the gate first, and only
 * then the gateway (DESIGN.md § Data flow, rule "no credential exists before
 * the gate has passed").
 */

import { GatepassError, describeError } from '../common/errors.js';
import { isPending, type Gateway, type Issued, type Pending } from '../gateways/gateway.js';
import type { IdentityToken } from '../identity/token.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { formatDuration, systemClock, type Clock } from '../common/retry.js';
import {
  checkSatisfiable,
  evaluate,
  requestId,
  usersToLookUp,
  type Actor,
  type Approver,
  type ApprovalEvent,
  type ApprovalPolicy,
  type CommandSyntax,
  type CountedApproval,
  type Decision,
  type Eligibility,
  type HeldSubject,
  type RequestSubject,
} from './policy.js';

/**
 * What every call into a source gets: cancellation, and the time by which the
 * wait ends. The gate's signal also aborts at the deadline, so a call (and
 * its retries) can never outlast `approval-timeout`.
 */
export interface CallContext {
  signal: AbortSignal;
  /** Epoch ms (by the gate's clock); network retries must stop by then. */
  deadline: number;
}

/** Who may approve, resolved once, before anything is posted. */
export interface Preparation {
  /** `approvers` as user ids (teams expanded); undefined when `approvers` is empty. */
  approverIds?: ReadonlySet<number> | undefined;
  /** The resolved approvers, so that an impossible policy is found now. */
  candidates?: readonly Actor[];
  /** PR author, actor, triggering actor. */
  self: { ids: ReadonlySet<number>; logins: ReadonlySet<string> };
}

/** Where the request was posted. */
export interface OpenedRequest {
  /** Server time of the request comment (epoch ms); only later comments count. */
  createdAt: number;
  /** The request comment's id, when comments share its id space. */
  sequence?: number;
  url: string;
  /** MR approvals: when the commit under approval became the head (see PendingRequest.grantsFrom). */
  grantsFrom?: number;
}

export type Outcome =
  | { state: 'approved'; approvers: readonly CountedApproval[] }
  | { state: 'denied'; by: CountedApproval }
  | { state: 'timed-out'; approvers: readonly CountedApproval[] }
  | { state: 'failed'; reason: string };

/** A platform that can carry an approval conversation. */
export interface ApprovalSource {
  /** "pull request #12", "issue", "merge request !7": for messages. */
  readonly where: string;
  readonly syntax: CommandSyntax;
  /** Who may approve when `approvers` is empty, in words ("anyone with write access"). */
  readonly defaultApprovers: string;
  /** What an approver does, in words, for the comment and the status line. */
  howToApprove(id: string): string;
  howToDeny(id: string): string;
  /**
   * The request's commit line when the platform knows better than the bare
   * SHA (a GitLab merged results pipeline runs a merge commit of the MR's
   * head); undefined for the default.
   */
  describeCommit?(sha: string): string | undefined;
  /** Resolve `approvers` and the people who may not approve their own run. Fails closed. */
  prepare(approvers: readonly string[], ctx: CallContext): Promise<Preparation>;
  /** Post the request (Markdown). */
  open(markdown: string, ctx: CallContext): Promise<OpenedRequest>;
  /** Everything said since the request, every page. */
  events(ctx: CallContext): Promise<ApprovalEvent[]>;
  /** The default rule for these users (cached by the source). */
  lookUp(users: readonly Actor[], ctx: CallContext): Promise<Eligibility>;
  /** Say how it ended, where the request was posted. Best effort. */
  close(outcome: Outcome, markdown: string, ctx: CallContext): Promise<void>;
}

/** The policy inputs, as config.ts parses them (`approvals`, `approvers`, ...). */
export interface PolicyInputs {
  required: number;
  approvers: readonly string[];
  timeoutMs: number;
  allowSelfApproval: boolean;
}

export interface GateOptions {
  policy: PolicyInputs;
  /** What is being approved; its digest is the request id. */
  subject: RequestSubject;
  /** Link to the workflow run / pipeline, shown in the request. */
  runUrl?: string;
  source: ApprovalSource;
  logger?: Logger;
  clock?: Clock;
  signal?: AbortSignal;
  /** First wait between polls; grows to `maxPollMs` while nothing happens. Default 5 s. */
  initialPollMs?: number;
  /** Default 30 s. */
  maxPollMs?: number;
  /** A status line this often. Default 1 minute. */
  statusEveryMs?: number;
}

export interface ApprovalResult {
  requestId: string;
  /** Distinct approvers in the order they approved, with links: for the audit record and summary. */
  approvers: CountedApproval[];
  /** The request comment / issue / note, when one was posted. */
  url?: string;
}

/** The audit record's approvers; first checks that the gate posted the id the run announced. */
export function approversOf(result: ApprovalResult, announcedId: string): Approver[] {
  if (result.requestId !== announcedId) {
    throw new GatepassError(
      'INTERNAL',
      `the gate posted request ${result.requestId}, not ${announcedId}`,
    );
  }
  return result.approvers.map((a) => {
    // The comment or note that approved, else the profile.
    const url = a.url ?? a.actor.url;
    return { login: a.actor.login, ...(url === undefined ? {} : { url }) };
  });
}

const DEFAULT_POLL = { initialMs: 5_000, maxMs: 30_000, growth: 1.5 };
/**
 * The last look starts this long before the deadline (at most a tenth of the
 * wait), so that it can finish by then: calls are cut off at the deadline.
 */
const FINAL_LOOK_MS = 10_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const STATUS_EVERY_MS = 60_000;
/** How long closing (editing the request comment) may take after the wait ended. */
const CLOSE_BUDGET_MS = 15_000;

/**
 * Wait for approval. Returns the approvers; throws a GatepassError with code
 * DENIED (an eligible deny), TIMEOUT (`approval-timeout` passed) or CONFIG
 * (a policy that cannot pass, an approver or team that cannot be resolved).
 * With `approvals: 0` it returns at once and posts nothing.
 */
export async function awaitApproval(options: GateOptions): Promise<ApprovalResult> {
  const id = requestId(options.subject);
  if (options.policy.required <= 0) return { requestId: id, approvers: [] };
  const run = new GateRun(options, id);
  return run.execute();
}

class GateRun {
  readonly #options: GateOptions;
  readonly #id: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #signal: AbortSignal;
  readonly #deadline: number;
  readonly #seenIgnored = new Set<string>();
  #markdown = '';
  /** The last look's decision, for the timeout message. */
  #lastDecision: Decision | undefined;

  constructor(options: GateOptions, id: string) {
    this.#options = options;
    this.#id = id;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#signal = options.signal ?? new AbortController().signal;
    this.#deadline = this.#clock.now() + options.policy.timeoutMs;
  }

  async execute(): Promise<ApprovalResult> {
    const { source } = this.#options;
    const prepared = await this.#bounded((ctx) =>
      source.prepare(this.#options.policy.approvers, ctx),
    );
    const policy = this.#policy(prepared);
    checkSatisfiable(policy, prepared.candidates);
    this.#markdown = renderRequest({
      id: this.#id,
      subject: this.#options.subject,
      ...(this.#options.runUrl === undefined ? {} : { runUrl: this.#options.runUrl }),
      policy: this.#options.policy,
      source,
    });
    const opened = await this.#bounded((ctx) => source.open(this.#markdown, ctx));
    this.#logger.info(
      `Approval requested on ${source.where}: ${opened.url} (request ${this.#id}; ${source.howToApprove(this.#id)})`,
    );
    try {
      const approvers = await this.#wait(policy, opened);
      await this.#close({ state: 'approved', approvers });
      return { requestId: this.#id, approvers, url: opened.url };
    } catch (err) {
      await this.#close(outcomeOf(err));
      throw err;
    }
  }

  #policy(prepared: Preparation): ApprovalPolicy {
    return {
      required: this.#options.policy.required,
      approverIds: prepared.approverIds,
      allowSelfApproval: this.#options.policy.allowSelfApproval,
      self: prepared.self,
      syntax: this.#options.source.syntax,
    };
  }

  async #wait(policy: ApprovalPolicy, opened: OpenedRequest): Promise<CountedApproval[]> {
    const { source } = this.#options;
    const request = {
      id: this.#id,
      createdAt: opened.createdAt,
      ...(opened.sequence === undefined ? {} : { sequence: opened.sequence }),
      ...(opened.grantsFrom === undefined ? {} : { grantsFrom: opened.grantsFrom }),
    };
    const schedule = new PollSchedule(this.#options);
    let lastStatus = this.#clock.now();
    let lastCount = -1;
    const lastLook = this.#deadline - Math.min(FINAL_LOOK_MS, this.#options.policy.timeoutMs / 10);
    for (;;) {
      const events = await this.#bounded((ctx) => source.events(ctx));
      const users = usersToLookUp(policy, request, events);
      const eligibility = await this.#bounded((ctx) => source.lookUp(users, ctx));
      const decision = evaluate(policy, request, events, eligibility);
      this.#logIgnored(decision);
      if (decision.state === 'approved') return decision.approvers;
      if (decision.deniedBy !== undefined) throw deniedError(this.#id, decision.deniedBy);
      this.#lastDecision = decision;
      const now = this.#clock.now();
      if (now >= lastLook) throw this.#timeout(decision);
      const changed = lastCount !== -1 && decision.approvers.length !== lastCount;
      if (changed || now - lastStatus >= this.#statusEvery) {
        this.#status(decision, opened);
        lastStatus = now;
      }
      // Activity (a new approval) brings the next look sooner; quiet lets it back off.
      if (changed) schedule.reset();
      lastCount = decision.approvers.length;
      await this.#clock.sleep(Math.min(schedule.next(), lastLook - now), this.#signal);
    }
  }

  /**
   * One call into the source, cut off at the deadline: its signal aborts
   * then (by the wall clock; a test's virtual clock bounds the retries
   * through `deadline`), and a call that runs out of time there ends the
   * wait as an approval timeout, naming what was still failing.
   */
  async #bounded<T>(call: (ctx: CallContext) => Promise<T>): Promise<T> {
    const cutOff = new AbortController();
    const passed = new GatepassError('TIMEOUT', 'the approval deadline passed');
    const left = Math.max(0, this.#deadline - this.#clock.now());
    // Beyond what a timer can hold (24.8 days), `deadline` alone bounds the retries.
    const timer =
      left > MAX_TIMER_MS
        ? undefined
        : setTimeout(() => {
            cutOff.abort(passed);
          }, left);
    timer?.unref();
    const signal = AbortSignal.any([this.#signal, cutOff.signal]);
    try {
      return await call({ signal, deadline: this.#deadline });
    } catch (err) {
      if (this.#signal.aborted || !(err instanceof GatepassError) || err.code !== 'TIMEOUT') {
        throw err;
      }
      throw this.#timeout(this.#lastDecision, err === passed ? undefined : err);
    } finally {
      clearTimeout(timer);
    }
  }

  get #statusEvery(): number {
    return this.#options.statusEveryMs ?? STATUS_EVERY_MS;
  }

  #status(decision: Decision, opened: OpenedRequest): void {
    const { source, policy } = this.#options;
    this.#logger.info(
      statusLine({
        what: `request ${this.#id}`,
        approvals: { have: decision.approvers, need: policy.required },
        leftMs: this.#deadline - this.#clock.now(),
        action: `${source.howToApprove(this.#id)} on ${opened.url}`,
      }),
    );
  }

  #logIgnored(decision: Decision): void {
    for (const item of decision.ignored) {
      const key = `${item.event}:${item.reason}`;
      if (this.#seenIgnored.has(key)) continue;
      this.#seenIgnored.add(key);
      this.#logger.debug(`approval: ignored ${item.event} by ${item.who}: ${item.reason}`);
    }
  }

  #timeout(decision: Decision | undefined, failing?: GatepassError): GatepassError {
    const { source, policy } = this.#options;
    const have = decision?.approvers.length ?? 0;
    const error = approvalTimeoutError(
      `request ${this.#id}`,
      policy.timeoutMs,
      `${source.howToApprove(this.#id)} (${have} of ${policy.required} so far)`,
    );
    if (failing === undefined) return error;
    return new ApprovalTimeoutError(
      `${error.message}; the last call was still failing: ${failing.message}`,
      error.hint ?? '',
    );
  }

  async #close(outcome: Outcome): Promise<void> {
    // The job's own signal may be what ended the wait: closing gets its own short budget.
    const signal = AbortSignal.timeout(CLOSE_BUDGET_MS);
    const ctx: CallContext = { signal, deadline: this.#clock.now() + CLOSE_BUDGET_MS };
    try {
      await this.#options.source.close(
        outcome,
        `${renderOutcome(outcome, this.#options.subject.held)}\n\n${this.#markdown}`,
        ctx,
      );
    } catch (err) {
      this.#logger.warning(
        `Could not record the approval outcome on ${this.#options.source.where}: ${describeError(err)}`,
      );
    }
  }
}

/** 5 s, then ×1.5 per quiet poll up to 30 s: quick while people are acting, cheap while they are not. */
class PollSchedule {
  readonly #initial: number;
  readonly #max: number;
  #current: number;

  constructor(options: Pick<GateOptions, 'initialPollMs' | 'maxPollMs'>) {
    this.#initial = options.initialPollMs ?? DEFAULT_POLL.initialMs;
    this.#max = options.maxPollMs ?? DEFAULT_POLL.maxMs;
    this.#current = this.#initial;
  }

  next(): number {
    const wait = this.#current;
    this.#current = Math.min(this.#max, this.#current * DEFAULT_POLL.growth);
    return wait;
  }

  reset(): void {
    this.#current = this.#initial;
  }
}

function outcomeOf(err: unknown): Outcome {
  if (err instanceof ApprovalDeniedError) return { state: 'denied', by: err.by };
  if (err instanceof ApprovalTimeoutError) return { state: 'timed-out', approvers: [] };
  return { state: 'failed', reason: describeError(err) };
}

/** DENIED, with who denied, for the outcome comment. */
export class ApprovalDeniedError extends GatepassError {
  readonly by: CountedApproval;

  constructor(message: string, by: CountedApproval, hint: string) {
    super('DENIED', message, { hint });
    this.name = 'ApprovalDeniedError';
    this.by = by;
  }
}

/** TIMEOUT of the approval wait (not of a network call). */
export class ApprovalTimeoutError extends GatepassError {
  constructor(message: string, hint: string) {
    super('TIMEOUT', message, { hint });
    this.name = 'ApprovalTimeoutError';
  }
}

function deniedError(id: string, by: CountedApproval): ApprovalDeniedError {
  return new ApprovalDeniedError(
    `request ${id} was denied by ${by.actor.login}`,
    by,
    'A deny is final; start a new run once the concern is resolved',
  );
}

/** The one wording of an approval timeout, for comments and gateways alike. */
export function approvalTimeoutError(
  what: string,
  timeoutMs: number,
  action: string,
): ApprovalTimeoutError {
  return new ApprovalTimeoutError(
    `no approval for ${what} within ${formatDuration(timeoutMs)}`,
    `${capitalise(action)}, then re-run the job; or raise \`approval-timeout\``,
  );
}

/** The one status line: approvals so far, who, time left, what to do. */
export function statusLine(status: {
  what: string;
  approvals?: { have: readonly CountedApproval[]; need: number };
  leftMs: number;
  action: string;
}): string {
  const left = formatDuration(Math.max(0, status.leftMs));
  const count =
    status.approvals === undefined
      ? ''
      : ` ${status.approvals.have.length} of ${status.approvals.need} approval${status.approvals.need === 1 ? '' : 's'}${status.approvals.have.length > 0 ? ` (${status.approvals.have.map((a) => a.actor.login).join(', ')})` : ''};`;
  return `Waiting for approval of ${status.what}:${count} ${left} left. ${capitalise(status.action)}`;
}

export interface GatewayWaitOptions {
  /** A current identity token before each poll. */
  identity: () => Promise<IdentityToken>;
  /** `approval-timeout`. */
  timeoutMs: number;
  /** Ends the wait: no further poll starts once it aborts. */
  signal?: AbortSignal;
  /**
   * Aborts a poll already sent. Later than `signal` on a cancel: a poll on the
   * wire may come back issued, and what is issued must be seen to be revoked.
   * Default `signal`.
   */
  requestSignal?: AbortSignal;
  logger?: Logger;
  clock?: Clock;
  statusEveryMs?: number;
}

export interface GatewayApproval {
  issued: Issued;
  /** Where the approver acted, if the gateway said. */
  approvalUrl?: string;
  /** Time spent waiting for the gateway's decision. */
  waitedMs: number;
}

/**
 * Wait for a gateway-side approval (token-exchange `authorization_pending`,
 * hoop review) with the same status lines and timeout as comment approvals.
 * The gateway's decision is final: a refusal surfaces as the error its
 * `poll` throws. main waits this way for every credential, approvals or not.
 */
export async function awaitGatewayApproval(
  gateway: Gateway,
  first: Issued | Pending,
  options: GatewayWaitOptions,
): Promise<GatewayApproval> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const signal = options.signal ?? new AbortController().signal;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  const statusEvery = options.statusEveryMs ?? STATUS_EVERY_MS;
  let result = first;
  let approvalUrl: string | undefined;
  let lastStatus = Number.NEGATIVE_INFINITY;
  try {
    while (isPending(result)) {
      const pending = result;
      approvalUrl = pending.approvalUrl ?? approvalUrl;
      const action =
        approvalUrl === undefined
          ? 'ask an approver to act at the gateway'
          : `approve at ${approvalUrl}`;
      const now = clock.now();
      if (now - lastStatus >= statusEvery) {
        logger.info(
          statusLine({ what: `"${pending.name}" at the gateway`, leftMs: deadline - now, action }),
        );
        lastStatus = now;
      }
      const waitMs = pending.intervalSeconds * 1000;
      if (now + waitMs > deadline) {
        throw approvalTimeoutError(`"${pending.name}" at the gateway`, options.timeoutMs, action);
      }
      await clock.sleep(waitMs, signal);
      result = await gateway.poll(
        pending,
        await options.identity(),
        options.requestSignal ?? signal,
      );
    }
  } catch (err) {
    // The wait is over without a credential: the gateway may withdraw the request.
    if (isPending(result) && gateway.abandon !== undefined) {
      await gateway.abandon(result, abandonReason(err, signal, options.timeoutMs));
    }
    throw err;
  }
  return {
    issued: result,
    waitedMs: clock.now() - started,
    ...(approvalUrl === undefined ? {} : { approvalUrl }),
  };
}

/** Why a gateway-side wait ended, in a few words for the gateway's record. */
function abandonReason(err: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (err instanceof ApprovalTimeoutError) {
    return `no approval within \`approval-timeout\` (${formatDuration(timeoutMs)})`;
  }
  if (signal.aborted) return 'the job was cancelled';
  return 'the job stopped waiting after an error';
}

/** The request comment: what, for which commit and run, who may approve, what to type. */
export function renderRequest(input: {
  id: string;
  subject: RequestSubject;
  runUrl?: string;
  policy: PolicyInputs;
  source: Pick<
    ApprovalSource,
    'defaultApprovers' | 'howToApprove' | 'howToDeny' | 'describeCommit'
  >;
}): string {
  const { id, subject, policy, source } = input;
  if (subject.held !== undefined) return renderHeld({ ...input, held: subject.held });
  const rows = subject.credentials.map((c) => {
    const scope =
      c.tokenExchange?.scope ??
      c.vault?.path ??
      (c.hoop === undefined ? '' : `connection ${c.hoop.connection}`);
    return `| \`${c.name}\` | ${scope === '' ? '—' : `\`${scope}\``} | ${formatDuration(c.ttlSeconds * 1000)} |`;
  });
  const who =
    policy.approvers.length === 0
      ? source.defaultApprovers
      : policy.approvers.map(mention).join(', ');
  return [
    `### 🔐 gatepass: approval requested (\`${id}\`)`,
    '',
    `This job asks for short-lived credentials. Nothing has been issued yet.`,
    '',
    '| credential | scope / path | TTL |',
    '|---|---|---|',
    ...rows,
    '',
    `- commit: ${source.describeCommit?.(subject.sha) ?? `\`${subject.sha}\``} in \`${subject.repository}\``,
    `- run: ${input.runUrl ?? `${subject.runId} (attempt ${subject.runAttempt})`}`,
    `- needs: ${policy.required} approval${policy.required === 1 ? '' : 's'} from ${who}${policy.allowSelfApproval ? '' : ' (not the author or whoever started the run)'}`,
    `- expires: in ${formatDuration(policy.timeoutMs)}`,
    '',
    `To approve, ${source.howToApprove(id)}. To deny, ${source.howToDeny(id)}.`,
    'The id binds this commit, run and these credentials; an edited approval does not count (an edited deny does).',
  ].join('\n');
}

function renderOutcome(outcome: Outcome, held: HeldSubject | undefined): string {
  switch (outcome.state) {
    case 'approved':
      return `**✅ Approved** by ${outcome.approvers.map((a) => `@${a.actor.login}`).join(', ')}.`;
    case 'denied':
      return `**⛔ Denied** by @${outcome.by.actor.login}.`;
    case 'timed-out':
      return held === undefined
        ? '**⌛ Timed out**: no credentials were issued.'
        : `**⌛ Timed out**: the ${held.what} did not run.`;
    case 'failed':
      return `**⚠️ Stopped**: ${outcome.reason}`;
  }
}

function mention(approver: string): string {
  return approver.startsWith('@') ? approver : `@${approver}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The request for one held statement or request: what it is, the rule that held it, how to answer. */
function renderHeld(input: Parameters<typeof renderRequest>[0] & { held: HeldSubject }): string {
  const { id, subject, policy, source, held } = input;
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(held.text) + 1));
  const who =
    policy.approvers.length === 0
      ? source.defaultApprovers
      : policy.approvers.map(mention).join(', ');
  return [
    `### 🛑 gatepass: a ${held.what} is held for review (\`${id}\`)`,
    '',
    `The job sent this ${held.what} through the data path of credential \`${held.credential}\`; rule \`${held.rule}\` holds it until someone approves. It has not run.`,
    '',
    `${fence}${held.what === 'statement' ? 'sql' : ''}`,
    held.text,
    fence,
    '',
    `- commit: ${source.describeCommit?.(subject.sha) ?? `\`${subject.sha}\``} in \`${subject.repository}\``,
    `- run: ${input.runUrl ?? `${subject.runId} (attempt ${subject.runAttempt})`}`,
    `- needs: ${policy.required} approval${policy.required === 1 ? '' : 's'} from ${who}${policy.allowSelfApproval ? '' : ' (not the author or whoever started the run)'}`,
    `- expires: in ${formatDuration(policy.timeoutMs)}; then the ${held.what} fails`,
    '',
    `To let it run, ${source.howToApprove(id)}. To refuse it, ${source.howToDeny(id)}.`,
    `The id binds this ${held.what} in this run; approving it lets nothing else through.`,
  ].join('\n');
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}
