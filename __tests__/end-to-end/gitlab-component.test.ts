/**
 * The GitLab component (gitlab/templates/credentials.yml) run for real: a
 * pipeline in a throwaway project includes it from this checkout, and
 * gitlab-ci-local runs its jobs with the shell executor (`--force-shell-executor`:
 * the component names an image, which the shell executor ignores). The jobs
 * install gatepass from an `npm pack` tarball of this checkout (the
 * `gatepass-version` input takes a `.tgz` path), get an ID token minted by the
 * reference gateway's local issuer (gitlab-ci-local cannot mint `id_tokens`,
 * so it comes in as the variable `id_tokens:` would fill), and exchange it at
 * that gateway, running in this process.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  componentProject,
  type ComponentProject,
  type GclResult,
} from '../helpers/gitlab-ci-local.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';

const run = promisify(execFile);

type Mapping = Record<string, unknown>;

function mapping(value: unknown, what: string): Mapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what} is not a mapping`);
  }
  return value as Mapping;
}

const TEMPLATE = 'gitlab/templates/credentials.yml';
const action = mapping(parse(readFileSync('action.yml', 'utf8')), 'action.yml');
const actionInputs = mapping(action.inputs, 'action inputs');
const [header] = parseAllDocuments(readFileSync(TEMPLATE, 'utf8'));
const componentInputs = mapping(
  mapping(mapping(header?.toJS(), 'header').spec, 'spec').inputs,
  'spec:inputs',
);
/** Action inputs the component leaves out, and why (gitlab/README.md says the same). */
const NOT_INPUTS: Record<string, string> = {
  export: 'a GitLab job has no later steps; `gatepass run` refuses it',
  'github-token': 'GitHub only',
  'client-secret': 'a secret: GATEPASS_CLIENT_SECRET, a masked CI/CD variable',
  'hoop-api-key': 'a secret: GATEPASS_HOOP_API_KEY, a masked CI/CD variable',
};
const COMPONENT_ONLY = [
  'job-prefix',
  'stage',
  'image',
  'gatepass-version',
  'gatepass-sha256',
  'gatepass-registry',
];
const BOOLEANS = ['revoke', 'mask-detectors', 'allow-self-approval'];

const envName = (input: string): string => `GATEPASS_${input.replace(/-/g, '_').toUpperCase()}`;

describe('the component template', () => {
  it("mirrors action.yml's inputs, with the same defaults", () => {
    const mirrored = Object.keys(actionInputs).filter((name) => !(name in NOT_INPUTS));
    expect(Object.keys(componentInputs).sort()).toEqual([...mirrored, ...COMPONENT_ONLY].sort());
    for (const name of mirrored) {
      const ours = mapping(componentInputs[name], name);
      const theirs = mapping(actionInputs[name], name);
      if (theirs.required === true) {
        expect([name, 'default' in ours]).toEqual([name, false]);
        continue;
      }
      // `audience`: empty in the action means the gateway; here it says so.
      const expected = name === 'audience' ? '$GATEPASS_GATEWAY' : theirs.default;
      expect([name, String(ours.default)]).toEqual([name, expected]);
    }
  });

  it("installs the npm release of package.json's version by default", () => {
    const pkg = mapping(JSON.parse(readFileSync('package.json', 'utf8')), 'package.json');
    expect(mapping(componentInputs['gatepass-version'], 'gatepass-version').default).toBe(
      pkg.version,
    );
  });

  it('hands every input to gatepass under its GATEPASS_ name', async () => {
    const project = await componentProject('acme/gatepass');
    try {
      // A value for every input that is not its default.
      const given: Mapping = {
        gateway: 'https://vault.example.com',
        provider: 'vault',
        audience: 'https://aud.example.com',
        credentials: '- name: db\n  path: database/creds/app\n',
        run: 'echo "$HOME"',
        shell: 'sh',
        'working-directory': 'app',
        approvals: 3,
        approvers: 'alice,bob',
        'approval-timeout': '45m',
        'allow-self-approval': true,
        'approval-source': 'gitlab-mr-approvals',
        timeout: '90s',
        revoke: false,
        'revoke-timeout': '45s',
        'mask-detectors': false,
        'client-id': 'ci',
        'client-auth': 'client_secret_post',
        'subject-token-type': 'jwt',
        'subject-issuer': 'gitlab',
        'token-endpoint': 'https://sts.example.com/token',
        'revocation-endpoint': 'https://sts.example.com/revoke',
        'ttl-parameter': 'none',
        'vault-role': 'app',
        'vault-auth-path': 'gitlab',
        'vault-namespace': 'ns1',
        'hoop-token-exchange-url': 'https://idp.example.com',
        'hoop-token-audience': 'hoop',
        'hoop-token-scope': 'hoop:use',
        'hoop-host': 'hoop.internal:15432',
        'id-token-variable': 'MY_ID_TOKEN',
        'ca-certificate': 'corp-ca-pem',
      };
      for (const name of Object.keys(componentInputs)) {
        if (!COMPONENT_ONLY.includes(name)) expect([name, name in given]).toEqual([name, true]);
      }
      project.write(
        '.gitlab-ci.yml',
        stringify({
          include: [
            {
              component: `$CI_SERVER_FQDN/$CI_PROJECT_PATH/credentials@${project.sha}`,
              inputs: { ...given, 'job-prefix': 'creds', stage: 'deploy', image: 'node:24' },
            },
          ],
          job: { extends: '.creds' },
        }),
      );
      const preview = await project.gitlabCiLocal(['--preview']);
      expect(preview.code).toBe(0);
      const job = mapping(mapping(parse(preview.stdout), 'preview').job, 'job');
      expect(job.stage).toBe('deploy');
      expect(job.id_tokens).toEqual({ MY_ID_TOKEN: { aud: 'https://aud.example.com' } });
      const variables = mapping(job.variables, 'variables');
      const beforeScript = String((job.before_script as unknown[])[0]);
      for (const [name, value] of Object.entries(given)) {
        if (BOOLEANS.includes(name)) {
          // Set as text in before_script: GitLab refuses booleans in `variables`.
          expect(beforeScript).toContain(`${envName(name)}="${String(value)}"`);
        } else if (name === 'run') {
          // Not expanded by GitLab (gitlab-ci-local shows that as `$$`).
          expect(variables.GATEPASS_RUN).toBe('echo "$$HOME"');
        } else {
          expect([name, String(variables[envName(name)])]).toEqual([name, String(value)]);
        }
      }
    } finally {
      project.cleanup();
    }
  });
});

