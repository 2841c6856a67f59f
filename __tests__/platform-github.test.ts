import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { escapeData, githubHost, keyValue } from '../src/platform/github.js';

const dir = mkdtempSync(join(tmpdir(), 'gatepass-host-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('githubHost: the runner contract without @actions/core', () => {
  it('reads inputs and state the way the runner names them', () => {
    const host = githubHost({
      'INPUT_WORKING-DIRECTORY': '  sub  ',
      INPUT_CREDENTIALS: '- name: a\n',
      STATE_gatepass: '{"x":1}',
    });
    expect(host.getInput('working-directory')).toBe('sub');
    expect(host.getInput('credentials')).toBe('- name: a');
    expect(host.getInput('missing')).toBe('');
    expect(host.getState('gatepass')).toBe('{"x":1}');
  });

  it('writes outputs, state and variables as delimited file commands', () => {
    const files = {
      GITHUB_OUTPUT: join(dir, 'o'),
      GITHUB_STATE: join(dir, 's'),
      GITHUB_ENV: join(dir, 'e'),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const host = githubHost(files, () => undefined);
    host.setOutput('request-id', 'abc');
    host.saveState('gatepass', 'line1\nline2');
    host.exportVariable('TOKEN', 'v');
    expect(readFileSync(files.GITHUB_OUTPUT, 'utf8')).toMatch(
      /^request-id<<(ghadelimiter_[0-9a-f-]{36})\nabc\n\1\n$/,
    );
    expect(readFileSync(files.GITHUB_STATE, 'utf8')).toMatch(
      /^gatepass<<(ghadelimiter_\S+)\nline1\nline2\n\1\n$/,
    );
    expect(readFileSync(files.GITHUB_ENV, 'utf8')).toMatch(/^TOKEN<<(ghadelimiter_\S+)\nv\n\1\n$/);
  });

  it('never falls back to printing state or variables when a file is missing', () => {
    const printed: string[] = [];
    const host = githubHost({}, (t) => printed.push(t));
    expect(() => {
      host.saveState('gatepass', 'handle-with-a-secret');
    }).toThrow(/the runner set no GITHUB_STATE file/);
    expect(() => {
      host.exportVariable('TOKEN', 'secret-value');
    }).toThrow(/no GITHUB_ENV file/);
    expect(() => {
      host.preflight({ exportEnv: false });
    }).toThrow(/GITHUB_STATE/);
    expect(printed).toEqual([]);
  });

  it('escapes workflow commands so a message cannot start another one', () => {
    const printed: string[] = [];
    const host = githubHost({}, (t) => printed.push(t));
    host.log.error('bad\n::add-mask::x 100%');
    host.setSecret('a\r\nb');
    expect(printed).toEqual(['::error::bad%0A::add-mask::x 100%25\n', '::add-mask::a%0D%0Ab\n']);
    expect(escapeData('%\r\n')).toBe('%25%0D%0A');
    expect(keyValue('k', 'v')).toMatch(/^k<<ghadelimiter_/);
  });

  it('reads the run context from the runner variables', () => {
    const host = githubHost({
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_SERVER_URL: '',
    });
    expect(host.context).toMatchObject({
      platform: 'github',
      repository: 'o/r',
      runAttempt: '2',
      serverUrl: 'https://github.com',
      sha: undefined,
    });
  });
});
