// Bundles every entry point that exists into dist/<name>/index.js with @vercel/ncc.
// One ncc run per entry keeps the bundles independent (the action's main and
// post must not share chunks) and the output deterministic.
//
// Start-up is the point of a few choices here (README § Performance):
// - `undici` is left out of the bundles. @actions/http-client imports it at
//   load time, but only builds proxy dispatchers with it (and @actions/github
//   only fetches through a proxy with it): compiling and evaluating its 440 KB
//   took about 25 ms of every action start. A bundle that imports it gets `undici.cjs`, a small
//   stand-in that loads the real undici (`undici.bundle.cjs`, bundled on its
//   own) the first time one of its functions or classes is used. CommonJS, so
//   that both `import` (named exports found by Node's CommonJS lexer) and
//   `require` reach it on every Node version the CLI supports.
// - `yaml` likewise (NAMED): config reads the plain shape most `credentials`
//   inputs have without it (config/plain-yaml.ts), so loading it (124 KB;
//   with its first parse a sixth of the instructions on the way to the
//   command) waits for a text that needs it.
// - `@actions/http-client` and `@actions/exec` likewise (NAMED). @actions/core
//   imports both at load, for `getIDToken` and `platform.getDetails`, neither
//   of which gatepass calls (it asks for the ID token through its own
//   transport: identity/github.ts); with them came @actions/io, tunnel,
//   node:https, node:tls and node:assert, 35 KB of bundle and 6-8 ms of every
//   action start before the first request. @actions/github (approvals) does
//   use http-client, and loads it then. Both packages are ESM only: their
//   bundles are made from a CommonJS entry that requires them, so that the
//   stand-in can `require` them on every Node version.
// - node-vault requires axios at load time for its default HTTP layer, which
//   gatepass replaces (its `request-promise` option, gateways/vault.ts): axios
//   is never called, yet compiling it and its dependencies (490 KB, two thirds
//   of the Vault client's chunk) and evaluating it (it builds a fetch Request,
//   which loads Node's own undici) took 40-60 ms between the ID token and the
//   Vault login. mustache likewise serves only node-vault's generated command
//   functions, which gatepass does not call, and so does node-vault's table
//   of those commands (`./commands.js`: gatepass passes `commands: {}`).
//   node-vault also makes a `debug` instance at load that it never calls when
//   given its own `debug`, and checks request options with tv4 only when given
//   no check of its own (gateways/vault.ts, vault-check.ts): those three were
//   two thirds of what loading node-vault cost, between the ID token and the
//   login. Each of LAZY is left out of the bundles like undici: a bundle that
//   requires it gets `<file>.cjs`, a Proxy that loads the real module
//   (`<file>.bundle.cjs`, bundled on its own) the first time anything touches
//   it; for `debug`, what a call returns is such a Proxy too, so
//   `debug('node-vault')` loads nothing. node:https is one of LAZY too (a
//   Proxy, no bundle): node-vault requires it at load for the agents of its
//   own HTTP layer, and loading it (with node:tls and Node's CA store) is
//   10-15 ms that a Vault on plain HTTP (a dev server, a sidecar on
//   loopback) never needs; gatepass's transport loads it for the first
//   https URL (common/direct.ts).
// - libpg-query (the PostgreSQL parser of src/guardrails/) is left out of the
//   bundles too, for two reasons. Its Emscripten loader finds its 1.7 MB
//   WebAssembly beside itself through `__dirname`, which an ESM bundle does
//   not have, and ncc does not see the `.wasm` as an asset; and importing it
//   starts compiling that WebAssembly (50-80 ms), which only the data-path
//   mode needs. A bundle that imports it gets `libpg-query.cjs`, a stand-in
//   that loads `libpg-query.bundle.cjs` (the package bundled on its own as
//   CommonJS, so `__dirname` is its directory) on first use, and
//   `libpg-query.wasm` beside them.
// - No source-map-support register: it loads before the bundle, and the first
//   stack trace anything formats makes it parse the bundle's source map (MBs).
//   The maps are still written; `NODE_OPTIONS=--enable-source-maps` uses them.
// - The stand-ins themselves load when first touched, not when the bundle
//   starts (scripts/defer-stand-ins.mjs): the five an action start loaded
//   cost 4-6 ms, for calls the common path never makes.
import { createRequire } from 'node:module';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';
import { checkChunk, deferStandIns } from './defer-stand-ins.mjs';

