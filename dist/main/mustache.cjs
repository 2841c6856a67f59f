// mustache 4.2.0, loaded when first touched (scripts/build.mjs).
'use strict';

let real;
const load = () => (real ??= require('./mustache.bundle.cjs'));
module.exports = new Proxy({}, {
  get: (_, key) => Reflect.get(load(), key),
  set: (_, key, value) => Reflect.set(load(), key, value),
  has: (_, key) => Reflect.has(load(), key),
  deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
});
