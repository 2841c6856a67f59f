/**
 * The token-exchange server inputs reach `gatepass run` the two ways the CLI
 * takes every input (INPUT_NAMES): as `GATEPASS_*` variables, which the GitLab
 * component sets, and as flags. The bundled CLI runs against the Keycloak
 * double as a GitLab job, and against the Google double from a terminal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalIssuer } from '../../examples/gateway/issuer.js';
import { startGoogleDouble, CLOUD_PLATFORM, type GoogleDouble } from '../doubles/google.js';
import { startKeycloakDouble, type KeycloakDouble } from '../doubles/keycloak.js';
import { CLI, gitlabJobEnv, launch } from '../helpers/runner.js';

const GITLAB = 'https://gitlab.example.com';
const GITHUB = 'https://token.actions.githubusercontent.com';
const SECRET = 'kc-gitlab-client-secret-000';
const PROVIDER = 'projects/123456/locations/global/workloadIdentityPools/ci/providers/github';
const SERVICE_ACCOUNT = 'deploy@my-project.iam.gserviceaccount.com';

let gitlab: LocalIssuer;
let github: LocalIssuer;
let keycloak: KeycloakDouble;
let google: GoogleDouble;
let root: string;

beforeAll(async () => {
  gitlab = await LocalIssuer.create(GITLAB);
  github = await LocalIssuer.create(GITHUB);
  keycloak = await startKeycloakDouble({
    clients: [{ clientId: 'gatepass-ci', secret: SECRET }],
    identityProviders: [
      { alias: 'gitlab', issuer: GITLAB, keys: gitlab.keySet, disableTypeClaimCheck: true },
    ],
    identityProviderPermissions: { gitlab: ['gatepass-ci'] },
  });
  google = await startGoogleDouble({
    providers: [
      {
        name: PROVIDER,
        issuerUri: GITHUB,
        keys: github.keySet,
        attributes: (c) => ({ 'google.subject': String(c.sub) }),
      },
    ],
    serviceAccounts: [
      {
        email: SERVICE_ACCOUNT,
        workloadIdentityUsers: [
          'principal://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/ci/subject/repo:octo-org/app:ref:refs/heads/main',
        ],
      },
    ],
  });
  root = mkdtempSync(join(tmpdir(), 'gatepass-cli-te-'));
});
afterAll(async () => {
  await keycloak.stop();
  await google.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('gatepass run with the token-exchange server inputs', () => {
  it('as a GitLab job: GATEPASS_* variables, Keycloak by subject_issuer, revoked at the end', async () => {
    const project = mkdtempSync(join(root, 'job-'));
    const before = keycloak.issued.length;
    const result = await launch(
      CLI,
      {
        ...gitlabJobEnv({ projectDir: project, jobName: 'deploy' }),
        GATEPASS_ID_TOKEN: await gitlab.mint({ platform: 'gitlab', audience: keycloak.issuer }),
        GATEPASS_GATEWAY: keycloak.issuer,
        GATEPASS_CLIENT_ID: 'gatepass-ci',
        GATEPASS_CLIENT_SECRET: SECRET,
        GATEPASS_CLIENT_AUTH: 'client_secret_post',
        GATEPASS_SUBJECT_ISSUER: 'gitlab',
        GATEPASS_TTL_PARAMETER: 'none',
        GATEPASS_CREDENTIALS: '- name: api\n  env: { API_TOKEN: access_token }\n',
      },
      ['run', '--', 'sh', '-c', 'test -n "$API_TOKEN" && echo cli-ok'],
    ).result;
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('cli-ok');
    const sent = keycloak.requests.filter((r) => r.path.endsWith('/token')).at(-1);
    expect(sent?.params).toMatchObject({
      client_id: ['gatepass-ci'],
      subject_issuer: ['gitlab'],
      subject_token_type: ['urn:ietf:params:oauth:token-type:id_token'],
    });
    expect(sent?.params.expires_in).toBeUndefined();
    const issued = keycloak.issued.slice(before);
    expect(issued).toHaveLength(1);
    expect(keycloak.introspect(issued[0] ?? '')).toEqual({ active: false });
  });

  it('from a terminal: flags, Google STS then the service account, nothing to revoke', async () => {
    const dir = mkdtempSync(join(root, 'local-'));
    const before = google.requests.length;
    const credentials = `- {name: gcp, ttl: 5m, audience: "//iam.googleapis.com/${PROVIDER}", scope: "${CLOUD_PLATFORM}", requested-token-type: "urn:ietf:params:oauth:token-type:access_token", service-account: "${google.url}/v1/projects/-/serviceAccounts/${SERVICE_ACCOUNT}:generateAccessToken", env: {GCP_TOKEN: access_token}}`;
    const result = await launch(
      CLI,
      {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        GATEPASS_ID_TOKEN: await github.mint({
          platform: 'github',
          audience: `https://iam.googleapis.com/${PROVIDER}`,
        }),
      },
      [
        'run',
        '--gateway',
        'https://sts.googleapis.com',
        '--token-endpoint',
        `${google.url}/v1/token`,
        '--client-auth',
        'none',
        '--subject-token-type',
        'jwt',
        '--ttl-parameter',
        'none',
        '--credentials',
        credentials,
        '--state',
        join(dir, 'state.json'),
        '--audit-file',
        join(dir, 'audit.json'),
        '--',
        'sh',
        '-c',
        'test -n "$GCP_TOKEN" && echo cli-ok',
      ],
    ).result;
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('cli-ok');
    expect(google.requests.slice(before).map((r) => r.path)).toEqual([
      '/v1/token',
      `/v1/projects/-/serviceAccounts/${SERVICE_ACCOUNT}:generateAccessToken`,
    ]);
    expect(google.requests.slice(before)[1]?.fields).toEqual({
      scope: [CLOUD_PLATFORM],
      lifetime: '300s',
    });
    expect(result.stderr).toContain(
      `"gcp" cannot be revoked: Google's STS and IAM Credentials have no revocation`,
    );
    expect(result.stderr).toMatch(/gcp +skipped .*the gateway offers no revocation/);
    expect(google.violations).toEqual([]);
  });
});