const entries = ['cli', 'main', 'post'];
const UNDICI_STAND_IN = './undici.cjs';
/** ESM-imported packages behind a stand-in that exports each function and class by name (above). */
const NAMED = ['undici', 'yaml', '@actions/http-client', '@actions/exec'];
/** The file a NAMED package's stand-in and bundle are named after: `@actions/exec` → `actions-exec`. */
const fileOf = (pkg) => pkg.replace(/^@/, '').replace(/\//g, '-');
const require = createRequire(import.meta.url);
/**
 * What node-vault requires, loaded on first touch (above): the request it
 * makes, the stand-in's file name, the package (for its version), and
 * whether the results of calling it are deferred too.
 */
const LAZY = [
  { request: 'axios', file: 'axios', pkg: 'axios' },
  { request: 'mustache', file: 'mustache', pkg: 'mustache' },
  { request: 'debug', file: 'debug', pkg: 'debug', calls: true },
  { request: 'tv4', file: 'tv4', pkg: 'tv4' },
  { request: './commands.js', file: 'node-vault-commands', pkg: 'node-vault' },
  { request: 'https', file: 'node-https', builtin: true },
];
const requireFromVault = createRequire(require.resolve('node-vault'));
const PARSER_STAND_IN = './libpg-query.cjs';

const named = new Map(); // name -> { code, licenses, standIn, names }, built when a bundle first needs it
const lazy = new Map(); // name -> { code, licenses, standIn }, built when a bundle first needs it
let parser; // { code, licenses, standIn, wasm }, built when a bundle first needs it

for (const name of entries) {
  const source = `src/bin/${name}.ts`;
  if (!existsSync(source)) continue;
  // Build beside the target and swap it in, so a test reading dist/ while
  // another build runs never sees a half-written bundle.
  const staging = `dist/.${name}-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const { code, map, assets, stats } = await ncc(resolve(source), {
    minify: true,
    sourceMap: true,
    sourceMapRegister: false,
    license: 'licenses.txt',
    quiet: true,
    // Type checking is `npm run lint`'s job; the bundle must not depend on unrelated files.
    transpileOnly: true,
    externals: {
      ...Object.fromEntries(NAMED.map((pkg) => [pkg, `./${fileOf(pkg)}.cjs`])),
      ...Object.fromEntries(LAZY.map(({ request, file }) => [request, `./${file}.cjs`])),
      'libpg-query': PARSER_STAND_IN,
    },
  });
  const mapText = map ?? assets['index.js.map']?.source.toString();
  const deferred = deferStandIns(code, mapText, {
    callsDeferred: LAZY.filter(({ calls }) => calls === true).map(({ file }) => `./${file}.cjs`),
  });
  write(join(staging, 'index.js'), deferred.code, code.startsWith('#!') ? 0o755 : 0o644);
  if (deferred.map !== undefined) write(join(staging, 'index.js.map'), deferred.map);
  const outputs = [deferred.code];
  for (const [file, asset] of Object.entries(assets)) {
    if (file === 'index.js.map') continue;
    write(join(staging, file), asset.source, (asset.permissions ?? 0) & 0o111 ? 0o755 : 0o644);
    if (!file.endsWith('.js')) continue;
    checkChunk(file, asset.source.toString());
    outputs.push(asset.source.toString());
  }
  // ncc writes licenses.txt only when it bundled third-party code; say so either way.
  if (!existsSync(`${staging}/licenses.txt`)) {
    writeFileSync(`${staging}/licenses.txt`, 'This bundle contains no third-party code.\n');
  }
  if (outputs.some((text) => text.includes(`"${UNDICI_STAND_IN}"`))) checkUndiciImporters(stats);
  // A NAMED bundle may itself use another's stand-in (http-client's undici).
  const wanted = new Set();
  for (let grew = true; grew;) {
    grew = false;
    for (const pkg of NAMED) {
      if (wanted.has(pkg)) continue;
      const users = [...outputs, ...[...wanted].map((p) => named.get(p).code)];
      if (!users.some((text) => text.includes(`"./${fileOf(pkg)}.cjs"`))) continue;
      if (!named.has(pkg)) named.set(pkg, await bundleNamed(pkg));
      wanted.add(pkg);
      grew = true;
    }
  }
  for (const pkg of NAMED.filter((p) => wanted.has(p))) {
    const file = fileOf(pkg);
    const { code, standIn, names, licenses, checked } = named.get(pkg);
    write(join(staging, `${file}.bundle.cjs`), code);
    write(join(staging, `${file}.cjs`), standIn);
    appendFileSync(join(staging, 'licenses.txt'), `\n${licenses}`);
    if (!checked) named.get(pkg).checked = checkNamedBundle(staging, file, names);
  }
  checkLazyImporters(stats);
  for (const module of LAZY) {
    const { file } = module;
    if (!outputs.some((text) => text.includes(`"./${file}.cjs"`))) continue;
    if (!lazy.has(file)) lazy.set(file, await bundleLazy(module));
    const { code, standIn, licenses } = lazy.get(file);
    if (code !== undefined) write(join(staging, `${file}.bundle.cjs`), code);
    write(join(staging, `${file}.cjs`), standIn);
    appendFileSync(join(staging, 'licenses.txt'), `\n${licenses}`);
  }
  if (outputs.some((text) => text.includes(`"${PARSER_STAND_IN}"`))) {
    parser ??= await bundleParser();
    write(join(staging, 'libpg-query.bundle.cjs'), parser.code);
    write(join(staging, 'libpg-query.cjs'), parser.standIn);
    write(join(staging, 'libpg-query.wasm'), parser.wasm);
    appendFileSync(join(staging, 'licenses.txt'), `\n${parser.licenses}`);
  }
  await rm(`dist/${name}`, { recursive: true, force: true });
  await rename(staging, `dist/${name}`);
}

function write(path, content, mode = 0o644) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
}

/**
 * One of NAMED on its own (CommonJS, made from an entry that requires it, so
 * that an ESM-only package comes out CommonJS too; the other NAMED packages
 * it uses go through their stand-ins), and the stand-in that loads it on
 * first use.
 */
async function bundleNamed(pkg) {
  // A fixed path, kept: webpack names modules by path, and the bundle must
  // come out the same on every build (CI compares dist/ with a fresh build).
  const entry = resolve('node_modules', '.gatepass-build', `${fileOf(pkg)}.cjs`);
  const source = `module.exports = require(${JSON.stringify(entryOf(pkg))});\n`;
  mkdirSync(dirname(entry), { recursive: true });
  if (!existsSync(entry) || readFileSync(entry, 'utf8') !== source) writeFileSync(entry, source);
  const built = await ncc(entry, {
    minify: true,
    license: 'licenses.txt',
    quiet: true,
    externals: Object.fromEntries(
      NAMED.filter((other) => other !== pkg).map((other) => [other, `./${fileOf(other)}.cjs`]),
    ),
  });
  const { code, assets } = built;
  const licenses = assets['licenses.txt']?.source.toString() ?? '';
  // Every function and class the package exports, each loading it when first
  // called or constructed. Its plain objects (undici's errors, util, ...) are
  // left out: exporting them would mean loading the package at start again.
  const names = Object.entries(await import(pkg))
    .filter(([key, value]) => key !== 'default' && typeof value === 'function')
    .map(([key]) => key)
    .sort();
  const standIn = [
    `// ${pkg} ${versionOf(pkg)}, loaded on first use (scripts/build.mjs).`,
    `'use strict';`,
    ``,
    `let loaded;`,
    `function lazy(name) {`,
    `  return function (...args) {`,
    `    loaded ??= require('./${fileOf(pkg)}.bundle.cjs');`,
    `    const real = loaded[name];`,
    `    return new.target === undefined ? real.apply(this, args) : Reflect.construct(real, args);`,
    `  };`,
    `}`,
    ``,
    ...names.map((key) => `exports.${key} = lazy('${key}');`),
    ``,
  ].join('\n');
  return { code, licenses, standIn, names };
}

