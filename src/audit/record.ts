/**
 * The audit record of one run and its renderings: the JSON file and the job
 * summary. Records are built only from names, settings and times, never from
 * a credential's values, so neither rendering can hold a secret; callers
 * still pass the text through the masker before writing it, in case a
 * gateway's error message quoted one.
 */
import type { ExportMode, Provider } from '../config/config.js';
import type { CredentialRequest, Issued } from '../gateways/gateway.js';
import type { Approver } from '../approvals/policy.js';
import { formatDuration } from '../common/retry.js';

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

export type { Approver } from '../approvals/policy.js';

export interface CredentialRecord {
  name: string;
  provider: Provider;
  /** What was asked for: "scope deploy", "path database/creds/x", "connection pg". */
  target: string;
  requestedTtlSeconds: number;
  grantedTtlSeconds: number | undefined;
  issuedAt: string;
  expiresAt: string | undefined;
  /** Variable names only. */
  env: string[];
  revocable: boolean;
  /** Approved by the gateway's own review (it answered pending, then issued). */
  gatewayApproval?: { url?: string; waitedMs: number };
  /** `proxy:` set: what went through the loopback endpoint (statement text masked). */
  dataPath?: DataPathRecord;
}

/** A data path's session, counted; each statement or request is in the session log. */
export interface DataPathRecord {
  kind: 'postgres' | 'http';
  /** The upstream, without credentials. */
  upstream: string;
  /** The loopback endpoint, without its local secret. */
  endpoint: string;
  /** Statements (PostgreSQL) or requests (HTTP) seen, blocked and held ones included. */
  total: number;
  /** Of those, how many failed upstream (an SQL error, a 5xx, no answer). */
  errors: number;
  /** Per statement kind (`SELECT`, `CREATE TABLE`, ...) or HTTP method. */
  byKind: Record<string, number>;
  blocked: BlockedRecord[];
  held: HeldRecord[];
  /** How often the upstream credential was issued again before it expired. */
  refreshed: number;
  /** The JSONL session log. */
  sessionLog?: string;
}

export interface BlockedRecord {
  time: string;
  kinds: string[];
  rule: string;
  /** The statement or `METHOD /path`, masked, cut at 2,000 characters. */
  text: string;
}

export interface HeldRecord extends BlockedRecord {
  outcome: 'approved' | 'denied' | 'timed-out' | 'abandoned' | 'failed' | 'no-approval-source';
  approvers?: string[];
}

export interface RevocationRecord {
  name: string;
  /** `unconfirmed`: requested, but no answer came (cancelled or timed out); nothing to revoke with. */
  result: 'revoked' | 'failed' | 'skipped' | 'unconfirmed';
  /** One line, no secret; why it failed or was skipped. */
  detail?: string;
  at: string;
}

export interface AuditRecord {
  version: 1;
  tool: 'gatepass';
  toolVersion: string;
  requestId: string;
  outcome: 'pending' | 'issued' | 'succeeded' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt?: string;
  context: RunContext;
  /** Claims of the identity token the gateway was shown (never the token). */
  identity?: { iss?: string; sub?: string; aud?: string | string[] };
  gateway: { provider: Provider; url: string };
  approval: { required: number; approvers: Approver[] };
  credentials: CredentialRecord[];
  delivery: {
    run: boolean;
    export: ExportMode;
    exitCode?: number;
    signal?: string;
    durationMs?: number;
    /** ISO 8601: when the command exited. */
    endedAt?: string;
  };
  error?: { code: string; message: string };
  revocations?: RevocationRecord[];
}

export function auditFileName(id: string): string {
  return `gatepass-audit-${id}.json`;
}

/** The data path's session log, beside the audit record. */
export function sessionLogName(id: string): string {
  return `gatepass-sessions-${id}.jsonl`;
}

export function credentialRecord(
  provider: Provider,
  request: CredentialRequest,
  issued: Issued,
  env: readonly string[],
  issuedAt: Date,
): CredentialRecord {
  const expiresAt = issued.expiresAt;
  return {
    name: request.name,
    provider,
    target: describeTarget(request),
    requestedTtlSeconds: request.ttlSeconds,
    grantedTtlSeconds:
      expiresAt === undefined
        ? undefined
        : Math.max(0, Math.round((expiresAt.getTime() - issuedAt.getTime()) / 1000)),
    issuedAt: issuedAt.toISOString(),
    expiresAt: expiresAt?.toISOString(),
    env: [...env],
    revocable: issued.revocation !== undefined,
  };
}

export function describeTarget(request: CredentialRequest): string {
  if (request.vault !== undefined) return `path ${request.vault.path}`;
  if (request.hoop !== undefined) return `connection ${request.hoop.connection}`;
  const te = request.tokenExchange ?? {};
  const parts = [
    te.scope === undefined ? undefined : `scope ${te.scope}`,
    te.audience === undefined ? undefined : `audience ${[te.audience].flat().join(' ')}`,
    te.resource === undefined ? undefined : `resource ${[te.resource].flat().join(' ')}`,
    te.serviceAccount === undefined
      ? undefined
      : `service account ${serviceAccountName(te.serviceAccount)}`,
  ].filter((p) => p !== undefined);
  return parts.length === 0 ? 'default' : parts.join(', ');
}

