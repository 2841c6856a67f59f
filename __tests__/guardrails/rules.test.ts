import { describe, expect, it } from '@jest/globals';
import { describeError, GatepassError } from '../../src/common/errors.js';
import { parseHttpGuardrails, parseSqlGuardrails } from '../../src/guardrails/rules.js';
import { SQL_DEFAULTS } from '../../src/guardrails/defaults.js';

function sqlError(value: unknown): string {
  try {
    parseSqlGuardrails({ value, where: 'credentials[0].guardrails' });
  } catch (err) {
    expect(err).toBeInstanceOf(GatepassError);
    expect((err as GatepassError).code).toBe('INPUT');
    return describeError(err);
  }
  throw new Error('expected an error');
}

function httpError(value: unknown): string {
  try {
    parseHttpGuardrails({ value });
  } catch (err) {
    return describeError(err);
  }
  throw new Error('expected an error');
}

const rule = (extra: Record<string, unknown>): unknown => ({
  rules: [{ name: 'r', action: 'deny', ...extra }],
});

describe('parseSqlGuardrails: errors name the field and the fix', () => {
  it.each<[string, unknown, string]>([
    [
      'not a mapping',
      'deny everything',
      '`credentials[0].guardrails` must be a mapping. Write guardrails: { defaults: true, rules: [...] }',
    ],
    [
      'unknown top-level key',
      { rule: [] },
      '`credentials[0].guardrails` has an unknown key "rule". Did you mean `rules`?',
    ],
    [
      'defaults not a boolean',
      { defaults: 'yes' },
      '`credentials[0].guardrails.defaults` is "yes", not true or false. Write defaults: false to leave the built-in rules out, or remove it',
    ],
    [
      'rules not a list',
      { rules: { name: 'x' } },
      '`credentials[0].guardrails.rules` must be a list. Write rules: [{ name: ..., action: ... }]',
    ],
    [
      'too many rules',
      { rules: Array.from({ length: 201 }, (_, i) => ({ name: `r${i}`, action: 'deny' })) },
      '`credentials[0].guardrails.rules` has 201 rules, more than 200. Merge rules: one rule takes lists of statements, tables and functions',
    ],
    [
      'a rule that is not a mapping',
      { rules: ['no-drop'] },
      '`credentials[0].guardrails.rules[0]` must be a mapping. Write - { name: no-drop, action: deny, ... }',
    ],
    [
      'unknown rule key',
      rule({ statement: ['DROP TABLE'] }),
      '`credentials[0].guardrails.rules[0]` has an unknown key "statement". Did you mean `statements`?',
    ],
    [
      'unknown rule key without a near miss',
      rule({ colour: 'red' }),
      '`credentials[0].guardrails.rules[0]` has an unknown key "colour". Use name, action, statements, tables, functions, without-where, unanalysable',
    ],
    [
      'an HTTP key in a PostgreSQL rule',
      rule({ paths: ['/x'] }),
      '`credentials[0].guardrails.rules[0].paths` is for HTTP credentials. Use statements, tables, functions, without-where, unanalysable here',
    ],
    [
      'missing name',
      { rules: [{ action: 'deny' }] },
      '`credentials[0].guardrails.rules[0]` needs a `name`. Add name: with a unique name, e.g. name: no-drop-users',
    ],
    [
      'bad name',
      { rules: [{ name: 'No Drop', action: 'deny' }] },
      '`credentials[0].guardrails.rules[0].name` "No Drop" is not a rule name. Use 1 to 64 lowercase letters, digits and dashes, e.g. no-drop-users',
    ],
    [
      'too long a name',
      { rules: [{ name: 'a'.repeat(65), action: 'deny' }] },
      `\`credentials[0].guardrails.rules[0].name\` "${'a'.repeat(64)}…" is not a rule name. Use 1 to 64 lowercase letters, digits and dashes, e.g. no-drop-users`,
    ],
    [
      'a reserved name',
      { rules: [{ name: 'unparseable-sql', action: 'allow' }] },
      '`credentials[0].guardrails.rules[0].name` "unparseable-sql" is reserved. gatepass denies what it cannot read under this name; choose another',
    ],
    [
      'duplicate name',
      {
        rules: [
          { name: 'x', action: 'deny' },
          { name: 'x', action: 'allow' },
        ],
      },
      '`credentials[0].guardrails.rules[1].name` "x" is used twice. Rename one',
    ],
    [
      'missing action',
      { rules: [{ name: 'x' }] },
      '`credentials[0].guardrails.rules[0]` needs an `action`. Add action: deny, review or allow',
    ],
    [
      'misspelt action',
      { rules: [{ name: 'x', action: 'Deny!' }] },
      '`credentials[0].guardrails.rules[0].action` is "Deny!", not deny, review or allow. Did you mean deny?',
    ],
    [
      'unknown action',
      { rules: [{ name: 'x', action: 'block' }] },
      '`credentials[0].guardrails.rules[0].action` is "block", not deny, review or allow. Use deny, review or allow',
    ],
    [
      'statements not strings',
      rule({ statements: [1, 2] }),
      '`credentials[0].guardrails.rules[0].statements` must be a list of non-empty strings. Write statements: [DROP TABLE, TRUNCATE]',
    ],
    [
      'an empty statements list',
      rule({ statements: [] }),
      '`credentials[0].guardrails.rules[0].statements` must be a list of non-empty strings. Write statements: [DROP TABLE, TRUNCATE]',
    ],
    [
      'misspelt kind',
      rule({ statements: ['DROP TABLE', 'DROP TABEL'] }),
      '`credentials[0].guardrails.rules[0].statements[1]` "DROP TABEL" is not a statement kind. Did you mean DROP TABLE?',
    ],
    [
      'unknown kind',
      rule({ statements: ['FROBNICATE EVERYTHING'] }),
      '`credentials[0].guardrails.rules[0].statements[0]` "FROBNICATE EVERYTHING" is not a statement kind. docs/guardrails.md § Statement kinds lists them',
    ],
    [
      'a glob that matches no kind',
      rule({ statements: ['FROB *'] }),
      '`credentials[0].guardrails.rules[0].statements[0]` "FROB *" is not a statement kind. docs/guardrails.md § Statement kinds lists them',
    ],
    [
      'too long a list',
      rule({ tables: Array.from({ length: 101 }, (_, i) => `t${i}`) }),
      '`credentials[0].guardrails.rules[0].tables` has more than 100 entries. Use globs (*)',
    ],
    [
      'a table with three parts',
      rule({ tables: ['db.public.users'] }),
      '`credentials[0].guardrails.rules[0].tables[0]` "db.public.users" is not a name pattern. Write schema.table or table, with * for any part, e.g. audit.* (no quotes)',
    ],
    [
      'a quoted table',
      rule({ tables: ['"Users"'] }),
      '`credentials[0].guardrails.rules[0].tables[0]` ""Users"" is not a name pattern. Write schema.table or table, with * for any part, e.g. audit.* (no quotes)',
    ],
    [
      'an empty schema',
      rule({ functions: ['.pg_read_file'] }),
      '`credentials[0].guardrails.rules[0].functions[0]` ".pg_read_file" is not a name pattern. Write a function name, optionally schema.name, with * for any part, e.g. lo_*',
    ],
    [
      'without-where not true',
      rule({ 'without-where': 'yes' }),
      '`credentials[0].guardrails.rules[0].without-where` is "yes", not true. Write without-where: true',
    ],
    [
      'unanalysable not true',
      rule({ unanalysable: 1 }),
      '`credentials[0].guardrails.rules[0].unanalysable` is "1", not true. Write unanalysable: true',
    ],
  ])('%s', (_, value, message) => {
    expect(sqlError(value)).toBe(message);
  });
});

