import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { GatepassError } from '../../src/common/errors.js';
import {
  envName,
  parseConfigFile,
  readConfigFile,
  settingsInput,
} from '../../src/config/settings.js';

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

describe('config file limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatepass-settings-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a file up to 256 KiB', async () => {
    const path = join(dir, 'ok.yml');
    const text = `gateway: https://gw.example.com\n# ${'x'.repeat(256 * 1024 - 35)}\n`;
    writeFileSync(path, text);
    expect(Buffer.byteLength(text)).toBe(256 * 1024);
    expect(await readConfigFile(path)).toBe(text);
  });

  it('refuses a larger file by its size, before reading it', async () => {
    const path = join(dir, 'huge.yml');
    writeFileSync(path, '');
    // Sparse: 4 GiB on paper, nothing on disk; reading it whole would take minutes.
    truncateSync(path, 4 * 1024 ** 3);
    const started = Date.now();
    await expect(readConfigFile(path)).rejects.toThrow(
      `--config ${path} is 4194304 KiB, over the limit of 256 KiB`,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses what is not a regular file (a device never ends)', async () => {
    await expect(readConfigFile('/dev/zero')).rejects.toThrow(
      '--config /dev/zero is not a regular file',
    );
    await expect(readConfigFile(join(dir, 'missing.yml'))).rejects.toThrow(
      /missing\.yml cannot be read \(ENOENT\)$/,
    );
  });

  it('checks the size of text it is given too', () => {
    const text = `run: "${'x'.repeat(300 * 1024)}"\n`;
    expect(() => parseConfigFile(text, 'big.yml')).toThrow(
      '--config big.yml is 300 KiB, over the limit of 256 KiB',
    );
  });

  it('names the file when YAML aliases expand too far', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'credentials: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(() => parseConfigFile(bomb, 'bomb.yml')).toThrow(
      '--config bomb.yml: YAML aliases expand too far (over 100 alias uses)',
    );
  });
});
