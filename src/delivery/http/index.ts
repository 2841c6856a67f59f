/** The data path's HTTP proxy: start one per job step and credential (docs/data-path.md § HTTP). */
export { startHttpProxy } from './server.js';
export type {
  HttpCredential,
  HttpEndpoint,
  HttpProxyOptions,
  RequestCheck,
  RequestDecision,
  RequestRecord,
} from './types.js';
