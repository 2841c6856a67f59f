// The stand-ins of scripts/build.mjs (`./<file>.cjs` beside a bundle) are
// small, but ncc's ESM output loads each of them when the bundle starts: a
// package it leaves out becomes `import * as x from "./x.cjs"` at the top, and
// one that CommonJS code requires becomes a module whose factory requires the
// file. Node's CommonJS loader then reads, lexes and compiles every one: about
// 1 ms per file, 4-6 ms of every action start for five stand-ins that the
// common path (a Vault or token exchange, plain YAML, no proxy, no approvals)
// never calls. So the bundle is rewritten to bind each of them to a Proxy that
// requires the file the first time anything reads, calls or lists it.
//
// The rewrite keeps every byte of ncc's code where it was: each replacement is
// padded with spaces to the length it replaces, and the helper goes on a line
// of its own above the code, so the source map only gains one empty line.

// Short: `const e=$gp("..",1);` must fit where `import*as e from"..";` was.
const HELPER = '$gp';
const STAND_IN = String.raw`"(\.\/[\w.-]+\.cjs)"`;
// `import*as e from"./yaml.cjs";` (what an ESM import of a left-out package becomes)
const NAMESPACE_IMPORT = new RegExp(String.raw`import\*as ([\w$]+) from${STAND_IN};`, 'g');
// `e.exports=o(import.meta.url)("./axios.cjs")` (a left-out package that CommonJS code requires)
const REQUIRED = new RegExp(
  String.raw`([\w$]+)\.exports=[\w$]+\(import\.meta\.url\)\(${STAND_IN}\)`,
  'g',
);
// Any way of reaching a stand-in but through the helper: what the rewrite would miss.
const OTHER_REFERENCE = new RegExp(
  `(?:from|(?<!${HELPER.replace(/[$]/g, '\\$&')})\\()\\s*${STAND_IN}`,
);

// How a binding behaves besides loading on first touch: a namespace's
// `default` is the module's exports, as Node gives an ESM import of CommonJS;
// a module called at load for a value used later (node-vault's
// `require('debug')('node-vault')`) returns that value lazily too, so that
// the call and the load wait for the value's own first touch.
const PLAIN = 0;
const NAMESPACE = 1;
const CALLS_DEFERRED = 2;

// The target is an arrow function so that calls reach the module while the
// Proxy has no non-configurable property of its own to contradict the module's.
const PRELUDE = [
  `import{createRequire as ${HELPER}Require}from"module";`,
  `const ${HELPER}Lazy=(make,kind)=>{`,
  `let real;`,
  `const load=()=>real??=make();`,
  `return new Proxy(()=>{},{`,
  `get:(_,key)=>kind===${NAMESPACE}&&key==="default"?load():Reflect.get(load(),key),`,
  `has:(_,key)=>Reflect.has(load(),key),`,
  `ownKeys:()=>Reflect.ownKeys(load()),`,
  `getOwnPropertyDescriptor:(_,key)=>{const own=Reflect.getOwnPropertyDescriptor(load(),key);return own&&{...own,configurable:true}},`,
  `apply:(_,self,args)=>kind===${CALLS_DEFERRED}?${HELPER}Lazy(()=>Reflect.apply(load(),self,args),${PLAIN}):Reflect.apply(load(),self,args)})};`,
  `const ${HELPER}=(file,kind)=>${HELPER}Lazy(()=>${HELPER}Require(import.meta.url)(file),kind);`,
].join('');

/**
 * The entry bundle `code` (and its source map, JSON text or undefined) with
 * every stand-in bound lazily; unchanged when it uses none. `callsDeferred`:
 * the stand-ins (`./<file>.cjs`) whose export is called only for a value.
 */
export function deferStandIns(code, map, { callsDeferred = [] } = {}) {
  if (!OTHER_REFERENCE.test(code)) return { code, map };
  if (code.includes(HELPER)) throw new Error(`the bundle already uses the name ${HELPER}`);
  const deferred = code
    .replace(NAMESPACE_IMPORT, (text, name, file) =>
      padded(`const ${name}=${HELPER}("${file}",${NAMESPACE});`, text),
    )
    .replace(REQUIRED, (text, module, file) =>
      padded(
        `${module}.exports=${HELPER}("${file}",${callsDeferred.includes(file) ? CALLS_DEFERRED : PLAIN})`,
        text,
      ),
    );
  const missed = OTHER_REFERENCE.exec(deferred);
  if (missed !== null) {
    throw new Error(
      `the bundle reaches the stand-in ${missed[1]} in a way build.mjs does not defer`,
    );
  }
  // After a shebang (the CLI's), which must stay the first line.
  const at = deferred.startsWith('#!') ? deferred.indexOf('\n') + 1 : 0;
  const lines = deferred.slice(0, at).split('\n').length - 1;
  return {
    code: `${deferred.slice(0, at)}${PRELUDE}\n${deferred.slice(at)}`,
    map: map === undefined ? undefined : withEmptyLine(map, lines),
  };
}

/**
 * A chunk (`<n>.index.js`) has no helper of its own: its stand-ins must come
 * through the entry bundle's modules, as ncc emits them.
 */
export function checkChunk(file, code) {
  const reference = OTHER_REFERENCE.exec(code);
  if (reference !== null) {
    throw new Error(
      `${file} reaches the stand-in ${reference[1]} itself; only index.js defers them`,
    );
  }
}

function padded(replacement, original) {
  if (replacement.length > original.length) {
    throw new Error(`cannot defer "${original}" without moving the code after it`);
  }
  return replacement.padEnd(original.length, ' ');
}

/** The source map with an empty generated line inserted before line `index` (0-based). */
function withEmptyLine(map, index) {
  const parsed = JSON.parse(map);
  const groups = parsed.mappings.split(';');
  groups.splice(index, 0, '');
  return JSON.stringify({ ...parsed, mappings: groups.join(';') });
}