/**
 * One of LAZY on its own (CommonJS, node-vault's copy), and its stand-in: a
 * Proxy of the module's export that loads the module the first time it is
 * read, written, called or constructed. Requiring the stand-in loads nothing.
 */
async function bundleLazy({ request, file, pkg, calls = false, builtin = false }) {
  if (builtin)
    return {
      code: undefined,
      licenses: '',
      standIn: lazyStandIn({ request, file, calls, builtin, real: require(request) }),
    };
  const entry = requireFromVault.resolve(request);
  const { code, assets } = await ncc(entry, { minify: true, license: 'licenses.txt', quiet: true });
  const licenses = assets['licenses.txt']?.source.toString() ?? '';
  const bundle = join(tmpdir(), `gatepass-${file}-${process.pid}.cjs`);
  writeFileSync(bundle, code);
  // The bundle must load and export what the module exports.
  const bundled = require(bundle);
  const real = require(entry);
  rmSync(bundle);
  const missing = Object.keys(real).filter((key) => typeof bundled[key] !== typeof real[key]);
  if (typeof bundled !== typeof real || missing.length > 0) {
    throw new Error(`the bundled ${request} differs from ${entry}: ${missing.join(', ')}`);
  }
  const { version } = requireFromVault(`${pkg}/package.json`);
  return { code, licenses, standIn: lazyStandIn({ request, file, calls, version, pkg, real }) };
}

