/**
 * Statement kinds: the stable labels rules name (`DROP TABLE`, `COPY TO
 * PROGRAM`), derived from PostgreSQL's parse tree (the node type and the
 * object type it carries), never from the statement's text.
 */

/** An object type as the parser spells it (`OBJECT_MATVIEW`) → as SQL spells it. */
const OBJECT_LABELS: Readonly<Record<string, string>> = {
  OBJECT_ACCESS_METHOD: 'ACCESS METHOD',
  OBJECT_AGGREGATE: 'AGGREGATE',
  OBJECT_AMOP: 'OPERATOR FAMILY',
  OBJECT_AMPROC: 'OPERATOR FAMILY',
  OBJECT_ATTRIBUTE: 'TYPE',
  OBJECT_CAST: 'CAST',
  OBJECT_COLUMN: 'COLUMN',
  OBJECT_COLLATION: 'COLLATION',
  OBJECT_CONVERSION: 'CONVERSION',
  OBJECT_DATABASE: 'DATABASE',
  OBJECT_DEFAULT: 'DEFAULT',
  OBJECT_DEFACL: 'DEFAULT PRIVILEGES',
  OBJECT_DOMAIN: 'DOMAIN',
  OBJECT_DOMCONSTRAINT: 'DOMAIN', // ALTER DOMAIN … RENAME CONSTRAINT alters the domain
  OBJECT_EVENT_TRIGGER: 'EVENT TRIGGER',
  OBJECT_EXTENSION: 'EXTENSION',
  OBJECT_FDW: 'FOREIGN DATA WRAPPER',
  OBJECT_FOREIGN_SERVER: 'SERVER',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
  OBJECT_FUNCTION: 'FUNCTION',
  OBJECT_INDEX: 'INDEX',
  OBJECT_LANGUAGE: 'LANGUAGE',
  OBJECT_LARGEOBJECT: 'LARGE OBJECT',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_OPCLASS: 'OPERATOR CLASS',
  OBJECT_OPERATOR: 'OPERATOR',
  OBJECT_OPFAMILY: 'OPERATOR FAMILY',
  OBJECT_PARAMETER_ACL: 'PARAMETER',
  OBJECT_POLICY: 'POLICY',
  OBJECT_PROCEDURE: 'PROCEDURE',
  OBJECT_PUBLICATION: 'PUBLICATION',
  OBJECT_PUBLICATION_NAMESPACE: 'PUBLICATION',
  OBJECT_PUBLICATION_REL: 'PUBLICATION',
  OBJECT_ROLE: 'ROLE',
  OBJECT_ROUTINE: 'ROUTINE',
  OBJECT_RULE: 'RULE',
  OBJECT_SCHEMA: 'SCHEMA',
  OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_SUBSCRIPTION: 'SUBSCRIPTION',
  OBJECT_STATISTIC_EXT: 'STATISTICS',
  OBJECT_TABCONSTRAINT: 'CONSTRAINT',
  OBJECT_TABLE: 'TABLE',
  OBJECT_TABLESPACE: 'TABLESPACE',
  OBJECT_TRANSFORM: 'TRANSFORM',
  OBJECT_TRIGGER: 'TRIGGER',
  OBJECT_TSCONFIGURATION: 'TEXT SEARCH CONFIGURATION',
  OBJECT_TSDICTIONARY: 'TEXT SEARCH DICTIONARY',
  OBJECT_TSPARSER: 'TEXT SEARCH PARSER',
  OBJECT_TSTEMPLATE: 'TEXT SEARCH TEMPLATE',
  OBJECT_TYPE: 'TYPE',
  OBJECT_USER_MAPPING: 'USER MAPPING',
  OBJECT_VIEW: 'VIEW',
};

/** Object types whose names are relations (`schema.name`), for `tables`. */
export const RELATION_OBJECTS: ReadonlySet<string> = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_INDEX',
  'OBJECT_SEQUENCE',
  'OBJECT_FOREIGN_TABLE',
]);