describe('parseHttpGuardrails: errors', () => {
  it.each<[string, unknown, string]>([
    [
      'a PostgreSQL key in an HTTP rule',
      rule({ statements: ['DROP TABLE'] }),
      '`guardrails.rules[0].statements` is for PostgreSQL credentials. Use methods, paths here',
    ],
    [
      'misspelt method',
      rule({ methods: ['DELTE'] }),
      '`guardrails.rules[0].methods[0]` "DELTE" is not an HTTP method. Did you mean DELETE?',
    ],
    [
      'a relative path',
      rule({ paths: ['v1/admin'] }),
      '`guardrails.rules[0].paths[0]` "v1/admin" is not a path pattern. Write a decoded path from /, with * inside a segment and ** as a whole segment, e.g. \'/v1/admin/**\'',
    ],
    [
      '** inside a segment',
      rule({ paths: ['/v1/admin**'] }),
      '`guardrails.rules[0].paths[0]` "/v1/admin**" is not a path pattern. Write a decoded path from /, with * inside a segment and ** as a whole segment, e.g. \'/v1/admin/**\'',
    ],
    [
      'an encoded path',
      rule({ paths: ['/v1/a%2Fb'] }),
      '`guardrails.rules[0].paths[0]` "/v1/a%2Fb" is not a path pattern. Write a decoded path from /, with * inside a segment and ** as a whole segment, e.g. \'/v1/admin/**\'',
    ],
    [
      'a dot segment',
      rule({ paths: ['/v1/../admin'] }),
      '`guardrails.rules[0].paths[0]` "/v1/../admin" is not a path pattern. Write a decoded path from /, with * inside a segment and ** as a whole segment, e.g. \'/v1/admin/**\'',
    ],
    [
      'a query',
      rule({ paths: ['/v1/admin?x=1'] }),
      '`guardrails.rules[0].paths[0]` "/v1/admin?x=1" is not a path pattern. Write a decoded path from /, with * inside a segment and ** as a whole segment, e.g. \'/v1/admin/**\'',
    ],
  ])('%s', (_, value, message) => {
    expect(httpError(value)).toBe(message);
  });

  it('reads methods in any case and a lone string as a list', () => {
    const { rules } = parseHttpGuardrails({ value: rule({ methods: 'delete', paths: '/a/**' }) });
    expect(rules[0]).toEqual({
      name: 'r',
      action: 'deny',
      builtIn: false,
      methods: ['DELETE'],
      paths: ['/a/**'],
    });
  });

  it('has no built-in HTTP rules', () => {
    expect(parseHttpGuardrails({ value: undefined }).rules).toEqual([]);
  });
});

