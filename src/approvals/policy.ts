/**
 * The approval policy: a pure function from (policy, request, events) to a
 * decision, so that GitHub comments, GitLab notes, GitLab MR approvals and the
 * tests all go through the same rules (DESIGN.md § Approval gate):
 *
 * 1. A request has an id, a digest of what is being approved; an approval
 *    must name it, so a new commit, another run or other credentials need a
 *    new approval.
 * 2. People are matched by numeric user id. Logins can be renamed and then
 *    taken by someone else; ids cannot.
 * 3. Only comments created after the request count, and only when their
 *    first line is exactly the command (see {@link parseCommand}): a quote
 *    (`> /approve x`), a code block, a sentence that mentions the command or
 *    a look-alike (a tab, an upper-case id) is not one. An edited approval
 *    does not count (an edit could forge one, by its author or by anyone who
 *    may edit others' comments); an edited deny does: honouring it can only
 *    stop the request, and its author may have edited it to give a reason.
 * 4. Bots, the PR author, the actor and the triggering actor never approve
 *    their own request, unless `allow-self-approval`.
 * 5. N distinct eligible approvers; one eligible deny is final.
 * 6. Eligibility that could not be established counts as "not eligible".
 *
 * Nothing here does I/O: the platform adapters look things up and hand in
 * the results.
 */
import { createHash } from 'node:crypto';
import type { RunConfig } from '../config/config.js';
import { GatepassError } from '../common/errors.js';
import type { CredentialRequest, JsonValue } from '../config/request.js';

/** Someone whose approval counted, as the summary and the `approved-by` output name them. */
export interface Approver {
  login: string;
  url?: string;
}

/** Someone on the platform. `id` is the platform's numeric user id. */
export interface Actor {
  id: number;
  login: string;
  /** The platform says it is a bot (GitHub `type: Bot`, GitLab `bot: true`). */
  bot?: boolean;
  /** Profile page, for the job summary. */
  url?: string;
}

/** A comment (GitHub issue comment, GitLab note) on the request's thread. */
export interface CommentEvent {
  kind: 'comment';
  /** The platform's id, for messages. */
  id: string;
  /** Orders comments created in the same second (GitHub/GitLab ids grow). */
  sequence?: number;
  author: Actor;
  body: string;
  /** Epoch ms, from the server. */
  createdAt: number;
  updatedAt: number;
  /** Link to the comment, for the job summary. */
  url?: string;
  /** GitLab system notes ("added 1 commit") are written by GitLab, not by their author. */
  system?: boolean;
}

/** An approval given through the platform's own button (GitLab MR approvals). */
export interface GrantEvent {
  kind: 'grant';
  id: string;
  author: Actor;
  /** When it was given (epoch ms); undefined when the platform does not say. */
  at: number | undefined;
  url?: string;
}

export type ApprovalEvent = CommentEvent | GrantEvent;

/** How commands are spelled: GitHub `/approve <id>`; GitLab `/gatepass approve <id>`. */
export type CommandSyntax = 'slash' | 'gatepass';

export interface ApprovalPolicy {
  /** Distinct eligible approvers needed. */
  required: number;
  /**
   * The `approvers` input resolved to user ids (teams expanded). Undefined
   * means the platform's default rule, decided per user in `eligibility`.
   */
  approverIds?: ReadonlySet<number> | undefined;
  allowSelfApproval: boolean;
  /** The PR author, the actor and the triggering actor: ids, and logins (lower case) as a second net. */
  self: { ids: ReadonlySet<number>; logins: ReadonlySet<string> };
  syntax: CommandSyntax;
}

export interface PendingRequest {
  /** See {@link requestId}. */
  id: string;
  /** When the request comment was created, by the server's clock (epoch ms). */
  createdAt: number;
  /** The request comment's id, to order comments made in the same second. */
  sequence?: number;
  /**
   * Grants (MR approvals) count only from this time on: when the commit under
   * approval became the merge request's head. Undefined means grants never count.
   */
  grantsFrom?: number;
}

/** Default-rule eligibility per user id: true (may approve), false (may not). Absent = unknown. */
export type Eligibility = ReadonlyMap<number, boolean>;

