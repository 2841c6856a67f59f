// undici 6.29.1, loaded on first use (scripts/build.mjs).
'use strict';

let loaded;
function lazy(name) {
  return function (...args) {
    loaded ??= require('./undici.bundle.cjs');
    const real = loaded[name];
    return new.target === undefined ? real.apply(this, args) : Reflect.construct(real, args);
  };
}

exports.Agent = lazy('Agent');
exports.BalancedPool = lazy('BalancedPool');
exports.Client = lazy('Client');
exports.CloseEvent = lazy('CloseEvent');
exports.DecoratorHandler = lazy('DecoratorHandler');
exports.Dispatcher = lazy('Dispatcher');
exports.EnvHttpProxyAgent = lazy('EnvHttpProxyAgent');
exports.ErrorEvent = lazy('ErrorEvent');
exports.EventSource = lazy('EventSource');
exports.File = lazy('File');
exports.FileReader = lazy('FileReader');
exports.FormData = lazy('FormData');
exports.Headers = lazy('Headers');
exports.MessageEvent = lazy('MessageEvent');
exports.MockAgent = lazy('MockAgent');
exports.MockClient = lazy('MockClient');
exports.MockPool = lazy('MockPool');
exports.Pool = lazy('Pool');
exports.ProxyAgent = lazy('ProxyAgent');
exports.RedirectHandler = lazy('RedirectHandler');
exports.Request = lazy('Request');
exports.Response = lazy('Response');
exports.RetryAgent = lazy('RetryAgent');
exports.RetryHandler = lazy('RetryHandler');
exports.WebSocket = lazy('WebSocket');
exports.buildConnector = lazy('buildConnector');
exports.connect = lazy('connect');
exports.createRedirectInterceptor = lazy('createRedirectInterceptor');
exports.deleteCookie = lazy('deleteCookie');
exports.fetch = lazy('fetch');
exports.getCookies = lazy('getCookies');
exports.getGlobalDispatcher = lazy('getGlobalDispatcher');
exports.getGlobalOrigin = lazy('getGlobalOrigin');
exports.getSetCookies = lazy('getSetCookies');
exports.parseMIMEType = lazy('parseMIMEType');
exports.pipeline = lazy('pipeline');
exports.request = lazy('request');
exports.serializeAMimeType = lazy('serializeAMimeType');
exports.setCookie = lazy('setCookie');
exports.setGlobalDispatcher = lazy('setGlobalDispatcher');
exports.setGlobalOrigin = lazy('setGlobalOrigin');
exports.stream = lazy('stream');
exports.upgrade = lazy('upgrade');