/** The email of a `service-account` given as its generateAccessToken URL. */
function serviceAccountName(value: string): string {
  const match = /\/serviceAccounts\/([^/]+):generateAccessToken$/.exec(value);
  return match?.[1] === undefined ? value : decodeURIComponent(match[1]);
}

/** The earliest expiry, for the `expires-at` output. */
export function earliestExpiry(records: readonly CredentialRecord[]): string | undefined {
  const times = records.map((r) => r.expiresAt).filter((t) => t !== undefined);
  return times.sort()[0];
}

// ---------------------------------------------------------------------------
// job summary (GitHub-flavoured markdown)

const OUTCOME: Record<AuditRecord['outcome'], string> = {
  pending: '⏳ waiting',
  issued: '🔑 issued',
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  cancelled: '🚫 cancelled',
};

export function renderSummary(record: AuditRecord): string {
  const unrevoked = (record.revocations ?? []).filter((r) => r.result === 'failed').length;
  const warning = unrevoked === 0 ? '' : ` · ❌ ${unrevoked} not revoked`;
  const lines = [
    `### gatepass: ${OUTCOME[record.outcome]}${warning}`,
    '',
    identityLine(record),
    '',
  ];
  if (record.credentials.length > 0) {
    lines.push(
      '| Credential | Provider | Scope / path / connection | Granted TTL | Expires (UTC) | Approved by | Variables |',
      '|---|---|---|---|---|---|---|',
      ...record.credentials.map((c) => credentialRow(c, record.approval.approvers)),
      '',
    );
  }
  for (const c of record.credentials) {
    if (c.dataPath !== undefined) lines.push(...dataPathSection(c.name, c.dataPath), '');
  }
  lines.push(deliveryLine(record));
  if (record.error !== undefined) lines.push('', `**Error:** ${cell(record.error.message)}`);
  if (record.revocations !== undefined && record.revocations.length > 0) {
    lines.push('', revocationTable(record.revocations, record.delivery.endedAt));
  }
  return `${lines.join('\n')}\n`;
}

function identityLine(record: AuditRecord): string {
  const c = record.context;
  const base =
    c.serverUrl !== undefined && c.repository !== undefined
      ? `${c.serverUrl}/${c.repository}`
      : undefined;
  const parts = [`Request \`${record.requestId}\``];
  if (c.repository !== undefined)
    parts.push(base === undefined ? cell(c.repository) : link(c.repository, base));
  if (c.ref !== undefined) parts.push(`ref \`${code(c.ref)}\``);
  if (c.sha !== undefined) {
    const short = `\`${code(c.sha.slice(0, 12))}\``;
    const url = base === undefined ? undefined : commitUrl(c.platform, base, c.sha);
    parts.push(`commit ${url === undefined ? short : link(short, url, false)}`);
  }
  if (c.runId !== undefined) {
    const { label, url } = runLink(c, base);
    parts.push(url === undefined ? label : link(label, url));
  }
  if (record.identity?.sub !== undefined) parts.push(`identity \`${code(record.identity.sub)}\``);
  parts.push(`gateway ${cell(record.gateway.url)} (${record.gateway.provider})`);
  return parts.join(' · ');
}

function commitUrl(
  platform: RunContext['platform'],
  base: string,
  sha: string,
): string | undefined {
  if (platform === 'gitlab') return `${base}/-/commit/${sha}`;
  return platform === 'github' ? `${base}/commit/${sha}` : undefined;
}

/** GitHub: run and attempt; GitLab: pipeline and job (a retried job is a new job). */
function runLink(c: RunContext, base: string | undefined): { label: string; url?: string } {
  const runId = c.runId ?? '';
  if (c.platform === 'gitlab') {
    const label = `pipeline ${runId}${c.runAttempt === undefined ? '' : ` job ${c.runAttempt}`}`;
    return base === undefined ? { label } : { label, url: `${base}/-/pipelines/${runId}` };
  }
  const attempt = c.runAttempt === undefined ? '' : `/attempts/${c.runAttempt}`;
  const label = `run ${runId}${c.runAttempt === undefined ? '' : ` attempt ${c.runAttempt}`}`;
  if (base === undefined || c.platform !== 'github') return { label };
  return { label, url: `${base}/actions/runs/${runId}${attempt}` };
}