export interface CountedApproval {
  actor: Actor;
  /** The comment or approval that counted. */
  evidence: string;
  url?: string;
}

export interface IgnoredEvent {
  event: string;
  who: string;
  reason: string;
}

export interface Decision {
  state: 'pending' | 'approved' | 'denied';
  /** Distinct eligible approvers, in the order they approved. */
  approvers: CountedApproval[];
  /** The eligible deny, when state is denied. */
  deniedBy?: CountedApproval;
  /** Every event that did not count, and why: for the debug log and the tests. */
  ignored: IgnoredEvent[];
}

export interface Command {
  verb: 'approve' | 'deny';
  id: string;
}

/** What the request id is a digest of: everything an approver is saying yes to. */
export interface RequestSubject {
  repository: string;
  sha: string;
  /** GitHub `GITHUB_RUN_ID`, GitLab `CI_PIPELINE_ID`. */
  runId: string;
  /** GitHub `GITHUB_RUN_ATTEMPT`; GitLab `CI_JOB_ID` (a retried job gets a new one). */
  runAttempt: string;
  /** The job (GitHub `GITHUB_JOB`, GitLab `CI_JOB_NAME`), so that one approval does not open two jobs. */
  job?: string;
  /** Gateway URL and provider: the same names elsewhere are other credentials. */
  gateway?: string;
  credentials: readonly CredentialRequest[];
  /**
   * A statement or request a data path holds for review (`action: review`):
   * approving this id lets that one through, nothing else.
   */
  held?: HeldSubject;
}

export interface HeldSubject {
  credential: string;
  what: 'statement' | 'request';
  /** Masked, at most 2,000 characters. */
  text: string;
  rule: string;
  /** Counts the held items of this step, so that the same text held twice needs two approvals. */
  sequence: number;
}

/** Hex digits of the request id. 32 bits: easy to type, and one comment names one request. */
export const REQUEST_ID_LENGTH = 8;

/**
 * The request id: a short SHA-256 digest of repository, commit, run, attempt,
 * job, gateway and the credential requests (names, scopes, TTLs, paths). Any
 * change gives another id, so an approval cannot carry over to a new commit,
 * a re-run or a widened scope. `env` is left out: where a value is exposed in
 * the job does not change what is issued.
 */
