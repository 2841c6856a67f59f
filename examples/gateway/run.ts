/**
 * Command line of the reference gateway (see README.md):
 *
 *   node examples/gateway/server.ts [--port 0] [--host 127.0.0.1] [--policy FILE]
 *     [--audit-log FILE] [--trust github|gitlab|ISSUER_URL]... [--audience AUD]...
 *     [--no-local-issuer] [--approval-interval SECONDS] [--postgres ADMIN_URL]
 *
 * Prints the gateway URL as the first line of stdout, then one audit line per
 * decision (or writes them to --audit-log); the admin token and the values
 * for ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN go to stderr, the way `vault server
 * -dev` prints its root token. Stops cleanly on SIGTERM and SIGINT, dropping
 * every PostgreSQL role it created. The admin URL may come from
 * GATEWAY_POSTGRES_URL instead, to keep its password off the command line.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeAdmin, startGateway, type GatewayOptions, type TrustedIssuer } from './index.js';

const SHORTHANDS: Record<string, string> = {
  github: 'https://token.actions.githubusercontent.com',
  gitlab: 'https://gitlab.com',
};

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      policy: { type: 'string' },
      'audit-log': { type: 'string' },
      trust: { type: 'string', multiple: true, default: [] },
      audience: { type: 'string', multiple: true, default: [] },
      'no-local-issuer': { type: 'boolean', default: false },
      'approval-interval': { type: 'string' },
      postgres: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${readFileSync(new URL('./README.md', import.meta.url), 'utf8')}\n`);
    return;
  }
  const auditFile = values['audit-log'];
  const postgresUrl = values.postgres ?? process.env.GATEWAY_POSTGRES_URL ?? '';
  const options: GatewayOptions = {
    port: Number(values.port),
    host: values.host,
    policy: values.policy === undefined ? DEMO_POLICY : readFileSync(values.policy, 'utf8'),
    trustedIssuers: values.trust.map((t): TrustedIssuer => ({ issuer: SHORTHANDS[t] ?? t })),
    localIssuer: !values['no-local-issuer'],
    ...(process.env.GATEWAY_ADMIN_TOKEN === undefined
      ? {}
      : { adminToken: process.env.GATEWAY_ADMIN_TOKEN }),
    audit: (line) => {
      if (auditFile === undefined) process.stdout.write(`${line}\n`);
      else appendFileSync(auditFile, `${line}\n`);
    },
    ...(values.audience.length > 0 ? { audiences: values.audience } : {}),
    ...(values['approval-interval'] === undefined
      ? {}
      : { approvals: { intervalSeconds: Number(values['approval-interval']) } }),
    ...(postgresUrl === '' ? {} : { postgres: { url: postgresUrl } }),
  };
  const gateway = await startGateway(options);
  process.stdout.write(`${gateway.url}\n`);
  process.stderr.write(
    [
      `gatepass reference gateway listening on ${gateway.url} -- NOT FOR PRODUCTION`,
      `admin token (POST /approvals/{id}): ${gateway.adminToken}`,
      ...(gateway.issuerUrl === ''
        ? []
        : [
            `local OIDC issuer: ${gateway.issuerUrl}`,
            `export ACTIONS_ID_TOKEN_REQUEST_URL='${gateway.idTokenRequestUrl}'`,
            `export ACTIONS_ID_TOKEN_REQUEST_TOKEN='${gateway.idTokenRequestToken}'`,
          ]),
      ...(options.postgres === undefined
        ? []
        : [`PostgreSQL roles are created as ${describeAdmin(options.postgres)}`]),
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    gateway.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`gateway: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Used without --policy: lets the local issuer's default identities through. */
const DEMO_POLICY = `
max_ttl: 1h
rules:
  - name: demo-github
    match: { repository: octo-org/app }
    scopes: [read, deploy]
    audiences: ["https://**"]
  - name: demo-gitlab
    match: { project_path: group/project }
    scopes: [read, deploy]
    audiences: ["https://**"]
  - name: demo-postgres
    match: { repository: octo-org/app }
    scopes: [db]
    postgres: {}
`;