function credentialRow(c: CredentialRecord, approvers: readonly Approver[]): string {
  const granted =
    c.grantedTtlSeconds === undefined ? 'unknown' : formatDuration(c.grantedTtlSeconds * 1000);
  const people = approvers.map((a) => (a.url === undefined ? cell(a.login) : link(a.login, a.url)));
  const gateway = c.gatewayApproval;
  if (gateway !== undefined) {
    people.push(gateway.url === undefined ? 'at the gateway' : link('at the gateway', gateway.url));
  }
  const who = people.length === 0 ? '—' : people.join(', ');
  const env = c.env.length === 0 ? '—' : c.env.map((v) => `\`${code(v)}\``).join(' ');
  return `| ${cell(c.name)} | ${c.provider} | ${cell(c.target)} | ${granted} | ${c.expiresAt ?? 'unknown'} | ${who} | ${env} |`;
}

/** Counts per kind, then every blocked and held statement or request. */
function dataPathSection(name: string, path: DataPathRecord): string[] {
  const unit = path.kind === 'postgres' ? 'statement' : 'request';
  const kinds = Object.entries(path.byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${cell(kind)} ${n}`)
    .join(' · ');
  const lines = [
    `**Data path \`${code(name)}\`** (${path.kind}, upstream ${cell(path.upstream)}): ${dataPathCounts(path)}${kinds === '' ? '' : ` — ${kinds}`}`,
  ];
  if (path.blocked.length + path.held.length > 0) {
    lines.push(
      '',
      `| ${unit} | rule | outcome | when (UTC) |`,
      '|---|---|---|---|',
      ...path.blocked.map((b) => `| \`${code(b.text)}\` | ${cell(b.rule)} | blocked | ${b.time} |`),
      ...path.held.map(
        (h) =>
          `| \`${code(h.text)}\` | ${cell(h.rule)} | held: ${h.outcome}${h.approvers === undefined ? '' : ` by ${h.approvers.map(cell).join(', ')}`} | ${h.time} |`,
      ),
    );
  }
  return lines;
}

/** "12 statements, 1 blocked, 1 held, 0 failed; renewed once; log: FILE" */
export function dataPathCounts(path: DataPathRecord): string {
  const unit = path.kind === 'postgres' ? 'statement' : 'request';
  const parts = [
    `${path.total} ${unit}${path.total === 1 ? '' : 's'}`,
    `${path.blocked.length} blocked`,
    `${path.held.length} held`,
    `${path.errors} failed`,
  ];
  const renewed = path.refreshed === 0 ? '' : `; credential renewed ${path.refreshed}×`;
  return `${parts.join(', ')}${renewed}${path.sessionLog === undefined ? '' : `; log ${path.sessionLog}`}`;
}

function deliveryLine(record: AuditRecord): string {
  return `Delivery: ${describeDelivery(record)}`;
}

/** "script exited 0 after 1.2 s · export: none" */
export function describeDelivery(record: AuditRecord): string {
  const d = record.delivery;
  const ran = !d.run
    ? 'no script'
    : d.exitCode === undefined
      ? 'script not run'
      : `script exited ${d.exitCode}${d.signal === undefined ? '' : ` (${d.signal})`}${d.durationMs === undefined ? '' : ` after ${formatDuration(d.durationMs)}`}`;
  return `${ran} · export: ${d.export}`;
}

/** " (0.2 s after the command ended)", when both times are known. */
export function afterCommand(at: string, endedAt: string | undefined): string {
  if (endedAt === undefined) return '';
  const ms = Date.parse(at) - Date.parse(endedAt);
  return ms >= 0 ? ` (${(ms / 1000).toFixed(1)} s after the command ended)` : '';
}

/** Post's and `gatepass revoke`'s report: what the main step left for them. */
export function renderRevocations(results: readonly RevocationRecord[]): string {
  return ['### gatepass: revocation', '', revocationTable(results, undefined)].join('\n');
}

const REVOCATION_RESULT = {
  revoked: '✅ revoked',
  failed: '❌ not revoked',
  skipped: '➖ skipped',
  unconfirmed: '⚠️ in flight, not confirmed',
} as const;

function revocationTable(
  results: readonly RevocationRecord[],
  endedAt: string | undefined,
): string {
  const after = (at: string): string => afterCommand(at, endedAt);
  return [
    '| Credential | Result | When (UTC) | Detail |',
    '|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${cell(r.name)} | ${REVOCATION_RESULT[r.result]} | ${r.at}${after(r.at)} | ${r.detail === undefined ? '' : cell(r.detail)} |`,
    ),
    '',
  ].join('\n');
}

/** Text safe in a table cell: no line breaks, pipes or HTML. */
function cell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/([\\`*_[\]])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|');
}

/** Text inside a code span: backticks cannot be escaped there, so drop them. */
function code(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/`/g, "'")
    .replace(/\|/g, '\\|');
}

function link(label: string, url: string, escape = true): string {
  const safe = /^https?:\/\/[^\s()<>]+$/.test(url) ? url : undefined;
  const text = escape ? cell(label) : label;
  return safe === undefined ? text : `[${text}](${safe})`;
}
