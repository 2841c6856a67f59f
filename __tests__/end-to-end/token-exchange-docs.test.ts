/**
 * docs/token-exchange.md's examples run as written: every GitHub step in it
 * that uses gatepass is run by the bundled action (`dist/main`), with the
 * inputs exactly as the page gives them (only the secret's value and the
 * `run` script are swapped), against the Keycloak and Google doubles at the
 * page's own host names: sso.example.com, sts.googleapis.com and
 * iamcredentials.googleapis.com are reached through a proxy, over TLS with a
 * private CA (as a corporate runner would), so no address in the page is
 * rewritten. The ID token comes from a runner-style endpoint whose issuer is
 * GitHub's.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import { LocalIssuer } from '../../examples/gateway/issuer.js';
import { startGoogleDouble, type GoogleDouble } from '../doubles/google.js';
import { startKeycloakDouble, type KeycloakDouble } from '../doubles/keycloak.js';
import { makeCa, startProxy, tlsFront, type Ca, type Front, type Proxy } from '../helpers/proxy.js';
import { MAIN, inputEnv, launch } from '../helpers/runner.js';

const DOC = 'docs/token-exchange.md';
const GITHUB = 'https://token.actions.githubusercontent.com';
const KEYCLOAK_SECRET = 'kc-docs-client-secret-000111';
const PROVIDER = 'projects/123456/locations/global/workloadIdentityPools/ci/providers/github';

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

interface Example {
  /** The comment the block starts with, for the test's name. */
  title: string;
  inputs: Record<string, string>;
}

/** Every step of every YAML block of the page that uses gatepass. */
function examples(): Example[] {
  const text = readFileSync(DOC, 'utf8');
  const found: Example[] = [];
  for (const [, block = ''] of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const title = /^#\s*(.+)$/m.exec(block)?.[1] ?? 'untitled';
    for (const doc of parseAllDocuments(block)) {
      const value: unknown = doc.toJS();
      const steps = isMapping(value) && Array.isArray(value.steps) ? value.steps : [];
      for (const step of steps) {
        if (!isMapping(step) || typeof step.uses !== 'string') continue;
        if (!step.uses.startsWith('gatepass/gatepass@')) continue;
        const inputs: Record<string, string> = {};
        for (const [name, v] of Object.entries(isMapping(step.with) ? step.with : {})) {
          inputs[name] = String(v);
        }
        found.push({ title, inputs });
      }
    }
  }
  return found;
}

let ca: Ca;
let github: LocalIssuer;
let keycloak: KeycloakDouble;
let google: GoogleDouble;
let fronts: Front[];
let proxy: Proxy;
let tokens: Server;
let tokenUrl: string;
let root: string;

