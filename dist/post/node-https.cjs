// node:https, loaded when first touched (scripts/build.mjs).
'use strict';

let real;
const load = () => (real ??= require('node:https'));
// apply and construct reach the module only through a function target.
function lazy(get, target, deferCalls) {
  return new Proxy(target, {
    get: (_, key) => Reflect.get(get(), key),
    set: (_, key, value) => Reflect.set(get(), key, value),
    has: (_, key) => Reflect.has(get(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(get(), key),
    apply: (_, self, args) => (deferCalls ? deferred(self, args) : Reflect.apply(get(), self, args)),
    construct: (_, args) => Reflect.construct(get(), args),
  });
}
module.exports = lazy(load, {}, false);
