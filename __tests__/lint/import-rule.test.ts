/**
 * The import rule `npm run lint` enforces (.dependency-cruiser.cjs), run on
 * small source trees written here: a tree that follows it passes, and a
 * leftward import, a sibling import, an import cycle (type-only included) and
 * `@actions/*` outside the GitHub adapters each fail it, naming the rule.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';

const CONFIG = resolve('.dependency-cruiser.cjs');
const DEPCRUISE = resolve('node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const roots: string[] = [];

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Writes the files (path -> source) into a new project and runs the rule on its src/. */
function cruise(files: Record<string, string>): { code: number | null; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'gatepass-import-rule-'));
  roots.push(root);
  const all: Record<string, string> = {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
    }),
    'src/bin/main.ts': "import { run } from '../flow/job.js';\nrun();\n",
    'src/flow/job.ts':
      "import { clean } from '../common/text.js';\nexport function run(): string { return clean(''); }\n",
    'src/common/text.ts': 'export function clean(s: string): string { return s.trim(); }\n',
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('the import rule', () => {
  it('passes a tree that imports only rightward', () => {
    const result = cruise({});
    expect(result.out).toContain('no dependency violations found');
    expect(result.code).toBe(0);
  });

  it('fails an import back up the pipeline (common -> flow)', () => {
    const result = cruise({
      'src/common/text.ts':
        "import type { run } from '../flow/job.js';\nexport type Run = typeof run;\nexport function clean(s: string): string { return s.trim(); }\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.out).toContain(
      'common-imports-only-rightward: src/common/text.ts → src/flow/job.ts',
    );
  });

  it('fails an import between two folders of the same rank (masking -> common)', () => {
    const result = cruise({
      'src/masking/mask.ts':
        "import { clean } from '../common/text.js';\nexport const m = clean;\n",
      'src/flow/job.ts':
        "import { m } from '../masking/mask.js';\nexport function run(): string { return m(''); }\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.out).toContain(
      'masking-imports-only-rightward: src/masking/mask.ts → src/common/text.ts',
    );
  });

  it('fails an import cycle, even one made of type imports inside a folder', () => {
    const result = cruise({
      'src/common/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
      'src/common/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
      'src/common/text.ts':
        "import type { A } from './a.js';\nexport type T = A;\nexport function clean(s: string): string { return s.trim(); }\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.out).toMatch(
      /no-circular: src\/common\/a\.ts →\s+src\/common\/b\.ts →\s+src\/common\/a\.ts/,
    );
  });

  it('fails @actions/* outside the GitHub adapters', () => {
    const result = cruise({
      'src/flow/job.ts':
        "import * as core from '@actions/core';\nexport function run(): string { return String(core); }\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.out).toContain(
      'actions-only-in-github-adapters: src/flow/job.ts → @actions/core',
    );
  });
});
