/**
 * readPlainYaml against the `yaml` package, as parseYaml calls it: for every
 * text it accepts, `yaml` must read the same data without an error; the rest
 * it must decline. Texts are generated from the plain shape and from the
 * near misses around it (quotes, typed values, odd indentation, duplicate
 * keys, comments, tabs, …), and the common inputs must take the plain path.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { readPlainYaml } from '../../src/config/plain-yaml.js';

/** What parseYaml does with `yaml`: the data, or 'error'. */
function yamlRead(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return 'error';
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return 'error';
  }
}

function agrees(text: string): void {
  const plain = readPlainYaml(text);
  if (plain === undefined) return;
  expect({ text, data: yamlRead(text) }).toEqual({ text, data: plain });
  // The same prototype too: the config checks refuse anything but plain objects.
  expect(JSON.stringify(plain)).toBe(JSON.stringify(yamlRead(text)));
}

const KEYS = ['name', 'path', 'env', 'ttl', 'PGUSER', 'data', 'a-b', '_x', 'k1', 'scope'];
const NEAR_KEYS = ['true', 'null', 'Null', 'FALSE', '1', '__proto__', 'a b', 'ü', '-x', '<<', 'on'];
const VALUES = [
  'db',
  'database/creds/migrator',
  'https://api.example.com',
  'urn:ietf:params:oauth:token-type:jwt',
  '15m',
  'read write',
  'read  write',
  'deploy:prod',
  'a,b',
  'x=1',
  'user@example.com',
  '12:30',
  'a-b_c.d',
  '/abs/path',
  '_under',
  'v2',
];
const NEAR_VALUES = [
  '600',
  '1e3',
  '0x1F',
  '0o17',
  '.inf',
  '-.5',
  '+1',
  '1.2.3',
  '2001-12-14',
  'true',
  'True',
  'no',
  'null',
  '~',
  "'quoted'",
  '"quoted"',
  '[a, b]',
  '{a: b}',
  '&anchor x',
  '*alias',
  '!tag x',
  '|',
  '>',
  '-',
  '- x',
  'a: b',
  'a:',
  'a #comment',
  'a#b',
  '#comment',
  'x\ty',
  'é',
  '%x',
  '@x',
  '`x`',
  '?x',
  ':x',
  ',x',
];

/** One mapping's lines (indent, text), `depth` levels deep; `near`: with near misses. */
function mapping(depth: number, near: boolean): fc.Arbitrary<Array<[number, string]>> {
  const scalar = fc.tuple(key(near), value(near)).map(([k, v]) => [[0, `${k}: ${v}`]]);
  const nested = fc
    .tuple(
      key(near),
      fc.constantFrom(2, 2, 4, 1, 3),
      depth > 0 ? mapping(depth - 1, near) : fc.constant([]),
    )
    .map(([k, step, inner]) => [[0, `${k}:`], ...inner.map(([i, l]) => [i + step, l])]);
  const filler = fc.constantFrom([[0, '# a comment']], [[0, '']], [[0, '  ']]);
  const entry = fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: depth > 0 ? 2 : 0, arbitrary: nested },
    { weight: 1, arbitrary: filler },
  );
  return fc
    .array(entry, { minLength: 1, maxLength: 4 })
    .map((entries) => entries.flat() as Array<[number, string]>);
}

function key(near: boolean): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...KEYS) },
    { weight: near ? 1 : 0, arbitrary: fc.constantFrom(...NEAR_KEYS) },
  );
}

function value(near: boolean): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...VALUES) },
    { weight: 1, arbitrary: fc.constantFrom(...VALUES).map((v) => `${v}   # why`) },
    { weight: near ? 3 : 0, arbitrary: fc.constantFrom(...NEAR_VALUES) },
  );
}

/** A list of mappings (`- ` then the first key), or one mapping; with odd indentation now and then. */
const documents = fc
  .tuple(
    fc.boolean(),
    fc.boolean().chain((near) => fc.array(mapping(2, near), { minLength: 1, maxLength: 3 })),
    fc.constantFrom('- ', '- ', '-   ', '-'),
    fc.nat(3),
  )
  .map(([list, items, dash, shift]) => {
    const render = (lines: Array<[number, string]>, pad: number): string[] =>
      lines.map(([i, l]) => (l.trim() === '' ? l : `${' '.repeat(pad + i)}${l}`));
    if (!list) return render(items.flat(), shift % 2).join('\n');
    return items
      .flatMap((lines) => {
        const [first, ...rest] = lines;
        const head = first?.[1] ?? '';
        return [`${dash}${head}`, ...render(rest, dash.length)];
      })
      .join('\n');
  });

describe('readPlainYaml', () => {
  it('reads what yaml reads, or declines: generated texts', () => {
    let read = 0;
    fc.assert(
      fc.property(documents, (text) => {
        agrees(text);
        if (readPlainYaml(text) !== undefined) read += 1;
      }),
      { numRuns: 3000 },
    );
    // Enough of them taken by the plain path for the comparison to mean something.
    expect(read).toBeGreaterThan(400);
  });

  it('reads what yaml reads, or declines: arbitrary short texts', () => {
    const alphabet = fc.constantFrom(...'- :#\n\tab_1./"\'[]{}&*!|>~'.split(''));
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join('')),
        (text) => {
          agrees(text);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads the common shapes itself, so yaml is not loaded for them', () => {
    const common = [
      '- name: db\n  path: database/creds/migrator\n  env:\n    PGUSER: username\n    PGPASSWORD: password',
      '- name: api\n  ttl: 10m\n  scope: read\n  audience: https://api.example.com\n',
      '# the database\n- name: db # unique\n  path: database/creds/migrator\n\n- name: kv\n  path: secret/data/app\n  env:\n    TOKEN: token\n',
      '-   name: pg\n    connection: pg-prod\n',
      'gateway: https://vault.example.com\nprovider: vault\n',
    ];
    for (const text of common) {
      expect(readPlainYaml(text)).toEqual(yamlRead(text));
      expect(readPlainYaml(text)).not.toBeUndefined();
    }
  });

  it('declines what yaml reads otherwise, or refuses', () => {
    const other = [
      '- name: db\n  ttl: 600',
      '- name: db\n  env: { A: b }',
      "- name: 'db'",
      '- name: db\n  name: other',
      '- name: db\n\tpath: x',
      '- name: db\r\n  path: x',
      'key: a\n  continued',
      'key: a\n  other: b',
      '- a: x\n    b: y',
      'key:',
      '- name: db\n  scopes:\n    - read',
      '---\n- name: db',
      '- &a name: db',
      '- name: db\n - path: x',
    ];
    for (const text of other) expect(readPlainYaml(text)).toBeUndefined();
  });
});
