/**
 * The built-in rules (docs/guardrails.md § Defaults). Each has a name the
 * blocked client sees and that a user rule can reuse to replace it. Denials
 * come before the review of what cannot be analysed, so a statement that is
 * both (a DO block calling nothing we can see is only the latter) gets the
 * stronger verdict.
 */
import type { HttpRule, SqlRule } from './types.js';

/**
 * The names verdicts give what gatepass cannot read (SQL that does not parse,
 * a path that does not normalise). Not rules: nobody can relax them, and no
 * rule may take these names.
 */
export const UNPARSEABLE = 'unparseable-sql';
export const MALFORMED_PATH = 'malformed-path';

/** Server files, server programs, other sessions and the server's own state. */
export const SERVER_FUNCTIONS: readonly string[] = [
  'pg_read_file',
  'pg_read_binary_file',
  'pg_stat_file',
  'pg_ls_*',
  'pg_file_*',
  'pg_logdir_ls',
  'lo_import',
  'lo_export',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_promote',
  'pg_switch_wal',
  'pg_create_restore_point',
  'pg_backup_start',
  'pg_backup_stop',
  'pg_log_backend_memory_contexts',
  '*replication_slot',
  'pg_replication_origin_*',
  'pg_wal_replay_*',
  'dblink*',
];

const deny = (name: string, rule: Omit<SqlRule, 'name' | 'action' | 'builtIn'>): SqlRule => ({
  name,
  action: 'deny',
  builtIn: true,
  ...rule,
});

export const SQL_DEFAULTS: readonly SqlRule[] = [
  deny('no-role-changes', {
    statements: ['CREATE ROLE', 'ALTER ROLE', 'DROP ROLE', 'REASSIGN OWNED'],
  }),
  deny('no-set-role', { statements: ['SET ROLE', 'SET SESSION AUTHORIZATION'] }),
  deny('no-drop', { statements: ['DROP *'] }),
  deny('no-truncate', { statements: ['TRUNCATE'] }),
  deny('no-grants', { statements: ['GRANT', 'REVOKE', 'ALTER DEFAULT PRIVILEGES'] }),
  deny('no-server-copy', {
    statements: ['COPY FROM FILE', 'COPY TO FILE', 'COPY FROM PROGRAM', 'COPY TO PROGRAM'],
  }),
  deny('no-extensions', { statements: ['CREATE EXTENSION', 'ALTER EXTENSION', 'CREATE LANGUAGE'] }),
  deny('no-alter-system', { statements: ['ALTER SYSTEM'] }),
  deny('no-load', { statements: ['LOAD'] }),
  deny('no-unbounded-writes', { statements: ['UPDATE', 'DELETE', 'MERGE'], withoutWhere: true }),
  deny('no-server-functions', { functions: SERVER_FUNCTIONS }),
  // Foreign data reaches outside the database: another server, or with
  // file_fdw a server file or program (its `filename` and `program` options).
  {
    name: 'review-foreign-data',
    action: 'review',
    builtIn: true,
    statements: [
      'CREATE FOREIGN DATA WRAPPER',
      'ALTER FOREIGN DATA WRAPPER',
      'CREATE SERVER',
      'ALTER SERVER',
      'CREATE USER MAPPING',
      'ALTER USER MAPPING',
      'CREATE FOREIGN TABLE',
      'ALTER FOREIGN TABLE',
      'IMPORT FOREIGN SCHEMA',
      'CREATE SUBSCRIPTION',
      'ALTER SUBSCRIPTION',
    ],
  },
  { name: 'review-unanalysable', action: 'review', builtIn: true, unanalysable: true },
];

/**
 * None: which endpoints of an API are dangerous is the API's business, and
 * the credential's own scope is the first control. Users add their rules.
 */
export const HTTP_DEFAULTS: readonly HttpRule[] = [];