beforeAll(async () => {
  ca = makeCa(['sso.example.com', 'sts.googleapis.com', 'iamcredentials.googleapis.com']);
  github = await LocalIssuer.create(GITHUB);
  // docs/token-exchange.md § Keycloak, steps 3, 4 and 6.
  keycloak = await startKeycloakDouble({
    hostname: 'https://sso.example.com',
    realm: 'ci',
    clients: [
      { clientId: 'gatepass-ci', secret: KEYCLOAK_SECRET },
      { clientId: 'deploy-api', secret: 'deploy-api-secret-000' },
    ],
    identityProviders: [
      { alias: 'github-actions', issuer: GITHUB, keys: github.keySet, disableTypeClaimCheck: true },
    ],
    identityProviderPermissions: { 'github-actions': ['gatepass-ci'] },
    clientPermissions: { 'deploy-api': ['gatepass-ci'] },
  });
  // docs/token-exchange.md § Google Cloud STS, the gcloud commands.
  google = await startGoogleDouble({
    providers: [
      {
        name: PROVIDER,
        issuerUri: GITHUB,
        keys: github.keySet,
        attributes: (c) => ({
          'google.subject': String(c.sub),
          'attribute.repository': String(c.repository),
          'attribute.repository_owner': String(c.repository_owner),
          'attribute.ref': String(c.ref),
        }),
        condition: (c) => c.repository_owner === 'octo-org',
      },
    ],
    serviceAccounts: [
      {
        email: 'deploy@my-project.iam.gserviceaccount.com',
        workloadIdentityUsers: [
          'principalSet://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/ci/attribute.repository/octo-org/app',
        ],
      },
    ],
  });
  const kcFront = await tlsFront(keycloak.url, ca);
  const googleFront = await tlsFront(google.url, ca);
  fronts = [kcFront, googleFront];
  proxy = await startProxy({
    routes: {
      'sso.example.com:443': `127.0.0.1:${kcFront.port}`,
      'sts.googleapis.com:443': `127.0.0.1:${googleFront.port}`,
      'iamcredentials.googleapis.com:443': `127.0.0.1:${googleFront.port}`,
    },
  });
  // The runner's ID token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), GitHub as the issuer.
  tokens = createServer((req, res) => {
    const audience = new URL(req.url ?? '/', 'http://x').searchParams.get('audience') ?? undefined;
    void github
      .mint({ platform: 'github', ...(audience === undefined ? {} : { audience }) })
      .then((value) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value }));
      });
  });
  await new Promise<void>((resolve) => tokens.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}/token?api-version=2.0`;
  root = mkdtempSync(join(tmpdir(), 'gatepass-docs-'));
});

afterAll(async () => {
  await proxy.close();
  for (const front of fronts) await front.close();
  await keycloak.stop();
  await google.stop();
  tokens.close();
  ca.remove();
  rmSync(root, { recursive: true, force: true });
});

let counter = 0;

/** Runs one example as the runner would run the step; `run` checks the variables it promises. */
async function runExample(example: Example) {
  const dir = join(root, `step-${++counter}`);
  const temp = join(dir, 'runner-temp');
  const workspace = join(dir, 'workspace');
  mkdirSync(temp, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    env: join(dir, 'env'),
    summary: join(dir, 'summary.md'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ ref: 'refs/heads/main' }));
  const credentials: unknown = parse(example.inputs.credentials ?? '');
  const variables = (Array.isArray(credentials) ? credentials : []).flatMap((c: unknown) =>
    isMapping(c) && isMapping(c.env) ? Object.keys(c.env) : [],
  );
  expect(variables.length).toBeGreaterThan(0);
  const inputs = {
    ...example.inputs,
    // The secret's value: the page says where it comes from, not what it is.
    ...(example.inputs['client-secret'] === undefined ? {} : { 'client-secret': KEYCLOAK_SECRET }),
    run: [...variables.map((v) => `printenv ${v} > /dev/null`), 'echo docs-example-ok'].join(
      ' && ',
    ),
  };
  const result = await launch(MAIN, {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    ...inputEnv(inputs),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'octo-org/app',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
    GITHUB_RUN_ID: '9000001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'deploy',
    GITHUB_ACTION: `gatepass-${counter}`,
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: event,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_STEP_SUMMARY: files.summary,
    ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token-000',
    HTTPS_PROXY: proxy.url,
    NODE_EXTRA_CA_CERTS: ca.caFile,
  }).result;
  return { ...result, summary: readFileSync(files.summary, 'utf8') };
}

const all = examples();
const keycloakExamples = all.filter((e) => e.inputs.gateway?.startsWith('https://sso.example.com'));
const googleExamples = all.filter((e) => e.inputs.gateway === 'https://sts.googleapis.com');

describe(DOC, () => {
  it('has a Keycloak example and two Google ones, and no other step', () => {
    expect(keycloakExamples).toHaveLength(1);
    expect(googleExamples).toHaveLength(2);
    expect(all).toHaveLength(3);
  });

  it.each(keycloakExamples.map((e) => [e.title, e] as const))(
    'runs "%s" against Keycloak: the token is issued, used and revoked at the step end',
    async (_title, example) => {
      const before = keycloak.issued.length;
      const result = await runExample(example);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain('docs-example-ok');
      const issued = keycloak.issued.slice(before);
      expect(issued).toHaveLength(1);
      expect(keycloak.introspect(issued[0] ?? '')).toEqual({ active: false });
      expect(result.summary).toMatch(/\| api \| ✅ revoked \|/);
    },
  );

  it.each(googleExamples.map((e) => [e.title, e] as const))(
    'runs "%s" against Google: issued, and truthfully not revocable',
    async (_title, example) => {
      const before = google.requests.length;
      const result = await runExample(example);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain('docs-example-ok');
      const paths = google.requests.slice(before).map((r) => r.path);
      expect(paths[0]).toBe('/v1/token');
      if (example.inputs.credentials?.includes('service-account:') === true) {
        expect(paths).toEqual([
          '/v1/token',
          '/v1/projects/-/serviceAccounts/deploy@my-project.iam.gserviceaccount.com:generateAccessToken',
        ]);
      } else {
        expect(paths).toEqual(['/v1/token']);
      }
      expect(result.summary).toMatch(
        /skipped \| [^|]*\| the gateway offers no revocation; expires /,
      );
      expect(google.violations).toEqual([]);
    },
  );
});