/** Statements whose kind is fixed by the node type alone. */
const FIXED: Readonly<Record<string, string>> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  CreateStmt: 'CREATE TABLE',
  CreateForeignTableStmt: 'CREATE FOREIGN TABLE',
  ViewStmt: 'CREATE VIEW',
  IndexStmt: 'CREATE INDEX',
  CreateSchemaStmt: 'CREATE SCHEMA',
  CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  CreateDomainStmt: 'CREATE DOMAIN',
  AlterDomainStmt: 'ALTER DOMAIN',
  CompositeTypeStmt: 'CREATE TYPE',
  CreateEnumStmt: 'CREATE TYPE',
  CreateRangeStmt: 'CREATE TYPE',
  AlterEnumStmt: 'ALTER TYPE',
  AlterTypeStmt: 'ALTER TYPE',
  CreateTrigStmt: 'CREATE TRIGGER',
  CreateEventTrigStmt: 'CREATE EVENT TRIGGER',
  AlterEventTrigStmt: 'ALTER EVENT TRIGGER',
  RuleStmt: 'CREATE RULE',
  CreatePolicyStmt: 'CREATE POLICY',
  AlterPolicyStmt: 'ALTER POLICY',
  CreateRoleStmt: 'CREATE ROLE',
  AlterRoleStmt: 'ALTER ROLE',
  AlterRoleSetStmt: 'ALTER ROLE',
  DropRoleStmt: 'DROP ROLE',
  AlterDefaultPrivilegesStmt: 'ALTER DEFAULT PRIVILEGES',
  TruncateStmt: 'TRUNCATE',
  CreateExtensionStmt: 'CREATE EXTENSION',
  AlterExtensionStmt: 'ALTER EXTENSION',
  AlterExtensionContentsStmt: 'ALTER EXTENSION',
  AlterSystemStmt: 'ALTER SYSTEM',
  LoadStmt: 'LOAD',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  VariableShowStmt: 'SHOW',
  CommentStmt: 'COMMENT',
  SecLabelStmt: 'SECURITY LABEL',
  DeclareCursorStmt: 'DECLARE CURSOR',
  ClosePortalStmt: 'CLOSE',
  CreateStatsStmt: 'CREATE STATISTICS',
  AlterStatsStmt: 'ALTER STATISTICS',
  AlterCollationStmt: 'ALTER COLLATION',
  CreatedbStmt: 'CREATE DATABASE',
  AlterDatabaseStmt: 'ALTER DATABASE',
  AlterDatabaseSetStmt: 'ALTER DATABASE',
  AlterDatabaseRefreshCollStmt: 'ALTER DATABASE',
  DropdbStmt: 'DROP DATABASE',
  CreateTableSpaceStmt: 'CREATE TABLESPACE',
  DropTableSpaceStmt: 'DROP TABLESPACE',
  AlterTableSpaceOptionsStmt: 'ALTER TABLESPACE',
  AlterTableMoveAllStmt: 'ALTER TABLESPACE',
  CreateFdwStmt: 'CREATE FOREIGN DATA WRAPPER',
  AlterFdwStmt: 'ALTER FOREIGN DATA WRAPPER',
  CreateForeignServerStmt: 'CREATE SERVER',
  AlterForeignServerStmt: 'ALTER SERVER',
  CreateUserMappingStmt: 'CREATE USER MAPPING',
  AlterUserMappingStmt: 'ALTER USER MAPPING',
  DropUserMappingStmt: 'DROP USER MAPPING',
  ImportForeignSchemaStmt: 'IMPORT FOREIGN SCHEMA',
  CreateAmStmt: 'CREATE ACCESS METHOD',
  CreatePLangStmt: 'CREATE LANGUAGE',
  CreateOpClassStmt: 'CREATE OPERATOR CLASS',
  CreateOpFamilyStmt: 'CREATE OPERATOR FAMILY',
  AlterOpFamilyStmt: 'ALTER OPERATOR FAMILY',
  AlterOperatorStmt: 'ALTER OPERATOR',
  NotifyStmt: 'NOTIFY',
  ListenStmt: 'LISTEN',
  UnlistenStmt: 'UNLISTEN',
  ClusterStmt: 'CLUSTER',
  ExplainStmt: 'EXPLAIN',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  CheckPointStmt: 'CHECKPOINT',
  DiscardStmt: 'DISCARD',
  LockStmt: 'LOCK',
  ConstraintsSetStmt: 'SET CONSTRAINTS',
  ReindexStmt: 'REINDEX',
  CreateConversionStmt: 'CREATE CONVERSION',
  CreateCastStmt: 'CREATE CAST',
  CreateTransformStmt: 'CREATE TRANSFORM',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  DeallocateStmt: 'DEALLOCATE',
  DropOwnedStmt: 'DROP OWNED',
  ReassignOwnedStmt: 'REASSIGN OWNED',
  AlterTSDictionaryStmt: 'ALTER TEXT SEARCH DICTIONARY',
  AlterTSConfigurationStmt: 'ALTER TEXT SEARCH CONFIGURATION',
  CreatePublicationStmt: 'CREATE PUBLICATION',
  AlterPublicationStmt: 'ALTER PUBLICATION',
  CreateSubscriptionStmt: 'CREATE SUBSCRIPTION',
  AlterSubscriptionStmt: 'ALTER SUBSCRIPTION',
  DropSubscriptionStmt: 'DROP SUBSCRIPTION',
};

