import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { KIND_ALIASES, KNOWN_KINDS, NOT_STATEMENTS, kindOf } from '../../src/guardrails/kinds.js';
import { SERVER_FUNCTIONS, SQL_DEFAULTS } from '../../src/guardrails/defaults.js';

const doc = readFileSync(new URL('../../docs/guardrails.md', import.meta.url), 'utf8');

describe('docs/guardrails.md', () => {
  it('lists every statement kind, and no other', () => {
    const section = doc.slice(
      doc.indexOf('## Statement kinds'),
      doc.indexOf('Synonyms a rule may use'),
    );
    const listed = [...section.matchAll(/`([A-Z][A-Z ]*)`/g)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(KNOWN_KINDS);
  });

  it('names every synonym, built-in rule and server function', () => {
    for (const alias of Object.keys(KIND_ALIASES)) expect(doc).toContain(alias.split(' ')[0]);
    for (const rule of SQL_DEFAULTS) expect(doc).toContain(`| \`${rule.name}\``);
    for (const name of SERVER_FUNCTIONS) expect(doc).toContain(`\`${name}\``);
  });
});

describe('kinds', () => {
  it('has a kind for every statement node of the parser', () => {
    // The parser's node types, from the type package libpg-query ships with.
    const types = createRequire(import.meta.url).resolve('@pgsql/types/package.json', {
      paths: [dirname(createRequire(import.meta.url).resolve('libpg-query'))],
    });
    const source = readFileSync(join(dirname(types), 'types.d.ts'), 'utf8');
    const statements = [...source.matchAll(/^export interface (\w+Stmt) /gm)]
      .map((m) => m[1] ?? '')
      .filter((t) => !NOT_STATEMENTS.has(t));
    expect(statements.length).toBeGreaterThan(100);
    for (const type of statements) expect(`${type}: ${kindOf(type, {})}`).not.toMatch(/UNKNOWN/);
  });
});
