// undici 6.29.1, loaded on first use (scripts/build.mjs).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let undici;
function lazy(name) {
  return function (...args) {
    undici ??= require('./undici.cjs');
    const real = undici[name];
    return new.target === undefined ? real.apply(this, args) : Reflect.construct(real, args);
  };
}

export const Agent = lazy('Agent');
export const BalancedPool = lazy('BalancedPool');
export const Client = lazy('Client');
export const CloseEvent = lazy('CloseEvent');
export const DecoratorHandler = lazy('DecoratorHandler');
export const Dispatcher = lazy('Dispatcher');
export const EnvHttpProxyAgent = lazy('EnvHttpProxyAgent');
export const ErrorEvent = lazy('ErrorEvent');
export const EventSource = lazy('EventSource');
export const File = lazy('File');
export const FileReader = lazy('FileReader');
export const FormData = lazy('FormData');
export const Headers = lazy('Headers');
export const MessageEvent = lazy('MessageEvent');
export const MockAgent = lazy('MockAgent');
export const MockClient = lazy('MockClient');
export const MockPool = lazy('MockPool');
export const Pool = lazy('Pool');
export const ProxyAgent = lazy('ProxyAgent');
export const RedirectHandler = lazy('RedirectHandler');
export const Request = lazy('Request');
export const Response = lazy('Response');
export const RetryAgent = lazy('RetryAgent');
export const RetryHandler = lazy('RetryHandler');
export const WebSocket = lazy('WebSocket');
export const buildConnector = lazy('buildConnector');
export const connect = lazy('connect');
export const createRedirectInterceptor = lazy('createRedirectInterceptor');
export const deleteCookie = lazy('deleteCookie');
export const fetch = lazy('fetch');
export const getCookies = lazy('getCookies');
export const getGlobalDispatcher = lazy('getGlobalDispatcher');
export const getGlobalOrigin = lazy('getGlobalOrigin');
export const getSetCookies = lazy('getSetCookies');
export const parseMIMEType = lazy('parseMIMEType');
export const pipeline = lazy('pipeline');
export const request = lazy('request');
export const serializeAMimeType = lazy('serializeAMimeType');
export const setCookie = lazy('setCookie');
export const setGlobalDispatcher = lazy('setGlobalDispatcher');
export const setGlobalOrigin = lazy('setGlobalOrigin');
export const stream = lazy('stream');
export const upgrade = lazy('upgrade');