const TRANSACTION: Readonly<Record<string, string>> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'BEGIN',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/** Kinds the statements below produce besides FIXED, TRANSACTION and DROP/ALTER <object>. */
const OTHER_KINDS = [
  'SELECT',
  'CREATE TABLE AS',
  'CREATE MATERIALIZED VIEW',
  'GRANT',
  'REVOKE',
  'SET',
  'SET ROLE',
  'SET SESSION AUTHORIZATION',
  'RESET',
  'VACUUM',
  'ANALYZE',
  'FETCH',
  'MOVE',
  'CREATE FUNCTION',
  'CREATE PROCEDURE',
  'CREATE AGGREGATE',
  'CREATE OPERATOR',
  'CREATE TYPE',
  'CREATE COLLATION',
  'CREATE TEXT SEARCH CONFIGURATION',
  'CREATE TEXT SEARCH DICTIONARY',
  'CREATE TEXT SEARCH PARSER',
  'CREATE TEXT SEARCH TEMPLATE',
  ...['FROM STDIN', 'TO STDOUT', 'FROM FILE', 'TO FILE', 'FROM PROGRAM', 'TO PROGRAM'].map(
    (way) => `COPY ${way}`,
  ),
];

/** Labels that are never DROPped or ALTERed on their own (ALTER TABLE … DROP COLUMN is below). */
const NOT_ON_THEIR_OWN = new Set([
  'COLUMN',
  'CONSTRAINT',
  'DEFAULT',
  'DEFAULT PRIVILEGES',
  'PARAMETER',
]);

/**
 * Every kind the classifier produces; rules are validated against it, and a
 * statement of another kind is classified as not analysable.
 */
export const KNOWN_KINDS: ReadonlySet<string> = new Set([
  ...Object.values(FIXED),
  ...Object.values(TRANSACTION),
  ...OTHER_KINDS,
  'DROP COLUMN',
  'DROP CONSTRAINT',
  ...Object.values(OBJECT_LABELS)
    .filter((label) => !NOT_ON_THEIR_OWN.has(label))
    .flatMap((label) => [`DROP ${label}`, `ALTER ${label}`]),
]);

/**
 * Names a rule may use for one or more kinds: SQL's synonyms (`DROP USER` is
 * `DROP ROLE` to the parser), and `COPY` for every COPY.
 */
export const KIND_ALIASES: Readonly<Record<string, readonly string[]>> = {
  COPY: OTHER_KINDS.filter((kind) => kind.startsWith('COPY ')),
  'CREATE USER': ['CREATE ROLE'],
  'CREATE GROUP': ['CREATE ROLE'],
  'ALTER USER': ['ALTER ROLE'],
  'ALTER GROUP': ['ALTER ROLE'],
  'DROP USER': ['DROP ROLE'],
  'DROP GROUP': ['DROP ROLE'],
  'START TRANSACTION': ['BEGIN'],
  END: ['COMMIT'],
  ABORT: ['ROLLBACK'],
  'SELECT INTO': ['CREATE TABLE AS'],
};