/** The Proxy that stands in for one of LAZY: the module (a bundle, or Node's own) loads when first touched. */
function lazyStandIn({ request, file, calls, builtin = false, version, pkg, real }) {
  return [
    builtin
      ? `// node:${request}, loaded when first touched (scripts/build.mjs).`
      : `// ${request} (${pkg} ${version}), loaded when first touched (scripts/build.mjs).`,
    `'use strict';`,
    ``,
    `let real;`,
    builtin
      ? `const load = () => (real ??= require('node:${request}'));`
      : `const load = () => (real ??= require('./${file}.bundle.cjs'));`,
    ...(calls
      ? [
          `// What a call returns, made when first touched: the call is made then.`,
          `function deferred(self, args) {`,
          `  let made;`,
          `  return lazy(() => (made ??= Reflect.apply(load(), self, args)), function () {}, false);`,
          `}`,
        ]
      : []),
    `// apply and construct reach the module only through a function target.`,
    `function lazy(get, target, deferCalls) {`,
    `  return new Proxy(target, {`,
    `    get: (_, key) => Reflect.get(get(), key),`,
    `    set: (_, key, value) => Reflect.set(get(), key, value),`,
    `    has: (_, key) => Reflect.has(get(), key),`,
    `    deleteProperty: (_, key) => Reflect.deleteProperty(get(), key),`,
    `    apply: (_, self, args) => (deferCalls ? deferred(self, args) : Reflect.apply(get(), self, args)),`,
    `    construct: (_, args) => Reflect.construct(get(), args),`,
    `  });`,
    `}`,
    `module.exports = lazy(load, ${typeof real === 'function' ? 'function () {}' : '{}'}, ${calls});`,
    ``,
  ].join('\n');
}

/**
 * libpg-query on its own (CommonJS, its WebAssembly beside it), and the
 * stand-in that loads it on first use; checked by parsing a statement with
 * the bundle from a directory of its own.
 */
