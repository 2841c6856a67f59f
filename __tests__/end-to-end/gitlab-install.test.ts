/**
 * How the GitLab component gets gatepass into a job, run for real with
 * gitlab-ci-local (shell executor) against a double of GitLab's generic
 * package registry on loopback (doubles/gitlab-packages.ts):
 *
 * - scripts/gitlab-release.mjs prepares the component project's release
 *   commit: gitlab/'s files, `npm pack` of this checkout as gatepass.tgz, and
 *   the template's defaults pinned to it (version, SHA-256, registry);
 * - that commit's tag pipeline publishes the tarball to the project's registry
 *   with the job token, and a job with the default inputs installs it;
 * - an include pasted with default inputs installs the pinned version from the
 *   registry, checked by SHA-256, with npm never asking any npm registry;
 * - a tampered tarball is refused; a gatepass already on PATH is used as is;
 *   a tarball URL is checked against `gatepass-sha256`, and the job token only
 *   ever goes to the GitLab API, never to another host or along a redirect;
 * - the unreleased template (no pinned checksum) downloads nothing unchecked.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments, stringify } from 'yaml';
import { packageRegistry, type PackageRegistry } from '../doubles/gitlab-packages.js';
import { componentProject, type ComponentProject } from '../helpers/gitlab-ci-local.js';

const run = promisify(execFile);

const PROJECT = 'your-group/gatepass';
const PROJECT_ID = 4242;
const JOB_TOKEN = 'job-token-of-this-job';
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

type Mapping = Record<string, unknown>;

function defaults(templateText: string): Record<string, string> {
  const [header] = parseAllDocuments(templateText);
  const spec = (header?.toJS() as { spec: { inputs: Record<string, Mapping> } }).spec;
  return Object.fromEntries(
    Object.entries(spec.inputs).map(([name, input]) => [name, String(input.default)]),
  );
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

let releaseDir: string;
let tarball: Buffer;
let registry: PackageRegistry;

beforeAll(async () => {
  releaseDir = mkdtempSync(join(tmpdir(), 'gatepass-release-'));
  // With this process's PATH: under npm, the Node 24 of node_modules/.bin.
  await run(process.execPath, [
    'scripts/gitlab-release.mjs',
    '--project',
    PROJECT,
    '--out',
    releaseDir,
  ]);
  tarball = readFileSync(join(releaseDir, 'gatepass.tgz'));
  registry = await packageRegistry({
    projects: { [PROJECT]: PROJECT_ID },
    tokens: [JOB_TOKEN],
    storageRedirect: true,
  });
}, 120_000);

afterAll(async () => {
  await registry.stop();
  rmSync(releaseDir, { recursive: true, force: true });
});

describe('scripts/gitlab-release.mjs', () => {
  it("pins the template's defaults to the tarball it packs, and changes nothing else", () => {
    const ours = readFileSync('gitlab/templates/credentials.yml', 'utf8');
    const released = readFileSync(join(releaseDir, 'templates/credentials.yml'), 'utf8');
    const before = defaults(ours);
    const after = defaults(released);
    expect(before['gatepass-sha256']).toBe('');
    expect(after['gatepass-version']).toBe(version);
    expect(after['gatepass-sha256']).toBe(sha256(tarball));
    expect(after['gatepass-registry']).toBe(
      '$CI_API_V4_URL/projects/your-group%2Fgatepass/packages/generic/gatepass',
    );
    const changed = Object.keys(after).filter((name) => after[name] !== before[name]);
    expect(changed).toEqual(['gatepass-sha256']);
    // Line for line the same but for that default.
    const diff = ours.split('\n').filter((line, i) => line !== released.split('\n')[i]);
    expect(diff).toEqual(["      default: ''"]);
    for (const file of ['README.md', '.gitlab-ci.yml']) {
      expect(readFileSync(join(releaseDir, file), 'utf8')).toBe(
        readFileSync(join('gitlab', file), 'utf8'),
      );
    }
  });

  it('pins the registry of the project it is told, and refuses a bad one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gatepass-release-other-'));
    try {
      await run(process.execPath, [
        'scripts/gitlab-release.mjs',
        '--project',
        'acme/ci/gatepass',
        '--out',
        out,
      ]);
      const pinned = defaults(readFileSync(join(out, 'templates/credentials.yml'), 'utf8'));
      expect(pinned['gatepass-registry']).toBe(
        '$CI_API_V4_URL/projects/acme%2Fci%2Fgatepass/packages/generic/gatepass',
      );
      const bad = await run(process.execPath, [
        'scripts/gitlab-release.mjs',
        '--project',
        'gatepass',
        '--out',
        out,
      ]).then(
        () => 0,
        (error: unknown) => (error as { code: number }).code,
      );
      expect(bad).toBe(2);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the released component project, run by gitlab-ci-local', () => {
  let project: ComponentProject;
  /** A `gatepass` on the jobs' PATH, as a custom image would have. */
  let imageBin: string;

  beforeAll(async () => {
    project = await componentProject(PROJECT, { from: releaseDir });
    imageBin = join(project.root, 'image-bin');
  }, 60_000);

  afterAll(() => {
    project.cleanup();
  });

  interface Job {
    code: number | null;
    log: string;
  }

  async function runJob(name: string, extra: readonly string[] = []): Promise<Job> {
    const result = await project.gitlabCiLocal([
      '--force-shell-executor',
      '--ignore-predefined-vars',
      'GITLAB_CI,CI_PROJECT_DIR,CI_API_V4_URL,CI_JOB_TOKEN,CI_PROJECT_ID,CI_COMMIT_TAG',
      '--variable',
      `CI_PROJECT_DIR=${project.dir}`,
      '--variable',
      `CI_API_V4_URL=${registry.apiUrl}`,
      '--variable',
      `CI_JOB_TOKEN=${JOB_TOKEN}`,
      '--variable',
      `CI_PROJECT_ID=${String(PROJECT_ID)}`,
      // Any npm registry request would reach the double, outside its description.
      '--variable',
      `NPM_CONFIG_REGISTRY=${registry.apiUrl}/npm/`,
      ...extra,
      name,
    ]);
    const logFile = join(project.dir, '.gitlab-ci-local', 'output', `${name}.log`);
    const jobLog = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    return { code: result.code, log: [result.stdout, result.stderr, jobLog].join('\n') };
  }

  /** The job's own installation of gatepass, next to the checkout. */
  const installed = (): string => join(`${project.dir}.tmp`, 'gatepass-cli', 'bin', 'gatepass');

  function pasteInclude(inputs: Mapping, script: string[]): void {
    project.write(
      '.gitlab-ci.yml',
      stringify({
        include: [
          {
            component: `$CI_SERVER_FQDN/${PROJECT}/credentials@${project.sha}`,
            inputs: {
              gateway: 'https://sts.example.com',
              credentials: '- name: deploy\n  scope: deploy\n',
              ...inputs,
            },
          },
        ],
        deploy: { extends: '.gatepass', script },
      }),
    );
  }

  function resetInstall(): void {
    rmSync(`${project.dir}.tmp`, { recursive: true, force: true });
    registry.requests.length = 0;
    registry.storageRequests.length = 0;
  }

  it("the tag pipeline publishes the commit's tarball, and installs it with the default inputs", async () => {
    resetInstall();
    project.write('.gitlab-ci.yml', readFileSync(join(releaseDir, '.gitlab-ci.yml'), 'utf8'));
    const tag = ['--variable', `CI_COMMIT_TAG=${version}`];
    const publish = await runJob('publish-package', tag);
    expect([publish.code, publish.log]).toEqual([
      0,
      expect.stringMatching(/PASS\s+publish-package/),
    ]);
    expect(registry.requests).toEqual([
      {
        method: 'PUT',
        path: `/api/v4/projects/${String(PROJECT_ID)}/packages/generic/gatepass/${version}/gatepass-${version}.tgz`,
        token: { header: 'JOB-TOKEN', value: JOB_TOKEN },
        status: 201,
      },
    ]);
    expect(registry.file(PROJECT, 'gatepass', version, `gatepass-${version}.tgz`)).toEqual(tarball);

    const install = await runJob('installs-the-published-package', tag);
    expect([install.code, install.log]).toEqual([
      0,
      expect.stringMatching(/PASS\s+installs-the-published-package/),
    ]);
    expect(registry.requests.map((r) => `${r.method} ${String(r.status)}`)).toEqual([
      'PUT 201',
      'GET 302',
    ]);
    expect(registry.violations).toEqual([]);
  }, 120_000);

  it("the release commit's test jobs pass with the gatepass.tgz it carries", async () => {
    resetInstall();
    project.write('.gitlab-ci.yml', readFileSync(join(releaseDir, '.gitlab-ci.yml'), 'utf8'));
    // No gateway answers (.invalid), so any token-shaped value will do.
    project.write(
      '.gitlab-ci-local-variables.yml',
      stringify({ GATEPASS_ID_TOKEN: 'eyJ0.eyJ0.sig', SMOKE_ID_TOKEN: 'eyJ0.eyJ0.sig' }),
    );
    try {
      for (const name of ['component-sets-up-the-job', 'component-runs-the-run-input']) {
        const job = await runJob(name);
        expect([name, job.code, job.log]).toEqual([
          name,
          0,
          expect.stringMatching(new RegExp(`PASS\\s+${name}`)),
        ]);
        expect(job.log).not.toContain('this must not run');
      }
      // Installed from the checkout: nothing was downloaded.
      expect(registry.requests).toEqual([]);
    } finally {
      rmSync(join(project.dir, '.gitlab-ci-local-variables.yml'), { force: true });
    }
  }, 120_000);

  it('publishes nothing when the tarball is not the pinned one', async () => {
    resetInstall();
    project.write('.gitlab-ci.yml', readFileSync(join(releaseDir, '.gitlab-ci.yml'), 'utf8'));
    const original = readFileSync(join(project.dir, 'gatepass.tgz'));
    writeFileSync(join(project.dir, 'gatepass.tgz'), Buffer.concat([original, Buffer.from('x')]));
    try {
      const publish = await runJob('publish-package', ['--variable', `CI_COMMIT_TAG=${version}`]);
      expect(publish.code).not.toBe(0);
      expect(publish.log).toContain('gatepass.tgz: FAILED');
      expect(registry.requests).toEqual([]);
    } finally {
      writeFileSync(join(project.dir, 'gatepass.tgz'), original);
    }
  }, 120_000);

  describe('an include pasted with the default inputs', () => {
    beforeAll(() => {
      // As the tag pipeline left it.
      registry.put(PROJECT, 'gatepass', version, `gatepass-${version}.tgz`, tarball);
    });

    it('installs the pinned version from the registry, checked, without any npm registry', async () => {
      resetInstall();
      pasteInclude({}, ['gatepass --version', 'command -v gatepass']);
      const job = await runJob('deploy');
      expect([job.code, job.log]).toEqual([0, expect.stringMatching(/PASS\s+deploy/)]);
      expect(job.log).toContain(`SHA-256 ${sha256(tarball)} as pinned`);
      expect(job.log).toContain(`gatepass ${version} for https://sts.example.com`);
      expect(job.log).toContain(installed());
      const path = `/api/v4/projects/your-group%2Fgatepass/packages/generic/gatepass/${version}/gatepass-${version}.tgz`;
      expect(registry.requests).toEqual([
        { method: 'GET', path, token: { header: 'JOB-TOKEN', value: JOB_TOKEN }, status: 302 },
      ]);
      // The redirect to object storage did not take the job token along.
      expect(registry.storageRequests).toHaveLength(1);
      expect(JSON.stringify(registry.storageRequests)).not.toContain(JOB_TOKEN);
      expect(registry.violations).toEqual([]);
    }, 120_000);

    it('refuses a tarball whose SHA-256 is not the pinned one', async () => {
      resetInstall();
      const tampered = Buffer.concat([tarball, Buffer.from('tampered')]);
      registry.put(PROJECT, 'gatepass', version, `gatepass-${version}.tgz`, tampered);
      try {
        pasteInclude({}, ['echo "the script ran"']);
        const job = await runJob('deploy');
        expect(job.code).not.toBe(0);
        expect(job.log).toMatch(/FAIL\s+1\b|deploy.*FAIL/);
        expect(job.log).toContain(
          `checksum mismatch for ${registry.apiUrl}/projects/your-group%2Fgatepass/packages/generic/gatepass/${version}/gatepass-${version}.tgz: SHA-256 ${sha256(tampered)}, expected ${sha256(tarball)}`,
        );
        expect(job.log).not.toContain('> the script ran');
        expect(existsSync(installed())).toBe(false);
        expect(existsSync(join(`${project.dir}.tmp`, 'gatepass-download.tgz'))).toBe(false);
      } finally {
        registry.put(PROJECT, 'gatepass', version, `gatepass-${version}.tgz`, tarball);
      }
    }, 120_000);

    it('uses a gatepass already on PATH as is, and downloads nothing', async () => {
      resetInstall();
      rmSync(imageBin, { recursive: true, force: true });
      mkdirSync(imageBin);
      const stub = join(imageBin, 'gatepass');
      writeFileSync(stub, '#!/bin/sh\necho "image-gatepass $*"\n');
      chmodSync(stub, 0o755);
      pasteInclude({}, ['gatepass --version']);
      const path = `${imageBin}:${join(project.root, 'bin')}:${process.env.PATH ?? ''}`;
      const job = await runJob('deploy', ['--variable', `PATH=${path}`]);
      expect([job.code, job.log]).toEqual([0, expect.stringMatching(/PASS\s+deploy/)]);
      expect(job.log).toContain(`gatepass: using ${stub} from the image`);
      expect(job.log).toContain('image-gatepass --version');
      expect(registry.requests).toEqual([]);
      expect(existsSync(installed())).toBe(false);
    }, 120_000);

    it('installs from a tarball URL checked against gatepass-sha256, without the job token', async () => {
      resetInstall();
      registry.serve(`mirror/gatepass-${version}.tgz`, tarball);
      const url = `${registry.storageUrl}/mirror/gatepass-${version}.tgz`;
      pasteInclude({ 'gatepass-version': url, 'gatepass-sha256': sha256(tarball) }, [
        'gatepass --version',
      ]);
      const job = await runJob('deploy');
      expect([job.code, job.log]).toEqual([0, expect.stringMatching(/PASS\s+deploy/)]);
      expect(job.log).toContain(`downloaded ${url}, SHA-256 ${sha256(tarball)} as pinned`);
      expect(registry.requests).toEqual([]);
      expect(registry.storageRequests.map((r) => r.path)).toEqual([
        `/mirror/gatepass-${version}.tgz`,
      ]);
      expect(JSON.stringify(registry.storageRequests)).not.toContain(JOB_TOKEN);
    }, 120_000);

    it('says where the download failed, with the reason to check', async () => {
      resetInstall();
      pasteInclude({ 'gatepass-version': '9.9.9' }, ['gatepass --version']);
      const job = await runJob('deploy');
      expect(job.code).not.toBe(0);
      expect(job.log).toMatch(
        /gatepass: cannot download .*\/gatepass\/9\.9\.9\/gatepass-9\.9\.9\.tgz: HTTP 404 \(does this version exist/,
      );
      expect(existsSync(installed())).toBe(false);
    }, 120_000);
  });
});

