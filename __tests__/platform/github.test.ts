import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { githubHost } from '../../src/platform/github.js';

const dir = mkdtempSync(join(tmpdir(), 'gatepass-host-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The host reads process.env (as @actions/core does): each test sets its own and restores it. */
const saved = { ...process.env };
let printed: string[];
beforeEach(() => {
  for (const name of Object.keys(process.env)) {
    if (/^(INPUT_|STATE_|GITHUB_)/.test(name)) Reflect.deleteProperty(process.env, name);
  }
  printed = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  for (const name of Object.keys(process.env)) {
    if (!(name in saved)) Reflect.deleteProperty(process.env, name);
  }
  Object.assign(process.env, saved);
});

describe('githubHost: the runner contract through @actions/core', () => {
  it('reads state the way the runner names it', () => {
    Object.assign(process.env, { STATE_gatepass: '{"x":1}' });
    const host = githubHost();
    expect(host.state.load()).toBe('{"x":1}');
  });

  it('writes outputs, state and variables as delimited file commands', async () => {
    const files = {
      GITHUB_OUTPUT: join(dir, 'o'),
      GITHUB_STATE: join(dir, 's'),
      GITHUB_ENV: join(dir, 'e'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    Object.assign(process.env, files);
    const host = githubHost();
    host.setOutput?.('request-id', 'abc');
    host.state.save('line1\nline2');
    host.exportVariable?.('GATEPASS_TEST_TOKEN', 'v');
    await host.appendSummary({ markdown: '### done', text: 'done' });
    expect(readFileSync(files.GITHUB_OUTPUT, 'utf8')).toMatch(
      /^request-id<<(ghadelimiter_[0-9a-f-]{36})\nabc\n\1\n$/,
    );
    expect(readFileSync(files.GITHUB_STATE, 'utf8')).toMatch(
      /^gatepass<<(ghadelimiter_\S+)\nline1\nline2\n\1\n$/,
    );
    expect(readFileSync(files.GITHUB_ENV, 'utf8')).toMatch(
      /^GATEPASS_TEST_TOKEN<<(ghadelimiter_\S+)\nv\n\1\n$/,
    );
    expect(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')).toBe('### done\n');
    expect(printed).toEqual([]);
  });

  it.each([
    ['unset', undefined],
    ['pointing at no file', join(dir, 'absent')],
  ])('never lets core print state, variables or outputs when the file is %s', (_case, path) => {
    for (const name of ['GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_OUTPUT']) {
      if (path !== undefined) process.env[name] = path;
    }
    const host = githubHost();
    expect(() => {
      host.state.save('handle-with-a-secret');
    }).toThrow(/GITHUB_STATE file/);
    expect(() => {
      host.exportVariable?.('GATEPASS_TEST_TOKEN', 'secret-value');
    }).toThrow(/GITHUB_ENV file/);
    expect(() => {
      host.setOutput?.('request-id', 'abc');
    }).toThrow(/GITHUB_OUTPUT file/);
    expect(() => {
      host.preflight({ exportEnv: false });
    }).toThrow(/GITHUB_STATE/);
    expect(printed).toEqual([]);
    expect(process.env.GATEPASS_TEST_TOKEN).toBeUndefined();
  });

  it('escapes workflow commands so a message cannot start another one', () => {
    const host = githubHost();
    host.log.error('bad\n::add-mask::x 100%');
    host.setSecret('a\r\nb');
    host.log.warning('careful');
    host.log.info('plain');
    expect(printed).toEqual([
      '::error::bad%0A::add-mask::x 100%25\n',
      '::add-mask::a%0D%0Ab\n',
      '::warning::careful\n',
      'plain\n',
    ]);
  });

  it('reads the run context from the runner variables', () => {
    Object.assign(process.env, {
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_SERVER_URL: '',
    });
    expect(githubHost().context).toMatchObject({
      platform: 'github',
      repository: 'o/r',
      runAttempt: '2',
      serverUrl: 'https://github.com',
      sha: undefined,
    });
  });
});
