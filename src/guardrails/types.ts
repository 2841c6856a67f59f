/**
 * The shapes the guardrail layer shares: rules (as rules.ts validates them
 * from a credential request) and the verdict evaluate.ts returns.
 */
export type GuardAction = 'allow' | 'deny' | 'review';

export interface RuleBase {
  readonly name: string;
  readonly action: GuardAction;
  /** One of SQL_DEFAULTS or HTTP_DEFAULTS, or one a user wrote. */
  readonly builtIn: boolean;
}

/** Conditions all hold for a rule to match; a rule with none matches every statement. */
export interface SqlRule extends RuleBase {
  /** Kinds or kind globs (`DROP *`), aliases expanded; upper case. */
  readonly statements?: readonly string[];
  /** `schema.table` globs; a pattern without a schema matches every schema. */
  readonly tables?: readonly string[];
  /** Function name globs; without a schema they match the name in any schema. */
  readonly functions?: readonly string[];
  /** UPDATE/DELETE without a WHERE (MERGE without an ON) that looks at a column. */
  readonly withoutWhere?: true;
  /** Statements gatepass cannot see into (DO, CALL, an unseen EXECUTE…). */
  readonly unanalysable?: true;
}

export interface HttpRule extends RuleBase {
  /** Upper case. */
  readonly methods?: readonly string[];
  /** Path globs (`/v1/admin/**`), matched against the normalised path. */
  readonly paths?: readonly string[];
}

export interface SqlGuardrails {
  readonly rules: readonly SqlRule[];
}
export interface HttpGuardrails {
  readonly rules: readonly HttpRule[];
}

export interface Verdict {
  readonly action: GuardAction;
  /** The rule that decided; absent when no rule matched (allowed). */
  readonly rule?: string;
  /** One line for the client and the audit record; names kinds, tables and rules, never literals. */
  readonly reason: string;
  /** SQL: every statement kind seen, nested ones included, in order; HTTP: the method. */
  readonly kinds: readonly string[];
  /** SQL: the top-level statement (0-based) that decided, when one did. */
  readonly statement?: number;
}