/** The reference gateway's rule for the jobs' ID tokens (claims of a protected branch of acme/app). */
const POLICY = `
rules:
  - name: gitlab-read
    match: { project_path: acme/app, ref_protected: 'true' }
    scopes: [read]
    audiences: ["https://api.example.com"]
`;

/** `npm pack` of this checkout, which the jobs install. */
let tarball: string;
let gw: TestGateway;
let packDir: string;

beforeAll(async () => {
  // Before the gateway starts: nothing in this process needs to answer meanwhile.
  packDir = mkdtempSync(join(tmpdir(), 'gatepass-pack-'));
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', packDir], {
    env: { PATH: process.env.PATH ?? '', HOME: packDir },
  });
  tarball = join(packDir, stdout.trim().split('\n').pop() ?? '');
  gw = await testGateway({ policy: POLICY });
}, 60_000);

afterAll(async () => {
  await gw.stop();
  rmSync(packDir, { recursive: true, force: true });
});

describe('a job that extends the component, run by gitlab-ci-local', () => {
  let project: ComponentProject;
  let stateDir: string;

  beforeAll(async () => {
    expect(existsSync(tarball)).toBe(true);
    project = await componentProject('acme/gatepass');
    stateDir = join(`${project.dir}.tmp`, 'gatepass');
    const idToken = await gw.mintIdToken({
      platform: 'gitlab',
      claims: { project_path: 'acme/app' },
    });
    // Read by gitlab-ci-local from the checkout, so the token is never on a command line.
    project.write(
      '.gitlab-ci-local-variables.yml',
      stringify({ GATEPASS_ID_TOKEN: idToken, GITLAB_CI: 'true' }),
    );
    // The command writes the token where the test can check it at the gateway.
    const printToken = 'printf "%s" "$API_TOKEN" > "$TOKEN_OUT"';
    project.write(
      '.gitlab-ci.yml',
      stringify({
        include: [
          {
            component: `$CI_SERVER_FQDN/$CI_PROJECT_PATH/credentials@${project.sha}`,
            inputs: {
              gateway: gw.url,
              'gatepass-version': tarball,
              credentials: stringify([
                {
                  name: 'api',
                  ttl: '5m',
                  scope: 'read',
                  audience: 'https://api.example.com',
                  env: { API_TOKEN: 'access_token' },
                },
              ]),
            },
          },
        ],
        'prints-and-passes': {
          extends: '.gatepass',
          script: [
            'node --version',
            `gatepass run -- sh -c '${printToken}; echo "token=$API_TOKEN"; printf "%s" "$API_TOKEN" | base64 -w0; echo; echo "id-token=\${GATEPASS_ID_TOKEN:-absent}"'`,
          ],
        },
        'prints-and-fails': {
          extends: '.gatepass',
          script: [
            `gatepass run -- sh -c '${printToken}; echo "token=$API_TOKEN" >&2; exit 3'`,
            'echo "after the failing command"',
          ],
        },
        'gatepass-killed': {
          extends: '.gatepass',
          // The command kills gatepass (its parent) outright: only after_script can revoke.
          script: [`gatepass run -- sh -c '${printToken}; kill -KILL "$PPID"'`],
        },
      }),
    );
  }, 60_000);

  afterAll(() => {
    project.cleanup();
  });

  interface Job extends GclResult {
    /** gitlab-ci-local's output and its job log file. */
    log: string;
    token: string;
  }

  async function runJob(name: string): Promise<Job> {
    const tokenOut = join(project.root, `token-${name}`);
    const result = await project.gitlabCiLocal([
      '--force-shell-executor',
      '--ignore-predefined-vars',
      'GITLAB_CI,CI_PROJECT_DIR',
      // gitlab-ci-local gives shell jobs the docker executor's /builds/... path.
      '--variable',
      `CI_PROJECT_DIR=${project.dir}`,
      '--variable',
      `TOKEN_OUT=${tokenOut}`,
      name,
    ]);
    const logFile = join(project.dir, '.gitlab-ci-local', 'output', `${name}.log`);
    const log = [result.stdout, result.stderr, readFileSync(logFile, 'utf8')].join('\n');
    const token = readFileSync(tokenOut, 'utf8');
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    return { ...result, log, token };
  }

  function expectMasked(job: Job): void {
    const pieces = [job.token, ...job.token.split('.').filter((p) => p.length >= 16)];
    pieces.push(Buffer.from(job.token).toString('base64'));
    for (const piece of pieces) expect(job.log.includes(piece)).toBe(false);
    expect(job.log).toContain('token=***');
  }

  /** The gateway issued the token and it is revoked now. */
  async function expectRevoked(token: string): Promise<void> {
    const jti = mapping(
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()),
      'claims',
    ).jti;
    const events = gw.audit.map((line) => mapping(JSON.parse(line), 'audit line'));
    const of = (event: string): unknown[] =>
      events.filter((e) => e.event === event && e.jti === jti);
    expect(of('token.issued')).toHaveLength(1);
    expect(of('token.revoked')).toHaveLength(1);
    expect((await gw.introspect(token)).active).toBe(false);
    expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual([]);
  }

  it('passes, with the credential masked in the log and revoked at the end', async () => {
    const job = await runJob('prints-and-passes');
    expect(job.code).toBe(0);
    expect(job.log).toMatch(/PASS\s+prints-and-passes/);
    expect(job.log).toContain('> v24.');
    expectMasked(job);
    // gatepass keeps its own variables, the ID token too, from the command.
    expect(job.log).toContain('id-token=absent');
    await expectRevoked(job.token);
    // after_script found nothing left to revoke.
    expect(job.log).toContain('gatepass: nothing to revoke');
  }, 60_000);

  it("fails with the command's exit code, masked and revoked", async () => {
    const job = await runJob('prints-and-fails');
    expect(job.code).not.toBe(0);
    expect(job.log).toMatch(/prints-and-fails finished in .* FAIL 3\b/);
    expect(job.log).not.toContain('after the failing command');
    expectMasked(job);
    await expectRevoked(job.token);
  }, 60_000);

  it('is revoked by after_script when gatepass is killed', async () => {
    const job = await runJob('gatepass-killed');
    expect(job.code).not.toBe(0);
    expect(job.log).toMatch(/gatepass-killed finished in .* FAIL 137\b/);
    expect(job.log).toContain('"api" revoked');
    await expectRevoked(job.token);
  }, 60_000);
});

