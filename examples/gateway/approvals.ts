/**
 * Approval requests for rules with `approval: required`. The token endpoint
 * answers `authorization_pending` (with an `approval_url`) until an admin
 * approves or denies through `POST /approvals/{id}`, the way RFC 8628's device
 * flow polls. One approval admits one exchange.
 */
import { createHash, randomBytes } from 'node:crypto';

export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired';

export interface Approval {
  id: string;
  key: string;
  state: ApprovalState;
  rule: string;
  sub: string;
  scope: string;
  audience: string[];
  createdAt: number;
  expiresAt: number;
  /** Seconds the client must wait between polls; grows with `slow_down`. */
  intervalSeconds: number;
  lastPollAt: number;
  decidedBy?: string;
}

export interface ApprovalSettings {
  /** Poll interval announced to clients. Default 5 s (fractions allowed, for tests). */
  intervalSeconds?: number;
  /** How long a request waits for a decision. Default 10 minutes. */
  expiresInSeconds?: number;
}

/** What the token endpoint should do for a request that needs approval. */
export type Gate =
  | { state: 'approved'; approval: Approval }
  | { state: 'pending' | 'slow_down' | 'denied' | 'expired'; approval: Approval };

export class ApprovalStore {
  readonly #byId = new Map<string, Approval>();
  readonly #byKey = new Map<string, string>();
  readonly #interval: number;
  readonly #ttl: number;

  constructor(settings: ApprovalSettings = {}) {
    this.#interval = settings.intervalSeconds ?? 5;
    this.#ttl = settings.expiresInSeconds ?? 600;
  }

  /**
   * The same exchange asked again (same client, identity, run, scope and
   * targets) finds its earlier approval request; anything else starts a new one.
   */
  static keyOf(parts: unknown[]): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
  }

  check(
    key: string,
    details: Pick<Approval, 'rule' | 'sub' | 'scope' | 'audience'>,
    now: number,
  ): Gate {
    const existing = this.#byKey.get(key);
    const approval = existing === undefined ? undefined : this.#byId.get(existing);
    if (approval === undefined)
      return { state: 'pending', approval: this.#create(key, details, now) };
    if (approval.state === 'pending' && now >= approval.expiresAt) approval.state = 'expired';
    switch (approval.state) {
      case 'approved':
        // One approval, one credential.
        this.#byKey.delete(key);
        return { state: 'approved', approval };
      case 'expired':
        this.#byKey.delete(key);
        return { state: 'expired', approval };
      case 'denied':
        return { state: 'denied', approval };
      case 'pending': {
        const early = now - approval.lastPollAt < approval.intervalSeconds * 1000;
        approval.lastPollAt = now;
        if (!early) return { state: 'pending', approval };
        approval.intervalSeconds += 5;
        return { state: 'slow_down', approval };
      }
    }
  }

  get(id: string): Approval | undefined {
    return this.#byId.get(id);
  }

  pending(): Approval[] {
    return [...this.#byId.values()].filter((a) => a.state === 'pending');
  }

  /** Record a decision; false when the request is not pending any more. */
  decide(id: string, decision: 'approve' | 'deny', approver: string, now: number): boolean {
    const approval = this.#byId.get(id);
    if (approval === undefined) return false;
    if (approval.state === 'pending' && now >= approval.expiresAt) approval.state = 'expired';
    if (approval.state !== 'pending') return false;
    approval.state = decision === 'approve' ? 'approved' : 'denied';
    approval.decidedBy = approver;
    return true;
  }

  #create(
    key: string,
    details: Pick<Approval, 'rule' | 'sub' | 'scope' | 'audience'>,
    now: number,
  ): Approval {
    const approval: Approval = {
      ...details,
      id: randomBytes(12).toString('base64url'),
      key,
      state: 'pending',
      createdAt: now,
      expiresAt: now + this.#ttl * 1000,
      intervalSeconds: this.#interval,
      lastPollAt: now,
    };
    this.#byId.set(approval.id, approval);
    this.#byKey.set(key, approval.id);
    return approval;
  }
}

/** A public view of an approval request (no tokens; it never holds any). */
export function describeApproval(a: Approval): Record<string, unknown> {
  return {
    id: a.id,
    state: a.state,
    rule: a.rule,
    sub: a.sub,
    scope: a.scope,
    audience: a.audience,
    created_at: new Date(a.createdAt).toISOString(),
    expires_at: new Date(a.expiresAt).toISOString(),
    ...(a.decidedBy === undefined ? {} : { decided_by: a.decidedBy }),
  };
}