export type Json = Record<string, unknown>;

/**
 * Node types named `…Stmt` that are parts of a statement, not statements:
 * a set operation's arms, a SQL function's RETURN, PL/pgSQL assignment, and
 * `ALTER TABLE … REPLICA IDENTITY`'s argument.
 */
export const NOT_STATEMENTS: ReadonlySet<string> = new Set([
  'RawStmt',
  'SetOperationStmt',
  'ReturnStmt',
  'PLAssignStmt',
  'ReplicaIdentityStmt',
]);

export function objectLabel(objectType: unknown): string {
  return typeof objectType === 'string' ? (OBJECT_LABELS[objectType] ?? 'OBJECT') : 'OBJECT';
}

/** The kind of one statement node (`type` is its key in the tree, `body` its value). */
export function kindOf(type: string, body: Json): string {
  const fixed = FIXED[type];
  if (fixed !== undefined) return fixed;
  switch (type) {
    case 'SelectStmt':
      return body['intoClause'] === undefined ? 'SELECT' : 'CREATE TABLE AS';
    case 'CreateTableAsStmt':
      return body['objtype'] === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS';
    case 'DropStmt':
      return `DROP ${objectLabel(body['removeType'])}`;
    case 'AlterTableStmt':
      return `ALTER ${objectLabel(body['objtype'])}`;
    case 'RenameStmt':
      return `ALTER ${objectLabel(renamed(body))}`;
    case 'AlterObjectSchemaStmt':
    case 'AlterOwnerStmt':
    case 'AlterObjectDependsStmt':
      return `ALTER ${objectLabel(body['objectType'])}`;
    case 'AlterFunctionStmt':
      return `ALTER ${objectLabel(body['objtype'])}`;
    case 'CreateFunctionStmt':
      return body['is_procedure'] === true ? 'CREATE PROCEDURE' : 'CREATE FUNCTION';
    case 'DefineStmt':
      return `CREATE ${objectLabel(body['kind'])}`;
    case 'GrantStmt':
    case 'GrantRoleStmt':
      return body['is_grant'] === true ? 'GRANT' : 'REVOKE';
    case 'TransactionStmt':
      return TRANSACTION[String(body['kind'])] ?? 'BEGIN';
    case 'VacuumStmt':
      return body['is_vacuumcmd'] === true ? 'VACUUM' : 'ANALYZE';
    case 'FetchStmt':
      return body['ismove'] === true ? 'MOVE' : 'FETCH';
    case 'VariableSetStmt':
      return setKind(body);
    case 'CopyStmt':
      return copyKind(body);
    default:
      return `UNKNOWN ${type}`;
  }
}

/** RENAME COLUMN / CONSTRAINT alter the relation they belong to. */
function renamed(body: Json): unknown {
  const type = body['renameType'];
  if (type !== 'OBJECT_COLUMN' && type !== 'OBJECT_TABCONSTRAINT') return type;
  const relation = body['relationType'];
  return typeof relation === 'string' && RELATION_OBJECTS.has(relation) ? relation : 'OBJECT_TABLE';
}

function setKind(body: Json): string {
  if (body['kind'] === 'VAR_RESET' || body['kind'] === 'VAR_RESET_ALL') return 'RESET';
  if (body['name'] === 'role') return 'SET ROLE';
  if (body['name'] === 'session_authorization') return 'SET SESSION AUTHORIZATION';
  return 'SET';
}

/** COPY's direction and end: the client (STDIN/STDOUT), a server file, or a server program. */
function copyKind(body: Json): string {
  const from = body['is_from'] === true;
  if (body['is_program'] === true) return from ? 'COPY FROM PROGRAM' : 'COPY TO PROGRAM';
  if (typeof body['filename'] === 'string') return from ? 'COPY FROM FILE' : 'COPY TO FILE';
  return from ? 'COPY FROM STDIN' : 'COPY TO STDOUT';
}
