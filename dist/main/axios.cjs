// axios 1.21.1, loaded when first touched (scripts/build.mjs).
'use strict';

let real;
const load = () => (real ??= require('./axios.bundle.cjs'));
module.exports = new Proxy(function () {}, {
  get: (_, key) => Reflect.get(load(), key),
  set: (_, key, value) => Reflect.set(load(), key, value),
  has: (_, key) => Reflect.has(load(), key),
  deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  construct: (_, args) => Reflect.construct(load(), args),
});
