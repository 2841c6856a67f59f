// @actions/http-client 4.0.1, loaded on first use (scripts/build.mjs).
'use strict';

let loaded;
function lazy(name) {
  return function (...args) {
    loaded ??= require('./actions-http-client.bundle.cjs');
    const real = loaded[name];
    return new.target === undefined ? real.apply(this, args) : Reflect.construct(real, args);
  };
}

exports.HttpClient = lazy('HttpClient');
exports.HttpClientError = lazy('HttpClientError');
exports.HttpClientResponse = lazy('HttpClientResponse');
exports.getProxyUrl = lazy('getProxyUrl');
exports.isHttps = lazy('isHttps');
