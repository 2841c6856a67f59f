// @actions/exec 3.0.0, loaded on first use (scripts/build.mjs).
'use strict';

let loaded;
function lazy(name) {
  return function (...args) {
    loaded ??= require('./actions-exec.bundle.cjs');
    const real = loaded[name];
    return new.target === undefined ? real.apply(this, args) : Reflect.construct(real, args);
  };
}

exports.exec = lazy('exec');
exports.getExecOutput = lazy('getExecOutput');
