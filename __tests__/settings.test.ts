import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { GatepassError } from '../src/errors.js';
import { envName, parseConfigFile, settingsInput } from '../src/settings.js';

describe('settingsInput', () => {
  const get = settingsInput({
    flags: { gateway: 'https://flag.example.com' },
    env: { GATEPASS_GATEWAY: 'https://env.example.com', GATEPASS_VAULT_ROLE: 'env-role' },
    file: { gateway: 'https://file.example.com', 'vault-role': 'file-role', provider: 'vault' },
  });

  it('takes a flag over the environment over the file', () => {
    expect(get('gateway')).toBe('https://flag.example.com');
    expect(get('vault-role')).toBe('env-role');
    expect(get('provider')).toBe('vault');
    expect(get('audience')).toBe('');
  });

  it('treats an empty value as unset, as an empty action input is', () => {
    const empty = settingsInput({
      flags: { audience: '' },
      env: { GATEPASS_AUDIENCE: '  ', GATEPASS_PROVIDER: '' },
      file: { audience: 'https://aud.example.com', provider: 'hoop' },
    });
    expect(empty('audience')).toBe('https://aud.example.com');
    expect(empty('provider')).toBe('hoop');
  });

  it('names variables GATEPASS_ plus the input, upper-cased, dashes as underscores', () => {
    expect(envName('hoop-api-key')).toBe('GATEPASS_HOOP_API_KEY');
    expect(envName('id-token-variable')).toBe('GATEPASS_ID_TOKEN_VARIABLE');
  });
});

describe('parseConfigFile', () => {
  it('passes credentials on as YAML and joins an approvers list', () => {
    const values = parseConfigFile(
      [
        'gateway: https://gw.example.com',
        'approvals: 2',
        'revoke: false',
        'approvers: [alice, bob]',
        'credentials:',
        '  - name: db',
        '    path: database/creds/migrator',
      ].join('\n'),
      'gatepass.yml',
    );
    expect(values).toMatchObject({
      gateway: 'https://gw.example.com',
      approvals: '2',
      revoke: 'false',
      approvers: 'alice,bob',
    });
    expect(parse(values.credentials ?? '')).toEqual([
      { name: 'db', path: 'database/creds/migrator' },
    ]);
  });

  it('reads an empty file as no settings', () => {
    expect(parseConfigFile('', 'f.yml')).toEqual({});
    expect(parseConfigFile('# only a comment\n', 'f.yml')).toEqual({});
  });

  const bad: Array<[string, string, RegExp]> = [
    ['a list', '- gateway: x', /must be a mapping of input names to values/],
    ['an unknown key', 'gatway: x', /unknown key `gatway`/],
    ['a secret', 'hoop-api-key: hpk_123', /must not hold `hoop-api-key`.*GATEPASS_HOOP_API_KEY/],
    ['a nested value', 'gateway: { url: x }', /key `gateway` must be a single value/],
    ['broken YAML', 'gateway: "unterminated\n', /is not valid YAML \(line \d+\)/],
    ['a duplicate key', 'gateway: a\ngateway: b', /is not valid YAML/],
  ];
  it.each(bad)('refuses %s, naming the file', (_, text, message) => {
    let error: unknown;
    try {
      parseConfigFile(text, 'ci/gatepass.yml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatepassError);
    const { message: text2, hint } = error as GatepassError;
    expect(`${text2}. ${hint ?? ''}`).toMatch(message);
    expect(text2).toContain('--config ci/gatepass.yml');
    expect(text2).not.toContain('hpk_123');
  });
});