describe('the unreleased template (this checkout)', () => {
  it('downloads nothing it cannot check: no pinned SHA-256, no install', async () => {
    const project = await componentProject(PROJECT);
    try {
      registry.requests.length = 0;
      project.write(
        '.gitlab-ci.yml',
        stringify({
          include: [
            {
              component: `$CI_SERVER_FQDN/${PROJECT}/credentials@${project.sha}`,
              inputs: { gateway: 'https://sts.example.com', credentials: '- name: a\n' },
            },
          ],
          deploy: { extends: '.gatepass', script: ['echo "the script ran"'] },
        }),
      );
      const result = await project.gitlabCiLocal([
        '--force-shell-executor',
        '--ignore-predefined-vars',
        'CI_PROJECT_DIR,CI_API_V4_URL',
        '--variable',
        `CI_PROJECT_DIR=${project.dir}`,
        '--variable',
        `CI_API_V4_URL=${registry.apiUrl}`,
        'deploy',
      ]);
      const log = result.stdout + result.stderr;
      expect(result.code).not.toBe(0);
      expect(log).toContain('gatepass: no gatepass-sha256 to check');
      expect(log).not.toContain('> the script ran');
      expect(registry.requests).toEqual([]);
    } finally {
      project.cleanup();
    }
  }, 120_000);
});