describe('parseSqlGuardrails: the rule list', () => {
  it('is the built-in set when guardrails is absent or empty', () => {
    expect(parseSqlGuardrails({ value: undefined }).rules).toEqual(SQL_DEFAULTS);
    expect(parseSqlGuardrails({ value: null }).rules).toEqual(SQL_DEFAULTS);
    expect(parseSqlGuardrails({ value: {} }).rules).toEqual(SQL_DEFAULTS);
  });

  it('puts user rules before the built-in ones, in their order', () => {
    const { rules } = parseSqlGuardrails({
      value: {
        rules: [
          { name: 'b', action: 'review', statements: ['DELETE'] },
          { name: 'a', action: 'deny', tables: ['audit.*'] },
        ],
      },
    });
    expect(rules.map((r) => r.name)).toEqual(['b', 'a', ...SQL_DEFAULTS.map((r) => r.name)]);
  });

  it('leaves the built-in rules out with defaults: false', () => {
    const { rules } = parseSqlGuardrails({
      value: { defaults: false, rules: [{ name: 'a', action: 'deny', statements: ['DELETE'] }] },
    });
    expect(rules.map((r) => r.name)).toEqual(['a']);
  });

  it('replaces a built-in rule by name, keeping its conditions when the user gives none', () => {
    const { rules } = parseSqlGuardrails({
      value: { rules: [{ name: 'no-truncate', action: 'allow' }] },
    });
    expect(rules[0]).toEqual({
      name: 'no-truncate',
      action: 'allow',
      builtIn: false,
      statements: ['TRUNCATE'],
    });
    expect(rules.filter((r) => r.name === 'no-truncate')).toHaveLength(1);
  });

  it('replaces a built-in rule entirely when the user gives conditions', () => {
    const { rules } = parseSqlGuardrails({
      value: { rules: [{ name: 'no-drop', action: 'deny', statements: ['DROP TABLE'] }] },
    });
    expect(rules[0]).toEqual({
      name: 'no-drop',
      action: 'deny',
      builtIn: false,
      statements: ['DROP TABLE'],
    });
    expect(rules.filter((r) => r.name === 'no-drop')).toHaveLength(1);
  });

  it('normalises kinds: any case and spacing, aliases expanded', () => {
    const { rules } = parseSqlGuardrails({
      value: {
        defaults: false,
        rules: [
          {
            name: 'x',
            action: 'deny',
            statements: ['drop   table', 'Drop User', 'copy', 'drop *'],
          },
        ],
      },
    });
    expect(rules[0]?.statements).toEqual([
      'DROP TABLE',
      'DROP ROLE',
      'COPY FROM STDIN',
      'COPY TO STDOUT',
      'COPY FROM FILE',
      'COPY TO FILE',
      'COPY FROM PROGRAM',
      'COPY TO PROGRAM',
      'DROP *',
    ]);
  });

  it('keeps the built-in rule names valid rule names and unique', () => {
    const names = SQL_DEFAULTS.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9][a-z0-9-]{0,63}$/);
  });

  it('accepts every built-in rule written back as a user rule', () => {
    const written = SQL_DEFAULTS.map((r) => ({
      name: r.name,
      action: r.action,
      ...(r.statements === undefined ? {} : { statements: r.statements }),
      ...(r.functions === undefined ? {} : { functions: r.functions }),
      ...(r.withoutWhere === undefined ? {} : { 'without-where': true }),
      ...(r.unanalysable === undefined ? {} : { unanalysable: true }),
    }));
    const { rules } = parseSqlGuardrails({ value: { defaults: false, rules: written } });
    expect(rules.map((r) => ({ ...r, builtIn: true }))).toEqual(SQL_DEFAULTS);
  });
});
