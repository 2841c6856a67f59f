// libpg-query 18.1.5, loaded on first use (scripts/build.mjs).
'use strict';

let real;
const load = () => (real ??= require('./libpg-query.bundle.cjs'));
exports.parse = (query) => load().parse(query);
exports.loadModule = () => load().loadModule();
