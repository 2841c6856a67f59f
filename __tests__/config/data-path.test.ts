/**
 * The data-path fields of a credential (`proxy`, `upstream`, `header`,
 * `guardrails`) and `env` under `proxy:`: each mistake is a configuration
 * error naming the item and the fix, told before the first network call.
 */
import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from '../../src/config/config.js';
import { describeError } from '../../src/common/errors.js';

/** The problems of one credential item `db` with these extra lines. */
function problemsOf(...lines: string[]): string[] {
  const inputs: Record<string, string> = {
    gateway: 'https://gateway.example.com',
    credentials: ['- name: db', '  scope: db', ...lines.map((l) => `  ${l}`)].join('\n'),
  };
  try {
    parseConfig((name) => inputs[name] ?? '');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => describeError(p));
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const ITEM = 'input `credentials`: credential "db": ';
const API = 'upstream: https://api.example.com';

describe('credentials: data-path mistakes', () => {
  it.each<[string, string[], string]>([
    [
      'an unknown proxy kind',
      ['proxy: mysql'],
      '`proxy` is "mysql". Use `proxy: postgres` (a loopback PostgreSQL endpoint) or `proxy: http` (a loopback API endpoint)',
    ],
    [
      'a user and password in upstream',
      ['proxy: postgres', 'upstream: postgresql://me:secret@db.internal/app'],
      '`upstream` must not hold a user or password. e.g. `upstream: postgresql://db.internal:5432/app?sslmode=verify-full` (no user or password: the credential has them)',
    ],
    [
      'an upstream parameter gatepass does not read',
      ['proxy: postgres', 'upstream: postgresql://db.internal/app?connect_timeout=5'],
      '`upstream` has the parameter `connect_timeout`. Only `sslmode` is read; the CA comes from `ca-certificate` or NODE_EXTRA_CA_CERTS',
    ],
    [
      'an sslmode libpq has but gatepass refuses',
      ['proxy: postgres', 'upstream: postgresql://db.internal/app?sslmode=allow'],
      '`upstream` has sslmode "allow". Use one of disable, prefer, require, verify-ca, verify-full',
    ],
    [
      'a header without a field of the credential',
      ['proxy: http', API, 'header: "X-Api-Key: static"'],
      '`header` names no field of the credential. e.g. `header: "Authorization: Bearer {access_token}"` ({field} is a field of the credential)',
    ],
    [
      'a header the proxy owns',
      ['proxy: http', API, 'header: "Host: {x}"'],
      '`header` may not set Host. Use the header the API reads the credential from',
    ],
    [
      'proxy: http without upstream',
      ['proxy: http'],
      '`proxy: http` needs `upstream`. e.g. `upstream: https://api.example.com/v1` (the API the job talks to)',
    ],
    [
      'guardrails without proxy',
      ['guardrails: { rules: [] }'],
      '`guardrails` is only for a data path. Add `proxy: postgres` or `proxy: http`, or remove it',
    ],
  ])('%s', (_, lines, message) => {
    expect(problemsOf(...lines)).toEqual([`${ITEM}${message}`]);
  });

  it('env naming a field that is not the endpoint’s: a near one is suggested', () => {
    const fields =
      'With `proxy: postgres`, env names fields of the loopback endpoint: url, host, port, database, username, password';
    expect(problemsOf('proxy: postgres', 'env: { PGPASSWORD: pasword }')).toEqual([
      `${ITEM}env PGPASSWORD names "pasword"; did you mean "password"? ${fields}`,
    ]);
    // The credential's own fields are not the job's under `proxy:`.
    expect(problemsOf('proxy: postgres', 'env: { TOKEN: access_token }')).toEqual([
      `${ITEM}env TOKEN names "access_token". ${fields}`,
    ]);
    expect(problemsOf('proxy: http', API, 'env: { API_TOKEN: access_token }')).toEqual([
      `${ITEM}env API_TOKEN names "access_token". With \`proxy: http\`, env names fields of the loopback endpoint: url`,
    ]);
  });
});