describe("the catalog project's own pipeline (gitlab/.gitlab-ci.yml)", () => {
  it('passes its test jobs at its own commit', async () => {
    const project = await componentProject('your-group/gatepass');
    try {
      project.write('.gitlab-ci.yml', readFileSync('gitlab/.gitlab-ci.yml', 'utf8'));
      // Tokens as GitLab would mint them for the two includes' audiences.
      const mint = (audience: string): Promise<string> =>
        gw.mintIdToken({ platform: 'gitlab', audience });
      project.write(
        '.gitlab-ci-local-variables.yml',
        stringify({
          GATEPASS_ID_TOKEN: await mint('https://gateway.invalid'),
          SMOKE_ID_TOKEN: await mint('https://gatepass.example.com'),
          GITLAB_CI: 'true',
        }),
      );
      const args = [
        '--force-shell-executor',
        '--ignore-predefined-vars',
        'GITLAB_CI,CI_PROJECT_DIR',
        '--variable',
        `CI_PROJECT_DIR=${project.dir}`,
        // The npm release does not exist yet: this checkout's package instead.
        '--input',
        `gatepass-version=${tarball}`,
      ];
      for (const job of ['component-sets-up-the-job', 'component-runs-the-run-input']) {
        const result = await project.gitlabCiLocal([...args, job]);
        expect([job, result.code, result.stdout + result.stderr]).toEqual([
          job,
          0,
          expect.stringMatching(new RegExp(`PASS\\s+${job}`)),
        ]);
        expect(result.stdout + result.stderr).not.toContain('this must not run');
      }
    } finally {
      project.cleanup();
    }
  }, 60_000);
});