export function requestId(subject: RequestSubject): string {
  const credentials = subject.credentials.map(
    (c) => Object.fromEntries(Object.entries(c).filter(([key]) => key !== 'env')) as JsonValue,
  );
  const canonical = canonicalJson({
    repository: subject.repository,
    sha: subject.sha.toLowerCase(),
    runId: subject.runId,
    runAttempt: subject.runAttempt,
    job: subject.job ?? null,
    gateway: subject.gateway ?? null,
    credentials,
    ...(subject.held === undefined ? {} : { held: { ...subject.held } }),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, REQUEST_ID_LENGTH);
}

/** JSON with sorted keys and no undefined, so equal subjects give equal digests. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What an approver types to approve (or deny) `id`. */
export function commandText(syntax: CommandSyntax, verb: Command['verb'], id: string): string {
  return syntax === 'slash' ? `/${verb} ${id}` : `/gatepass ${verb} ${id}`;
}

/**
 * The grammar, exactly as the docs and the request comment show it: the
 * command in lower case, one ASCII space before the id, the id in lower-case
 * hex as announced, and nothing else on the line (no tab, no second space,
 * no trailing space). A look-alike is not a command: people copy the line
 * from the request comment, and anything else is a sign of something else.
 */
const ID_PATTERN = `[0-9a-f]{${REQUEST_ID_LENGTH}}`;
const COMMANDS: Record<CommandSyntax, RegExp> = {
  // No leading whitespace: four spaces make a Markdown code block.
  slash: new RegExp(`^/(approve|deny) (${ID_PATTERN})$`),
  gatepass: new RegExp(`^/gatepass (approve|deny) (${ID_PATTERN})$`),
};

/**
 * The command on the first line of `body`, if that line is exactly one.
 * Looking only at the first line, unindented, is what keeps quotes (`>`),
 * fenced or indented code and prose from ever being read as a command. The
 * line ends at LF or CRLF (GitHub stores comments typed in a browser with
 * CRLF); a lone CR is part of the line, so it is not a command.
 */
export function parseCommand(body: string, syntax: CommandSyntax): Command | undefined {
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const match = COMMANDS[syntax].exec(firstLine);
  if (match === null) return undefined;
  return { verb: match[1] === 'deny' ? 'deny' : 'approve', id: match[2] ?? '' };
}

export function isBot(actor: Actor): boolean {
  // GitHub Apps comment as `name[bot]`; the flag is the authority, the suffix a second net.
  return actor.bot === true || actor.login.toLowerCase().endsWith('[bot]');
}

export function isSelf(policy: ApprovalPolicy, actor: Actor): boolean {
  return policy.self.ids.has(actor.id) || policy.self.logins.has(actor.login.toLowerCase());
}

/** Why `actor` may not decide, or undefined when they may. */
export function ineligibility(
  policy: ApprovalPolicy,
  actor: Actor,
  eligibility: Eligibility,
): string | undefined {
  if (isBot(actor)) return 'bots never approve';
  if (!policy.allowSelfApproval && isSelf(policy, actor)) {
    return 'the PR author, the actor and the triggering actor do not approve their own request (allow-self-approval: false)';
  }
  if (policy.approverIds !== undefined) {
    return policy.approverIds.has(actor.id) ? undefined : 'not in `approvers` (matched by user id)';
  }
  const known = eligibility.get(actor.id);
  if (known === undefined) return 'eligibility could not be established (fails closed)';
  return known ? undefined : 'lacks the permission to approve';
}

/**
 * Decide. Deny wins: an eligible deny anywhere in `events` makes the request
 * denied, whatever came before it, because a snapshot cannot tell whether
 * the wait had already ended.
 */
export function evaluate(
  policy: ApprovalPolicy,
  request: PendingRequest,
  events: readonly ApprovalEvent[],
  eligibility: Eligibility = new Map(),
): Decision {
  const ignored: IgnoredEvent[] = [];
  const approvers = new Map<number, CountedApproval>();
  let deniedBy: CountedApproval | undefined;
  for (const event of events) {
    const verdict = classify(policy, request, event, eligibility);
    if ('reason' in verdict) {
      ignored.push({ event: describeEvent(event), who: who(event.author), reason: verdict.reason });
      continue;
    }
    const counted: CountedApproval = {
      actor: event.author,
      evidence: describeEvent(event),
      ...(event.url === undefined ? {} : { url: event.url }),
    };
    if (verdict.verb === 'deny') deniedBy ??= counted;
    else if (!approvers.has(event.author.id)) approvers.set(event.author.id, counted);
    else
      ignored.push({ event: counted.evidence, who: who(event.author), reason: 'already counted' });
  }
  const list = [...approvers.values()];
  if (deniedBy !== undefined) return { state: 'denied', approvers: list, deniedBy, ignored };
  const state = list.length >= Math.max(1, policy.required) ? 'approved' : 'pending';
  return { state, approvers: list, ignored };
}

/** The users whose default-rule eligibility `evaluate` will need: authors of commands for this request. */
export function usersToLookUp(
  policy: ApprovalPolicy,
  request: PendingRequest,
  events: readonly ApprovalEvent[],
): Actor[] {
  if (policy.approverIds !== undefined) return [];
  const out = new Map<number, Actor>();
  for (const event of events) {
    const verdict = classify(policy, request, event, new Map([[event.author.id, true]]));
    if (!('reason' in verdict)) out.set(event.author.id, event.author);
  }
  return [...out.values()];
}

/**
 * A policy that can never pass is a configuration error, found before anyone
 * is asked to approve: `approvals: 3` with two named approvers, or with the
 * actor as the only one.
 */
export function checkSatisfiable(policy: ApprovalPolicy, candidates?: readonly Actor[]): void {
  if (!Number.isInteger(policy.required) || policy.required < 1) {
    throw new GatepassError('CONFIG', `approvals must be a whole number of 1 or more to wait`, {
      hint: 'Set `approvals` to the number of distinct approvers needed',
    });
  }
  if (policy.approverIds === undefined) return;
  const usable =
    candidates === undefined
      ? [...policy.approverIds].filter((id) => policy.allowSelfApproval || !policy.self.ids.has(id))
      : candidates
          .filter((a) => policy.approverIds?.has(a.id) === true)
          .filter((a) => ineligibility(policy, a, new Map()) === undefined)
          .map((a) => a.id);
  const distinct = new Set(usable).size;
  if (distinct < policy.required) {
    throw new GatepassError(
      'CONFIG',
      `approvals: ${policy.required} can never be met: \`approvers\` name ${distinct} user${distinct === 1 ? '' : 's'} who may approve (bots, the PR author and the actor excluded)`,
      {
        hint: 'Add approvers, lower `approvals`, or set `allow-self-approval: true` if the author may approve',
      },
    );
  }
}

/**
 * With `approval-source: gateway` and `approvals: 1` the user asked for a
 * human at the gateway, so a credential the gateway issued at once, without
 * ever answering pending (token-exchange `authorization_pending`, a hoop
 * review), was issued without one: fail closed. main calls this for each
 * credential once the gateway has answered, with `heldByGateway` true when
 * the first answer was pending; when it throws, the credential exists and
 * must be revoked before the step fails.
 */
export function requireGatewayReview(
  config: Pick<RunConfig, 'approvals'>,
  heldByGateway: boolean,
  credential: string,
): void {
  const { required, source } = config.approvals;
  if (source !== 'gateway' || required === 0 || heldByGateway) return;
  throw new GatepassError(
    'CONFIG',
    `the gateway issued "${credential}" without holding it for approval, but \`approvals: ${required}\` with \`approval-source: gateway\` asks for a human; it is revoked`,
    {
      hint: "Make the gateway's policy hold this credential for review (token-exchange: answer authorization_pending; hoop: a review on the connection), or set `approvals: 0`",
    },
  );
}

type Verdict = { verb: Command['verb'] } | { reason: string };

function classify(
  policy: ApprovalPolicy,
  request: PendingRequest,
  event: ApprovalEvent,
  eligibility: Eligibility,
): Verdict {
  const timing =
    event.kind === 'comment' ? commentTiming(request, event) : grantTiming(request, event);
  if (timing !== undefined) return { reason: timing };
  let verb: Command['verb'] = 'approve';
  if (event.kind === 'comment') {
    const command = parseCommand(event.body, policy.syntax);
    if (event.updatedAt !== event.createdAt && command?.verb !== 'deny') {
      return { reason: 'edited after it was written' };
    }
    if (command === undefined) return { reason: 'first line is not a command' };
    if (command.id !== request.id.toLowerCase()) {
      return { reason: `names request ${command.id}, not ${request.id}` };
    }
    verb = command.verb;
  }
  const notEligible = ineligibility(policy, event.author, eligibility);
  return notEligible === undefined ? { verb } : { reason: notEligible };
}

function commentTiming(request: PendingRequest, event: CommentEvent): string | undefined {
  if (event.system === true) return 'system note';
  if (event.createdAt > request.createdAt) return undefined;
  const sameSecondAfter =
    event.createdAt === request.createdAt &&
    event.sequence !== undefined &&
    request.sequence !== undefined &&
    event.sequence > request.sequence;
  return sameSecondAfter ? undefined : 'written before the request';
}

function grantTiming(request: PendingRequest, event: GrantEvent): string | undefined {
  if (request.grantsFrom === undefined) return 'approvals are not accepted for this request';
  if (event.at === undefined)
    return 'the platform does not say when it was approved (fails closed)';
  return event.at >= request.grantsFrom ? undefined : 'given before this commit was pushed';
}

function describeEvent(event: ApprovalEvent): string {
  return event.kind === 'comment' ? `comment ${event.id}` : `approval ${event.id}`;
}

function who(actor: Actor): string {
  return `${actor.login} (id ${actor.id})`;
}