async function bundleParser() {
  const entry = require.resolve('libpg-query');
  const { code, assets } = await ncc(entry, { minify: true, license: 'licenses.txt', quiet: true });
  const licenses = assets['licenses.txt']?.source.toString() ?? '';
  const wasm = readFileSync(join(dirname(entry), 'libpg-query.wasm'));
  const check = mkdtempSync(join(tmpdir(), 'gatepass-libpg-query-'));
  try {
    writeFileSync(join(check, 'libpg-query.bundle.cjs'), code);
    writeFileSync(join(check, 'libpg-query.wasm'), wasm);
    const bundled = require(join(check, 'libpg-query.bundle.cjs'));
    const tree = await bundled.parse('SELECT 1');
    if (tree?.stmts?.length !== 1)
      throw new Error('the bundled libpg-query did not parse SELECT 1');
  } finally {
    rmSync(check, { recursive: true, force: true });
  }
  const { version } = require('libpg-query/package.json');
  const standIn = [
    `// libpg-query ${version}, loaded on first use (scripts/build.mjs).`,
    `'use strict';`,
    ``,
    `let real;`,
    `const load = () => (real ??= require('./libpg-query.bundle.cjs'));`,
    `exports.parse = (query) => load().parse(query);`,
    `exports.loadModule = () => load().loadModule();`,
    ``,
  ].join('\n');
  return { code, licenses, standIn, wasm };
}

/**
 * LAZY stands in for what node-vault requires: nothing else may require it
 * and get the stand-in (`./commands.js` above all, a common name).
 */
function checkLazyImporters(stats) {
  const stoodIn = new Set(LAZY.map(({ file }) => `./${file}.cjs`));
  const { modules = [] } = stats.toJson({ all: false, modules: true, reasons: true });
  for (const module of modules) {
    const target = /^external [\w-]+ "(.+)"$/.exec(module.identifier ?? '')?.[1];
    if (target === undefined || !stoodIn.has(target)) continue;
    for (const reason of module.reasons ?? []) {
      const from = reason.moduleIdentifier ?? '';
      if (!from.includes('/node_modules/node-vault/')) {
        throw new Error(`${from} requires ${target}, which stands in for node-vault's copy`);
      }
    }
  }
}

/**
 * The bundled package loads, from the bundle's own folder (beside the other
 * stand-ins it may use), and has everything the stand-in forwards to.
 */
function checkNamedBundle(dir, file, names) {
  const bundled = require(resolve(dir, `${file}.bundle.cjs`));
  const missing = names.filter((key) => typeof bundled[key] !== 'function');
  if (missing.length > 0) throw new Error(`${file}.bundle.cjs lacks ${missing.join(', ')}`);
  return true;
}

/**
 * The file a package's name leads to: its `require` entry, or for an
 * ESM-only package (no `require` condition) its `import` entry, which a
 * require by path reaches.
 */
function entryOf(pkg) {
  try {
    return require.resolve(pkg);
  } catch (err) {
    if (err?.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw err;
    return fileURLToPath(import.meta.resolve(pkg));
  }
}

/** A package's version, read from its folder (ESM-only packages export no package.json). */
function versionOf(pkg) {
  return JSON.parse(readFileSync(join('node_modules', pkg, 'package.json'), 'utf8')).version;
}

/**
 * The stand-in is one undici for every importer: each bundled package that
 * depends on undici must resolve this very copy.
 */
function checkUndiciImporters(stats) {
  const entry = require.resolve('undici');
  const packages = new Set();
  const visit = (modules = []) => {
    for (const module of modules) {
      // `loader!loader!/path/node_modules/@scope/name/lib/x.js|hash`
      const path = module.identifier?.split('!').at(-1)?.split('|')[0] ?? '';
      const root = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
      if (root !== undefined) packages.add(root);
      visit(module.modules);
    }
  };
  visit(stats.toJson({ all: false, modules: true, nestedModules: true }).modules);
  for (const root of packages) {
    const manifest = require(join(root, 'package.json'));
    const dependsOnUndici = ['dependencies', 'peerDependencies', 'optionalDependencies'].some(
      (field) => manifest[field]?.undici !== undefined,
    );
    if (!dependsOnUndici) continue;
    const resolved = createRequire(join(root, 'package.json')).resolve('undici');
    if (resolved !== entry) {
      throw new Error(
        `${root} uses ${resolved}, but the bundles stand in ${entry} for every undici`,
      );
    }
  }
}
