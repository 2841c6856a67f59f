import { SignJWT, decodeProtectedHeader, generateKeyPair } from 'jose';
import {
  startGateway,
  type Fault,
  type GatewayOptions,
  type RunningGateway,
} from '../../examples/gateway/index.js';
import { GatepassError } from '../../src/common/errors.js';
import { parseConfig } from '../../src/config/config.js';
import { isPending, type Gateway, type Issued, type Pending } from '../../src/gateways/gateway.js';
import { createGateway, type GatewayDeps } from '../../src/gateways/index.js';
import { IdentityToken, parseIdentityToken } from '../../src/identity/token.js';

export const POLICY = `
max_ttl: 1h
default_ttl: 15m
rules:
  - name: read
    match: { repository: octo-org/app }
    scopes: [read]
    audiences: ["https://api.example.com"]
  - name: deploy-main
    match: { repository: octo-org/app, ref: refs/heads/main }
    scopes: [deploy]
    audiences: ["https://api.example.com"]
    max_ttl: 5m
  - name: production
    match: { repository: "octo-org/*", environment: production }
    scopes: [prod]
    approval: required
`;

/** A reference gateway on loopback with a switchable fault injector and a captured audit log. */
export interface TestGateway extends RunningGateway {
  audit: string[];
  /** Replace to inject faults; reset after each test. */
  intercept: ((req: { method: string; path: string }) => Fault | undefined) | undefined;
  /** Every request seen, "METHOD /path". */
  requests: string[];
  github(
    claims?: Record<string, string>,
    mint?: { ttlSeconds?: number; issuedAt?: number; audience?: string },
  ): Promise<IdentityToken>;
  introspect(token: string): Promise<Record<string, unknown>>;
  /** Tokens issued since audit line `from`: how many, and the ids of those not revoked. */
  tokens(from: number): { issued: number; live: string[] };
  decide(approvalUrl: string, decision: 'approve' | 'deny'): Promise<Response>;
}

export async function testGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const audit: string[] = [];
  const requests: string[] = [];
  const holder: { intercept: TestGateway['intercept'] } = { intercept: undefined };
  const running = await startGateway({
    policy: POLICY,
    approvals: { intervalSeconds: 0.05 },
    audit: (line) => audit.push(line),
    intercept: (req) => {
      requests.push(`${req.method} ${req.path}`);
      return holder.intercept?.(req);
    },
    ...options,
  });
  const gw: TestGateway = {
    ...running,
    audit,
    requests,
    get intercept() {
      return holder.intercept;
    },
    set intercept(fn) {
      holder.intercept = fn;
    },
    async github(claims = {}, mint = {}) {
      const value = await running.mintIdToken({ platform: 'github', claims, ...mint });
      return parseIdentityToken(value, 'github', 'test');
    },
    tokens(from) {
      const events = audit.slice(from).map((l) => JSON.parse(l) as { event: string; jti?: string });
      const revoked = new Set(events.filter((e) => e.event === 'token.revoked').map((e) => e.jti));
      const issued = events.filter((e) => e.event === 'token.issued').map((e) => e.jti ?? '');
      return { issued: issued.length, live: issued.filter((jti) => !revoked.has(jti)) };
    },
    async introspect(token) {
      const res = await fetch(`${running.url}/introspect`, {
        method: 'POST',
        headers: { authorization: `Bearer ${running.adminToken}` },
        body: new URLSearchParams({ token }),
      });
      return (await res.json()) as Record<string, unknown>;
    },
    decide(approvalUrl, decision) {
      return fetch(approvalUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${running.adminToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ decision, approver: 'alice' }),
      });
    },
  };
  return gw;
}

/** A token that claims to come from the local issuer but is signed with another key. */
export async function forgedToken(
  gw: RunningGateway,
  genuine: IdentityToken,
): Promise<IdentityToken> {
  const { privateKey } = await generateKeyPair('RS256');
  const kid = decodeProtectedHeader(genuine.value).kid ?? '';
  const value = await new SignJWT({ ...genuine.claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(privateKey);
  return parseIdentityToken(value, 'github', 'test');
}

/** The same claims with `alg: none` and no signature. */
export function unsignedToken(genuine: IdentityToken): IdentityToken {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return parseIdentityToken(
    `${part({ alg: 'none', typ: 'JWT' })}.${part(genuine.claims)}.`,
    'github',
    'test',
  );
}

export function garbageToken(): IdentityToken {
  return new IdentityToken('not-a-jwt-at-all', 'local', {});
}

/** Issued credentials, or a thrown error: every gateway test awaits issue() this way. */
export async function issued(result: Promise<Issued | Pending>): Promise<Issued> {
  const value = await result;
  if (isPending(value)) throw new Error('unexpectedly pending');
  return value;
}

/** The GatepassError a promise rejects with (anything else fails the test): the gateway tests' failure check. */
export async function failure(promise: Promise<unknown>): Promise<GatepassError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatepassError))
    throw new Error(`expected a GatepassError, got ${String(err)}`);
  return err;
}

/** A gateway made from a step's inputs as the action makes it, for the tests that drive a provider by its inputs. */
export async function gatewayFromInputs(
  options: { inputs: Record<string, string> } & GatewayDeps,
): Promise<Gateway> {
  const config = parseConfig((name) => options.inputs[name] ?? '', { platform: 'local' });
  return createGateway(
    { provider: config.provider, gateway: config.gateway, timeoutMs: 5000 },
    { registerSecret: options.registerSecret, logger: options.logger },
  );
}
