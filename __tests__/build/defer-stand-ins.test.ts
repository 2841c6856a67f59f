/**
 * scripts/defer-stand-ins.mjs: the build binds each stand-in to a Proxy that
 * requires it when first touched, without moving a byte of ncc's code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { checkChunk, deferStandIns } from '../../scripts/defer-stand-ins.mjs';

// The two shapes ncc gives a left-out package in an ESM bundle: a namespace
// import, and a module whose factory requires it (for CommonJS code).
const BUNDLE = [
  'import*as e from"./named.cjs";import{createRequire as o}from"module";',
  'var s={9270:t=>{t.exports=o(import.meta.url)("./called.cjs")}};',
  'const m={};s[9270](m);',
  'export{e as named,m as required};',
].join('');

interface Loaded {
  named: { greet: (who: string) => string; default: unknown };
  required: { exports: ((n: number) => number) & { default?: unknown; twice?: boolean } };
}

describe('deferStandIns', () => {
  let dir: string;
  const loads = (): string[] => (globalThis as { standInLoads?: string[] }).standInLoads ?? [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatepass-defer-'));
    (globalThis as { standInLoads?: string[] }).standInLoads = [];
    writeFileSync(
      join(dir, 'named.cjs'),
      "globalThis.standInLoads.push('named');\nexports.greet = (who) => `hi ${who}`;\n",
    );
    writeFileSync(
      join(dir, 'called.cjs'),
      "globalThis.standInLoads.push('called');\nmodule.exports = (n) => n * 2;\nmodule.exports.twice = true;\n",
    );
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function load(code: string, file: string): Promise<Loaded> {
    writeFileSync(join(dir, file), code);
    return (await import(pathToFileURL(join(dir, file)).href)) as Loaded;
  }

  it('loads no stand-in until the bundle touches it, then each as Node would import or require it', async () => {
    const bundle = await load(deferStandIns(BUNDLE, undefined).code, 'deferred.mjs');
    expect(loads()).toEqual([]);

    expect(bundle.named.greet('ci')).toBe('hi ci');
    expect(loads()).toEqual(['named']);
    // A namespace's default is the CommonJS exports, as in Node's own import.
    expect(bundle.named.default).toEqual({ greet: expect.any(Function) });
    expect(Object.keys(bundle.named)).toEqual(['greet']);
    expect('greet' in bundle.named).toBe(true);

    expect(bundle.required.exports(21)).toBe(42);
    expect(bundle.required.exports.twice).toBe(true);
    expect(bundle.required.exports.default).toBeUndefined();
    expect(loads()).toEqual(['named', 'called']);
  });

  it('defers a call made at load for a value (debug in node-vault) until the value is touched', async () => {
    // Two copies: the eager bundle's require would otherwise be cached for the deferred one.
    for (const file of ['factory.cjs', 'later.cjs']) {
      writeFileSync(
        join(dir, file),
        "globalThis.standInLoads.push('factory');\nmodule.exports = (ns) => (globalThis.standInLoads.push(`call ${ns}`), { ns });\n",
      );
    }
    const calledAtLoad = [
      'import{createRequire as o}from"module";const m={};',
      '(t=>{t.exports=o(import.meta.url)("./factory.cjs")})(m);',
      'const log=m.exports("vault");export{log};',
    ].join('');
    const eager = await load(deferStandIns(calledAtLoad, undefined).code, 'plain.mjs');
    expect(loads()).toEqual(['factory', 'call vault']);
    expect((eager as unknown as { log: { ns: string } }).log.ns).toBe('vault');

    (globalThis as { standInLoads?: string[] }).standInLoads = [];
    const { code } = deferStandIns(calledAtLoad.replace('factory', 'later'), undefined, {
      callsDeferred: ['./later.cjs'],
    });
    const deferred = (await load(code, 'deferred-call.mjs')) as unknown as { log: { ns: string } };
    expect(loads()).toEqual([]);
    expect(deferred.log.ns).toBe('vault');
    expect(loads()).toEqual(['factory', 'call vault']);
  });

  it('is what the bundle does without it: the namespace import loads at start', async () => {
    await load(BUNDLE, 'eager.mjs');
    expect(loads()).toEqual(['named', 'called']);
  });

  it("keeps ncc's code at its columns, one line down, and the source map with it", () => {
    const map = JSON.stringify({ version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA,CAAC' });
    const { code, map: moved } = deferStandIns(BUNDLE, map);
    const [prelude, body] = code.split('\n');
    expect(prelude).toMatch(/^import\{createRequire as \$gpRequire\}from"module";const \$gpLazy=/);
    expect(body).toHaveLength(BUNDLE.length);
    expect(body?.indexOf('var s={')).toBe(BUNDLE.indexOf('var s={'));
    expect(body?.indexOf('export{')).toBe(BUNDLE.indexOf('export{'));
    expect(body).toContain('const e=$gp("./named.cjs",1);');
    expect(body).toContain('t.exports=$gp("./called.cjs",0)');
    expect(deferStandIns(BUNDLE, undefined, { callsDeferred: ['./called.cjs'] }).code).toContain(
      't.exports=$gp("./called.cjs",2)',
    );
    expect(JSON.parse(moved ?? '{}')).toMatchObject({ mappings: ';AAAA,CAAC' });
  });

  it("keeps the CLI's shebang the first line", () => {
    const map = JSON.stringify({ version: 3, sources: [], names: [], mappings: ';AAAA' });
    const { code, map: moved } = deferStandIns(`#!/usr/bin/env node\n${BUNDLE}`, map);
    const lines = code.split('\n');
    expect(lines[0]).toBe('#!/usr/bin/env node');
    expect(lines[1]).toMatch(/^import\{createRequire as \$gpRequire\}/);
    expect(lines[2]).toHaveLength(BUNDLE.length);
    expect(JSON.parse(moved ?? '{}')).toMatchObject({ mappings: ';;AAAA' });
  });

  it('leaves a bundle without stand-ins as it is', () => {
    const plain = 'import{readFileSync as r}from"fs";export const x=r;';
    expect(deferStandIns(plain, '{"mappings":"AAAA"}')).toEqual({
      code: plain,
      map: '{"mappings":"AAAA"}',
    });
  });

  it('fails the build on a reference it cannot defer, or a name it would shadow', () => {
    expect(() => deferStandIns(`${BUNDLE}const d=()=>import("./later.cjs");`, undefined)).toThrow(
      'the bundle reaches the stand-in ./later.cjs in a way build.mjs does not defer',
    );
    expect(() => deferStandIns(`const $gp=1;${BUNDLE}`, undefined)).toThrow(
      'the bundle already uses the name $gp',
    );
  });
});

describe('checkChunk', () => {
  it('accepts a chunk that reaches stand-ins through the entry bundle, and refuses one that imports them', () => {
    expect(() => {
      checkChunk('304.index.js', 'export const id=304;const a=n(9270);');
    }).not.toThrow();
    expect(() => {
      checkChunk('57.index.js', 'import*as e from"./yaml.cjs";export const id=57;');
    }).toThrow('57.index.js reaches the stand-in ./yaml.cjs itself; only index.js defers them');
  });
});
