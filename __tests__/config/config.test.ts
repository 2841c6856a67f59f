import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  ConfigError,
  INPUT_NAMES,
  envNameProblem,
  parseConfig,
  parseDurationMs,
  providerWithSecrets,
  providerWithoutSecrets,
} from '../../src/config/config.js';
import { describeError } from '../../src/common/errors.js';
import { LIMITS, formatBytes, inputCap } from '../../src/config/limits.js';

const GOOD: Record<string, string> = {
  gateway: 'https://gateway.example.com',
  credentials: '- name: deploy\n  scope: deploy\n',
};

function parse(inputs: Record<string, string>) {
  const all = { ...GOOD, ...inputs };
  return parseConfig((name) => all[name] ?? '');
}

function problemsOf(inputs: Record<string, string>): string[] {
  try {
    parse(inputs);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => describeError(p));
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig: defaults', () => {
  it('fills in every default of the public interface', () => {
    const config = parse({});
    expect(config).toEqual({
      gateway: 'https://gateway.example.com',
      provider: { name: 'token-exchange', client: { id: 'gatepass', secret: undefined } },
      audience: 'https://gateway.example.com',
      credentials: [{ name: 'deploy', ttlSeconds: 900, tokenExchange: { scope: 'deploy' } }],
      run: undefined,
      shell: {
        name: 'bash',
        program: 'bash',
        args: ['--noprofile', '--norc', '-eo', 'pipefail', '{0}'],
        extension: '.sh',
      },
      workingDirectory: undefined,
      export: 'none',
      approvals: {
        required: 0,
        approvers: [],
        timeoutMs: 30 * 60_000,
        allowSelfApproval: false,
        source: 'github-pr',
      },
      githubToken: undefined,
      gitlabToken: undefined,
      timeoutMs: 120_000,
      revoke: true,
      revokeTimeoutMs: 30_000,
      maskDetectors: true,
      idTokenVariable: 'GATEPASS_ID_TOKEN',
    });
  });

  it('reads every credential field of each provider', () => {
    const te = parse({
      credentials: `
- name: api
  ttl: 1h30m
  scope: "read write"
  audience: [https://a.example.com, https://b.example.com]
  resource: https://api.example.com
  requested-token-type: urn:ietf:params:oauth:token-type:access_token
  env: { API_TOKEN: access_token, API_SCOPE: scope }
`,
    });
    expect(te.credentials).toEqual([
      {
        name: 'api',
        ttlSeconds: 5400,
        env: { API_TOKEN: 'access_token', API_SCOPE: 'scope' },
        tokenExchange: {
          scope: 'read write',
          audience: ['https://a.example.com', 'https://b.example.com'],
          resource: 'https://api.example.com',
          requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        },
      },
    ]);
    const vault = parse({
      provider: 'vault',
      'vault-role': 'ci',
      credentials: `
- name: db
  path: /database/creds/migrator
- name: cert
  path: pki/issue/web
  method: post
  data: { common_name: app.example.com }
  env: { TLS_CERT: certificate }
`,
    });
    expect(vault.credentials.map((c) => c.vault)).toEqual([
      { path: 'database/creds/migrator' },
      { path: 'pki/issue/web', method: 'POST', data: { common_name: 'app.example.com' } },
    ]);
    const hoop = parse({
      provider: 'hoop',
      'hoop-api-key': 'hpk_x',
      credentials: '- name: pg\n  connection: pg-prod\n',
    });
    expect(hoop.credentials[0]?.hoop).toEqual({ connection: 'pg-prod' });
    // `hoop-host`: where jobs reach hoop's listeners; a host alone keeps hoop's port.
    const hosts = ['hoop.internal:5433', 'db-proxy', '[fd00::7]:15432'].map(
      (host) =>
        parse({
          provider: 'hoop',
          'hoop-api-key': 'hpk_x',
          'hoop-host': host,
          credentials: '- name: pg\n  connection: pg-prod\n',
        }).provider,
    );
    expect(hosts).toEqual([
      { name: 'hoop', auth: { apiKey: 'hpk_x' }, host: { host: 'hoop.internal', port: '5433' } },
      { name: 'hoop', auth: { apiKey: 'hpk_x' }, host: { host: 'db-proxy' } },
      { name: 'hoop', auth: { apiKey: 'hpk_x' }, host: { host: '[fd00::7]', port: '15432' } },
    ]);
    const exchanged = parse({
      provider: 'hoop',
      gateway: 'https://hoop.example.com',
      'hoop-token-exchange-url': 'https://idp.example.com/realms/ci',
      credentials: '- name: db\n  connection: pg-prod',
    });
    expect([hoop.provider, exchanged.provider]).toEqual([
      { name: 'hoop', auth: { apiKey: 'hpk_x' } },
      {
        name: 'hoop',
        auth: {
          exchange: {
            url: 'https://idp.example.com/realms/ci',
            audience: 'https://hoop.example.com',
            scope: undefined,
            client: { id: 'gatepass', secret: undefined },
          },
        },
      },
    ]);
  });

  it('knows the shells a run step knows, and custom ones with {0}', () => {
    expect(parse({ shell: 'sh' }).shell.args).toEqual(['-e', '{0}']);
    expect(parse({ shell: 'python' }).shell.extension).toBe('.py');
    expect(parse({ shell: 'perl -w {0}' }).shell).toEqual({
      name: 'perl -w {0}',
      program: 'perl',
      args: ['-w', '{0}'],
      extension: '',
    });
  });

  it("takes any field of a token exchange: servers add members (a database's password)", () => {
    const config = parse({
      credentials: '- name: db\n  scope: db\n  env: { PGPASSWORD: password, DATABASE_URL: url }',
    });
    expect(config.credentials[0]?.env).toEqual({ PGPASSWORD: 'password', DATABASE_URL: 'url' });
  });

  it('parses lists, booleans and durations', () => {
    const config = parse({
      approvers: 'alice, octo-org/sre\nbob',
      approvals: '2',
      'approval-timeout': '1h',
      'allow-self-approval': 'True',
      revoke: 'false',
      'mask-detectors': 'FALSE',
      timeout: '90',
      'approval-source': 'github-pr',
      'github-token': 'ghs_x',
      export: 'env',
      audience: 'sts.example.com',
    });
    expect(config.approvals).toEqual({
      required: 2,
      approvers: ['alice', 'octo-org/sre', 'bob'],
      timeoutMs: 3_600_000,
      allowSelfApproval: true,
      source: 'github-pr',
    });
    expect([config.revoke, config.maskDetectors, config.timeoutMs]).toEqual([false, false, 90_000]);
    expect([config.export, config.audience]).toEqual(['env', 'sts.example.com']);
    expect(parseDurationMs('1h2m3s', 'x')).toBe(3_723_000);
  });

  it('allows plain http only to loopback', () => {
    for (const url of ['http://127.0.0.1:8200', 'http://localhost:1', 'http://[::1]:9']) {
      expect(parse({ gateway: url }).gateway).toBe(url);
    }
  });
});

// Every bad input, with the message the user sees (message, then the fix).
const BAD: Array<[string, Record<string, string>, RegExp]> = [
  ['gateway missing', { gateway: '' }, /input `gateway` is required\. Set `gateway` to/],
  [
    'gateway not a URL',
    { gateway: 'gateway' },
    /^input `gateway` is not an absolute URL\. Use an absolute https URL/,
  ],
  [
    'gateway over http',
    { gateway: 'http://gw.example.com' },
    /must use https: \(got an http: URL to a host that is not this machine\)\. Use https:\/\/…; plain http is allowed only to localhost/,
  ],
  [
    'gateway with a password',
    { gateway: 'https://u:pw@gw.example.com' },
    /must not contain a user name or password\. Remove/,
  ],
  [
    'unknown provider',
    { provider: 'aws' },
    /input `provider` is "aws"\. Use one of: token-exchange, vault, hoop/,
  ],
  [
    'credentials missing',
    { credentials: '' },
    /input `credentials` is required\. Set it to a YAML list/,
  ],
  [
    'credentials not YAML',
    { credentials: '- name: a\n  scope: [x\n' },
    /input `credentials` is not valid YAML at line \d+, column \d+: .*Check the indentation/,
  ],
  ['credentials not a list', { credentials: 'name: deploy' }, /must be a non-empty YAML list/],
  ['credentials an empty list', { credentials: '[]' }, /must be a non-empty YAML list/],
  ['item not a mapping', { credentials: '- deploy' }, /item 1 is not a mapping/],
  ['item without name', { credentials: '- scope: x' }, /item 1 has no `name`/],
  [
    'bad name',
    { credentials: '- name: Deploy!' },
    /name "Deploy!" is not allowed\. Use 1 to 64 of a-z/,
  ],
  ['duplicate name', { credentials: '- name: a\n- name: a' }, /name "a" is used twice/],
  ['duplicate YAML key', { credentials: '- name: a\n  name: b' }, /is not valid YAML/],
  [
    'unknown field',
    { credentials: '- name: a\n  scopes: x' },
    /credential "a" has an unknown field `scopes`\. Fields for token-exchange: name, ttl, env, proxy, upstream, header, guardrails, scope/,
  ],
  [
    'field of another provider',
    { credentials: '- name: a\n  path: secret/x' },
    /`path` is a field of provider vault, but `provider` is token-exchange\. Set `provider: vault`/,
  ],
  [
    'ttl not a duration',
    { credentials: '- name: a\n  ttl: soon' },
    /`ttl` is "soon", not a duration\. Use a duration such as 15m/,
  ],
  ['ttl too long', { credentials: '- name: a\n  ttl: 48h' }, /`ttl` 48h is out of range/],
  ['ttl zero', { credentials: '- name: a\n  ttl: 0s' }, /`ttl` 0s is out of range/],
  [
    'env not a mapping',
    { credentials: '- name: a\n  env: TOKEN' },
    /`env` must map variable names to fields/,
  ],
  [
    'env name invalid',
    { credentials: '- name: a\n  env: { 1TOKEN: access_token }' },
    /env name 1TOKEN is not a valid variable name/,
  ],
  [
    'env PATH',
    { credentials: '- name: a\n  env: { PATH: access_token }' },
    /env name PATH is reserved/,
  ],
  [
    'env Path (Windows case)',
    { credentials: '- name: a\n  env: { Path: access_token }' },
    /env name Path is reserved/,
  ],
  [
    'env LD_PRELOAD',
    { credentials: '- name: a\n  env: { LD_PRELOAD: access_token }' },
    /env name LD_PRELOAD is reserved: names starting with LD_/,
  ],
  [
    'env NODE_OPTIONS',
    { credentials: '- name: a\n  env: { NODE_OPTIONS: access_token }' },
    /NODE_OPTIONS is reserved/,
  ],
  [
    'env GITHUB_TOKEN',
    { credentials: '- name: a\n  env: { GITHUB_TOKEN: access_token }' },
    /GITHUB_TOKEN is reserved: names starting with GITHUB_/,
  ],
  [
    'env BASH_ENV',
    { credentials: '- name: a\n  env: { BASH_ENV: access_token }' },
    /BASH_ENV is reserved/,
  ],
  [
    'env field empty',
    { credentials: '- name: a\n  env: { TOKEN: "" }' },
    /env TOKEN must name a field/,
  ],
  [
    'env misspelled token field',
    { credentials: '- name: a\n  env: { TOKEN: acess_token }' },
    /names field "acess_token"; did you mean "access_token"\? Token responses hold access_token/,
  ],
  [
    'env set twice',
    { credentials: '- name: a\n  env: { T: access_token }\n- name: b\n  env: { T: access_token }' },
    /env T is set by both "a" and "b"/,
  ],
  [
    'default names invalid',
    { credentials: '- name: 9lives' },
    /has no `env`, and 9LIVES_<FIELD> is not a valid variable name/,
  ],
  [
    'resource not a URI',
    { credentials: '- name: a\n  resource: api' },
    /`resource` "api" is not an absolute URI/,
  ],
  ['scope not a string', { credentials: '- name: a\n  scope: [a, b]' }, /`scope` must be a string/],
  [
    'vault without role',
    { provider: 'vault', credentials: '- name: a\n  path: secret/data/x' },
    /input `vault-role` is required with `provider: vault`/,
  ],
  [
    'vault without path',
    { provider: 'vault', 'vault-role': 'r', credentials: '- name: a' },
    /credential "a" needs `path`/,
  ],
  [
    'vault path with ..',
    { provider: 'vault', 'vault-role': 'r', credentials: '- name: a\n  path: secret/../sys' },
    /must be relative to \/v1\/ without \.\./,
  ],
  [
    'vault bad method',
    { provider: 'vault', 'vault-role': 'r', credentials: '- name: a\n  path: x\n  method: PUT' },
    /`method` is "PUT"\. Use GET/,
  ],
  [
    'vault data without POST',
    { provider: 'vault', 'vault-role': 'r', credentials: '- name: a\n  path: x\n  data: { a: 1 }' },
    /`data` needs `method: POST`/,
  ],
  [
    'vault bad auth path',
    {
      provider: 'vault',
      'vault-role': 'r',
      'vault-auth-path': 'a b',
      credentials: '- name: a\n  path: x',
    },
    /input `vault-auth-path` is "a b"/,
  ],
  [
    'hoop without API key',
    { provider: 'hoop', credentials: '- name: a\n  connection: pg' },
    /input `hoop-api-key` or `hoop-token-exchange-url` is required with `provider: hoop`\. Pass a hoop API key/,
  ],
  [
    'hoop with both an API key and a token exchange',
    {
      provider: 'hoop',
      'hoop-api-key': 'hpk_x',
      'hoop-token-exchange-url': 'https://idp.example.com',
      credentials: '- name: a\n  connection: pg',
    },
    /input `hoop-api-key` and `hoop-token-exchange-url` are both set\. Authenticate to hoop one way/,
  ],
  [
    'hoop token exchange over plain http',
    {
      provider: 'hoop',
      'hoop-token-exchange-url': 'http://idp.example.com',
      credentials: '- name: a\n  connection: pg',
    },
    /input `hoop-token-exchange-url` must use https: \(got an http: URL/,
  ],
  [
    'hoop token exchange URL with a password',
    {
      provider: 'hoop',
      'hoop-token-exchange-url': 'https://u:p@idp.example.com',
      credentials: '- name: a\n  connection: pg',
    },
    /input `hoop-token-exchange-url` must not contain a user name or password/,
  ],
  [
    'hoop token audience without the exchange',
    {
      provider: 'hoop',
      'hoop-api-key': 'hpk_x',
      'hoop-token-audience': 'https://hoop.example.com',
      credentials: '- name: a\n  connection: pg',
    },
    /input `hoop-token-audience` needs `hoop-token-exchange-url`/,
  ],
  [
    'hoop host with a scheme',
    {
      provider: 'hoop',
      'hoop-api-key': 'hpk_x',
      'hoop-host': 'https://hoop.internal',
      credentials: '- name: a\n  connection: pg',
    },
    /input `hoop-host` is not a host or host:port \(got "https:\/\/hoop\.internal"\)\. Set it to the address jobs reach hoop's listeners at/,
  ],
  [
    'hoop host with a port out of range',
    {
      provider: 'hoop',
      'hoop-api-key': 'hpk_x',
      'hoop-host': 'hoop.internal:70000',
      credentials: '- name: a\n  connection: pg',
    },
    /input `hoop-host` is not a host or host:port \(got "hoop\.internal:70000"\)/,
  ],
  [
    'hoop host with another provider',
    { 'hoop-host': 'hoop.internal' },
    /input `hoop-host` is only for `provider: hoop`/,
  ],
  [
    'hoop token exchange with another provider',
    { 'hoop-token-exchange-url': 'https://idp.example.com' },
    /input `hoop-token-exchange-url` is only for `provider: hoop`/,
  ],
  [
    'a Vault input with the default provider (a forgotten `provider: vault`)',
    { 'vault-role': 'ci' },
    /input `vault-role` is only for `provider: vault`\. Remove it, or set `provider: vault`/,
  ],
  [
    'a Vault input with provider hoop',
    {
      provider: 'hoop',
      'hoop-api-key': 'k',
      'vault-namespace': 'team',
      credentials: '- name: a\n  connection: pg',
    },
    /input `vault-namespace` is only for `provider: vault`/,
  ],
  [
    'hoop without connection',
    { provider: 'hoop', credentials: '- name: a' },
    /credential "a" needs `connection`/,
  ],
  ['bad export', { export: 'file' }, /input `export` is "file"\. Use one of: none, env/],
  ['bad approvals', { approvals: 'two' }, /input `approvals` is "two", not a whole number/],
  ['negative approvals', { approvals: '-1' }, /input `approvals` is "-1"/],
  [
    'bad approval timeout',
    { 'approval-timeout': '30 minutes' },
    /input `approval-timeout` is "30 minutes", not a duration\. Use a number with h, m or s/,
  ],
  [
    'zero approval timeout',
    { approvals: '1', 'approval-timeout': '0' },
    /`approval-timeout` must be longer than 0/,
  ],
  [
    'bad approval source',
    { 'approval-source': 'slack' },
    /input `approval-source` is "slack"\. Use one of: github-pr/,
  ],
  ['bad boolean', { revoke: 'yes' }, /input `revoke` is "yes", not a boolean\. Use true or false/],
  [
    'bad self-approval boolean',
    { 'allow-self-approval': '1' },
    /input `allow-self-approval` is "1", not a boolean/,
  ],
  ['bad mask-detectors', { 'mask-detectors': 'on' }, /input `mask-detectors` is "on"/],
  ['bad timeout', { timeout: '2 min' }, /input `timeout` is "2 min", not a duration/],
  ['zero timeout', { timeout: '0s' }, /input `timeout` must be longer than 0/],
  [
    'unknown shell',
    { shell: 'zsh -l' },
    /input `shell` is "zsh -l": not a known shell and has no \{0\}\. Use bash, sh, pwsh/,
  ],
  [
    'bad id-token-variable',
    { 'id-token-variable': 'MY-TOKEN' },
    /input `id-token-variable` is "MY-TOKEN", not a variable name/,
  ],
];

describe('parseConfig: every bad input fails with a message naming it and the fix', () => {
  it.each(BAD)('%s', (_label, inputs, message) => {
    const problems = problemsOf(inputs);
    expect(problems.some((p) => message.test(p))).toBe(true);
  });

  it('reports every problem at once, not one per run', () => {
    const problems = problemsOf({ gateway: '', export: 'x', revoke: 'maybe' });
    expect(problems).toHaveLength(3);
    try {
      parse({ gateway: '', export: 'x', revoke: 'maybe' });
    } catch (err) {
      expect(describeError(err)).toMatch(/`gateway` is required \(and 2 more problem\(s\) above\)/);
    }
  });

  it('never echoes a secret input in a message', () => {
    const secret = 'cl1ent-s3cret-value-XYZ';
    const problems = problemsOf({
      'client-secret': secret,
      'hoop-api-key': secret,
      'github-token': secret,
      gateway: `https://user:${secret}@gw.example.com`,
    });
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('keeps the YAML excerpt (which can quote the text) out of the message', () => {
    const problems = problemsOf({ credentials: '- name: a\n  scope: "unterminated secret-ish\n' });
    expect(problems.join('\n')).not.toContain('secret-ish');
  });
});

describe('parseConfig: approval source by platform', () => {
  const approvals = { approvals: '1', 'github-token': 'ghs_x' };

  it("defaults to the platform's own source", () => {
    const on = (platform: 'github' | 'gitlab' | 'local') =>
      parseConfig((name) => ({ ...GOOD, ...approvals })[name] ?? '', {
        platform,
        env: { GATEPASS_GITLAB_TOKEN: 'glpat-x' },
      }).approvals.source;
    expect([on('github'), on('gitlab'), on('local')]).toEqual([
      'github-pr',
      'gitlab-notes',
      'gateway',
    ]);
  });

  it('takes GATEPASS_GITLAB_TOKEN for a GitLab source', () => {
    const config = parseConfig(
      (name) => ({ ...GOOD, ...approvals, 'approval-source': 'gitlab-mr-approvals' })[name] ?? '',
      { platform: 'gitlab', env: { GATEPASS_GITLAB_TOKEN: ' glpat-x ' } },
    );
    expect(config.gitlabToken).toBe('glpat-x');
  });

  it.each<[string, 'github' | 'gitlab', Record<string, string>, RegExp]>([
    [
      'gitlab-notes without GATEPASS_GITLAB_TOKEN',
      'gitlab',
      { 'approval-source': 'gitlab-notes' },
      /`approval-source: gitlab-notes` needs GATEPASS_GITLAB_TOKEN, which is not set\. Set GATEPASS_GITLAB_TOKEN/,
    ],
    [
      'gitlab-mr-approvals without GATEPASS_GITLAB_TOKEN',
      'gitlab',
      { 'approval-source': 'gitlab-mr-approvals' },
      /needs GATEPASS_GITLAB_TOKEN/,
    ],
    [
      'a GitLab source in GitHub Actions',
      'github',
      { 'approval-source': 'gitlab-notes' },
      /input `approval-source` `gitlab-notes` works only in GitLab CI, not here \(github\)\. Use `github-pr`/,
    ],
    [
      'github-pr without a token',
      'github',
      { 'github-token': '' },
      /input `github-token` is empty, and `approvals` needs it/,
    ],
  ])('%s is an input error', (_label, platform, inputs, message) => {
    const all: Record<string, string> = { ...GOOD, ...approvals, ...inputs };
    let problems: string[] = [];
    try {
      parseConfig((name) => all[name] ?? '', { platform, env: {} });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems.map((p) => describeError(p));
    }
    expect(problems.some((p) => message.test(p))).toBe(true);
  });

  it('needs no token when nothing is to be approved', () => {
    const config = parseConfig(
      (name) => ({ ...GOOD, 'approval-source': 'gitlab-notes' })[name] ?? '',
      { platform: 'gitlab', env: {} },
    );
    expect(config.approvals.required).toBe(0);
  });
});

describe('parseConfig: approval-source gateway', () => {
  const gateway = { 'approval-source': 'gateway' };

  it('takes approvals: 0 or 1 (a human at the gateway)', () => {
    expect(parse({ ...gateway, approvals: '1' }).approvals).toMatchObject({
      required: 1,
      source: 'gateway',
    });
    expect(parse({ ...gateway }).approvals.required).toBe(0);
  });

  it('refuses approvals > 1: the gateway counts its own approvers', () => {
    expect(problemsOf({ ...gateway, approvals: '2' })).toEqual([
      expect.stringMatching(
        /^input `approvals` is 2, but with `approval-source: gateway` the gateway counts the approvers, not gatepass\. Set `approvals: 1` and require the reviewers in the gateway's own policy/,
      ),
    ]);
  });

  it('refuses `approvers`, which the gateway would ignore, also where gateway is the default', () => {
    expect(problemsOf({ ...gateway, approvals: '1', approvers: 'alice' })).toEqual([
      expect.stringMatching(/^input `approvers` has no effect with `approval-source: gateway`/),
    ]);
    const all: Record<string, string> = { ...GOOD, approvals: '3' };
    expect(() => parseConfig((name) => all[name] ?? '', { platform: 'local' })).toThrow(
      /input `approvals` is 3, but with `approval-source: gateway`/,
    );
  });
});

describe('envNameProblem', () => {
  it('accepts ordinary names and refuses reserved ones', () => {
    expect(envNameProblem('DEPLOY_TOKEN')).toBeUndefined();
    expect(envNameProblem('_x1')).toBeUndefined();
    for (const name of [
      'PATH',
      'LD_LIBRARY_PATH',
      'DYLD_INSERT_LIBRARIES',
      'RUNNER_TEMP',
      'ACTIONS_RUNTIME_TOKEN',
      'INPUT_RUN',
      'GATEPASS_X',
      'GIT_SSH_COMMAND',
      'a-b',
      '',
    ]) {
      expect(envNameProblem(name)).toBeDefined();
    }
  });
});

describe('parseConfig: hard limits, before anything else reads a value', () => {
  const KIB = 1024;
  const over: Array<[string, string, number]> = [
    ['gateway', `https://gw.example.com/${'a'.repeat(10 * KIB)}`, 2 * KIB],
    ['audience', 'x'.repeat(2 * KIB + 1), 2 * KIB],
    ['credentials', `- name: a\n  scope: ${'s'.repeat(70 * KIB)}\n`, 64 * KIB],
    ['run', `echo ${'x'.repeat(300 * KIB)}`, 256 * KIB],
    ['approvers', 'alice,'.repeat(1000), 4 * KIB],
    ['client-secret', 'S'.repeat(9 * KIB), 8 * KIB],
    ['provider', 'v'.repeat(300), 256],
    ['vault-role', 'r'.repeat(KIB + 1), KIB],
  ];

  it.each(over)(
    '%s over its cap: one line naming the input, its size and the cap',
    (name, value, cap) => {
      const problems = problemsOf({ [name]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(
          `^input \`${name}\` is ${formatBytes(Buffer.byteLength(value))}, over the limit of ${formatBytes(cap)}\\. `,
        ),
      );
      expect(problems[0]?.length).toBeLessThan(200);
    },
  );

  it('quotes at most 64 characters of a bad value', () => {
    for (const name of ['provider', 'timeout', 'shell', 'revoke', 'approval-source']) {
      const [problem = ''] = problemsOf({ [name]: 'x'.repeat(200) });
      expect(problem).toContain(`"${'x'.repeat(64)}…"`);
      expect(problem).not.toContain('x'.repeat(65));
    }
  });

  it('takes a value exactly at its cap', () => {
    const gateway = `https://gw.example.com/${'a'.repeat(2 * KIB - 23)}`;
    expect(Buffer.byteLength(gateway)).toBe(2 * KIB);
    expect(parse({ gateway }).gateway).toBe(gateway);
    expect(parse({ run: 'x'.repeat(256 * KIB) }).run).toHaveLength(256 * KIB);
  });

  it('gives every input a cap, and README lists each one', () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('### Limits'));
    for (const name of INPUT_NAMES) {
      expect(inputCap(name)).toBeGreaterThan(0);
      expect(table).toContain(`\`${name}\``);
    }
  });

  it.each([
    ['gateway', 'https://gw.example.com/\u0000x', 'U+0000', 24],
    ['provider', 'vault\u001b[2J', 'U+001B', 6],
    ['audience', 'aud\u0085', 'U+0085', 4],
    ['vault-namespace', 'ns\tb', 'U+0009', 3],
    ['run', 'echo a\u0000b', 'U+0000', 7],
    ['credentials', '- name: a\n  scope: x\u0007\n', 'U+0007', 21],
    ['approvers', 'alice\u007f', 'U+007F', 6],
  ])(
    '%s with a control character: names the code point, never the value',
    (name, value, code, at) => {
      const problems = problemsOf({ [name]: value });
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^input \`${name}\` contains a control character \\(${code.replace('+', '\\+')}\\) at character ${at}\\. Remove it`,
          ),
        ),
      ]);
    },
  );

  it('lets `run`, `credentials` and `approvers` hold line breaks and tabs, and trims one-line inputs', () => {
    const config = parse({
      run: 'set -e\r\n\techo ok\n',
      credentials: '- name: a\r\n\u0020 scope: x\n',
      approvers: 'alice\n\tbob\r\n',
      gateway: 'https://gw.example.com\n',
    });
    expect(config.run).toBe('set -e\r\n\techo ok\n');
    expect(config.approvals.approvers).toEqual(['alice', 'bob']);
  });

  it('refuses a control character inside a credential field, even one YAML escapes', () => {
    const problems = problemsOf({ credentials: '- name: deploy\n  scope: "a\\0b"\n' });
    expect(problems).toEqual([
      'input `credentials`: credential "deploy": `scope` contains a control character (U+0000) at character 2. ' +
        'Each value is one line of text of at most 4 KiB (Vault `data` values may span lines); README § Inputs and outputs lists the limits',
    ]);
    expect(problemsOf({ credentials: '- name: d\n  audience: [ok, "b\\nc"]' })[0]).toMatch(
      /credential "d": `audience\[1\]` contains a control character \(U\+000A\)/,
    );
    expect(problemsOf({ credentials: '- name: d\n  env: { "A\\tB": access_token }' })[0]).toMatch(
      /credential "d": `env`: a key contains a control character \(U\+0009\)/,
    );
    expect(problemsOf({ credentials: '- name: "Bad\\u0085"\n' })[0]).toMatch(
      /item 1: `name` contains a control character \(U\+0085\)/,
    );
  });

  it('lets a Vault `data` value span lines (a CSR), never hold NUL', () => {
    const csr = '-----BEGIN CERTIFICATE REQUEST-----\\nMIIB\\r\\n-----END CERTIFICATE REQUEST-----';
    const yaml = (value: string) =>
      `- name: cert\n  path: pki/sign/web\n  method: POST\n  data: { csr: "${value}" }\n`;
    const config = parse({ provider: 'vault', 'vault-role': 'ci', credentials: yaml(csr) });
    expect(config.credentials[0]?.vault?.data?.csr).toContain('\r\n');
    expect(
      problemsOf({ provider: 'vault', 'vault-role': 'ci', credentials: yaml('a\\0b') })[0],
    ).toMatch(/credential "cert": `data.csr` contains a control character \(U\+0000\)/);
  });

  it('caps each credential field and the number of credentials', () => {
    const long = 's'.repeat(5 * KIB);
    const [problem = ''] = problemsOf({ credentials: `- name: a\n  scope: ${long}\n` });
    expect(problem).toMatch(
      /^input `credentials`: credential "a": `scope` is 5120 bytes, over the limit of 4096 bytes\. /,
    );
    expect(problem).not.toContain('sss');
    const items = (n: number) =>
      Array.from({ length: n }, (_, i) => `- { name: c${i}, scope: x }`).join('\n');
    expect(parse({ credentials: items(LIMITS.credentialsCount) }).credentials).toHaveLength(64);
    expect(problemsOf({ credentials: items(65) })).toEqual([
      expect.stringMatching(/^input `credentials` has 65 items, over the limit of 64\. Split/),
    ]);
  });

  it('refuses values that are not plain data, and deep nesting', () => {
    expect(problemsOf({ credentials: '- name: a\n  scope: !!binary aGVsbG8=\n' })[0]).toMatch(
      /credential "a": `scope` is not a string, number, boolean, list or mapping/,
    );
    const deep = `- name: a\n  audience: ${'['.repeat(40)}x${']'.repeat(40)}\n`;
    expect(problemsOf({ credentials: deep })[0]).toMatch(/nests deeper than 16 levels/);
  });

  it('reports a YAML alias bomb as a problem of the input, not a ReferenceError', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(problemsOf({ credentials: bomb })).toEqual([
      'input `credentials`: YAML aliases expand too far (over 100 alias uses). Write the values out instead of using anchors (&) and aliases (*)',
    ]);
    expect(problemsOf({ credentials: '- name: a\n  scope: *nowhere\n' })[0]).toMatch(
      /^input `credentials`: a YAML alias \(\*name\) has no anchor/,
    );
    const shared = '- { name: a, audience: &aud [x, y] }\n- { name: b, audience: *aud }\n';
    expect(parse({ credentials: shared }).credentials[1]?.tokenExchange?.audience).toEqual([
      'x',
      'y',
    ]);
  });

  it.each([
    ['javascript:alert(1)', 'a javascript: URL'],
    ['file:///etc/passwd', 'a file: URL'],
    ['data:text/plain,hi', 'a data: URL'],
    ['ftp://gw.example.com', 'an ftp: URL'],
    ['http://gw.example.com', 'an http: URL to a host that is not this machine'],
  ])('gateway %s: says which scheme, never "(null)" nor the URL', (gateway, got) => {
    const problems = problemsOf({ gateway });
    expect(problems).toEqual([
      `input \`gateway\` must use https: (got ${got}). Use https://…; plain http is allowed only to localhost, 127.0.0.0/8 and [::1]`,
    ]);
  });

  it('checks GATEPASS_GITLAB_TOKEN too, without echoing it', () => {
    const inputs: Record<string, string> = { ...GOOD, approvals: '1' };
    const run = () =>
      parseConfig((name) => inputs[name] ?? '', {
        platform: 'gitlab',
        env: { GATEPASS_GITLAB_TOKEN: 'glpat-secret\u0000value' },
      });
    expect(run).toThrow(
      /^GATEPASS_GITLAB_TOKEN contains a control character \(U\+0000\) at character 13$/,
    );
  });
});

describe('parseConfig: the token-exchange server inputs', () => {
  it('reads each into the provider settings, short token types as their URIs', () => {
    const config = parse({
      'subject-token-type': 'jwt',
      'subject-issuer': 'github-actions',
      'token-endpoint': 'https://sts.example.com/v1/token',
      'revocation-endpoint': 'https://sts.example.com/v1/revoke',
      'ttl-parameter': 'none',
      'client-auth': 'client_secret_post',
      'client-id': 'ci',
      'client-secret': 's3cret-value',
    });
    expect(config.provider).toEqual({
      name: 'token-exchange',
      client: { id: 'ci', secret: 's3cret-value' },
      clientAuth: 'client_secret_post',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      subjectIssuer: 'github-actions',
      endpoints: {
        token: 'https://sts.example.com/v1/token',
        revocation: 'https://sts.example.com/v1/revoke',
      },
      ttlParameter: null,
    });
  });

  it.each([
    ['access_token', 'urn:ietf:params:oauth:token-type:access_token'],
    ['urn:example:ci-token', 'urn:example:ci-token'],
    ['https://tokens.example.com/ci', 'https://tokens.example.com/ci'],
  ])('subject-token-type %s is sent as %s', (value, uri) => {
    expect(parse({ 'subject-token-type': value }).provider).toMatchObject({
      subjectTokenType: uri,
    });
  });

  it('leaves the defaults out of the settings (id_token, expires_in, automatic client auth)', () => {
    const config = parse({
      'subject-token-type': 'id_token',
      'ttl-parameter': 'expires_in',
      'token-endpoint': 'http://127.0.0.1:8080/token',
    });
    expect(config.provider).toEqual({
      name: 'token-exchange',
      client: { id: 'gatepass', secret: undefined },
      endpoints: { token: 'http://127.0.0.1:8080/token' },
    });
    expect(parse({ 'ttl-parameter': 'requested_ttl' }).provider).toMatchObject({
      ttlParameter: 'requested_ttl',
    });
  });

  it('reports every bad one at once, each naming the input and the fix, before any network call', () => {
    const problems = problemsOf({
      'subject-token-type': 'jwt-bearer',
      'subject-issuer': 'git hub',
      'revocation-endpoint': 'https://sts.example.com/revoke',
      'ttl-parameter': 'scope',
      'client-auth': 'private_key_jwt',
    });
    expect(problems).toEqual([
      'input `client-auth` is "private_key_jwt". Use one of: none, client_secret_basic, client_secret_post (or leave it empty to choose from `client-secret`)',
      'input `subject-token-type` is "jwt-bearer", neither a short name nor a URI. Use id_token (the default), jwt, access_token, or a full token type URI such as urn:ietf:params:oauth:token-type:jwt',
      'input `subject-issuer` is "git hub", which has a space. Use the identity provider\'s alias as the server knows it (Keycloak: Identity providers > the provider\'s alias), e.g. github-actions',
      'input `revocation-endpoint` needs `token-endpoint`. Set `token-endpoint` too (together they replace discovery), or remove `revocation-endpoint` to use the one discovery finds',
      'input `ttl-parameter` is "scope", a parameter gatepass already sends for something else. Use expires_in (the default), none (send no lifetime; the server\'s own setting decides), or the name of the server\'s lifetime parameter, e.g. requested_ttl',
    ]);
  });

  it('checks the endpoints as it checks `gateway`', () => {
    expect(problemsOf({ 'token-endpoint': 'http://sts.example.com/token' })).toEqual([
      expect.stringMatching(/^input `token-endpoint` must use https:/),
    ]);
    expect(problemsOf({ 'token-endpoint': 'https://user:pw@sts.example.com/token' })[0]).toMatch(
      /^input `token-endpoint` must not contain a user name or password/,
    );
    expect(problemsOf({ 'ttl-parameter': 'expires in' })[0]).toMatch(
      /^input `ttl-parameter` is "expires in", not a parameter name/,
    );
  });

  it('checks client-auth against client-id and client-secret', () => {
    expect(problemsOf({ 'client-auth': 'none', 'client-secret': 'x-secret-1' })).toEqual([
      'input `client-secret` is set, but `client-auth: none` sends no client credentials. Remove `client-secret`, or use `client-auth: client_secret_basic` or `client_secret_post`',
    ]);
    expect(problemsOf({ 'client-auth': 'none', 'client-id': 'ci' })).toEqual([
      'input `client-id` has no effect with `client-auth: none`, which sends no client_id. Remove `client-id`, or leave `client-auth` empty to send it as a public client',
    ]);
    expect(problemsOf({ 'client-auth': 'client_secret_basic' })).toEqual([
      'input `client-secret` is required with `client-auth: client_secret_basic`. Pass the client secret from a secret store (GATEPASS_CLIENT_SECRET for the CLI), or leave `client-auth` empty for a public client',
    ]);
    // action.yml's default client-id is fine with none.
    expect(parse({ 'client-auth': 'none', 'client-id': 'gatepass' }).provider).toMatchObject({
      clientAuth: 'none',
    });
  });

  it('refuses them with another provider: a forgotten `provider:` line', () => {
    expect(
      problemsOf({
        provider: 'vault',
        'vault-role': 'ci',
        'subject-token-type': 'jwt',
        credentials: '- name: db\n  path: database/creds/x',
      }),
    ).toEqual([
      'input `subject-token-type` is only for `provider: token-exchange`. Remove it, or set `provider: token-exchange`',
    ]);
  });

  it('keeps them in the saved settings, without the secret', () => {
    const config = parse({
      'subject-token-type': 'jwt',
      'client-auth': 'client_secret_basic',
      'client-id': 'ci',
      'client-secret': 's3cret-value',
      'token-endpoint': 'https://sts.example.com/token',
    });
    const saved = providerWithoutSecrets(config.provider);
    expect(JSON.stringify(saved)).not.toContain('s3cret-value');
    expect(saved).toMatchObject({
      clientAuth: 'client_secret_basic',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      endpoints: { token: 'https://sts.example.com/token' },
    });
    const again = providerWithSecrets(
      JSON.parse(JSON.stringify(saved)) as typeof saved,
      () => 's3cret-value',
    );
    expect(again).toEqual(config.provider);
  });

  it('reads `service-account`: an email, or the generateAccessToken URL', () => {
    const email = 'deploy@my-project.iam.gserviceaccount.com';
    const url = `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${email}:generateAccessToken`;
    for (const serviceAccount of [email, url]) {
      const config = parse({
        credentials: `- name: gcp\n  service-account: "${serviceAccount}"\n`,
      });
      expect(config.credentials[0]?.tokenExchange).toEqual({ serviceAccount });
    }
    expect(problemsOf({ credentials: '- name: gcp\n  service-account: deploy\n' })[0]).toMatch(
      /`service-account` "deploy" is neither an email nor a URL\. Use the service account email/,
    );
    expect(
      problemsOf({
        credentials: '- name: gcp\n  service-account: https://iamcredentials.googleapis.com/v1/x\n',
      })[0],
    ).toContain('does not end in /v1/projects/-/serviceAccounts/<email>:generateAccessToken');
    expect(
      problemsOf({
        credentials: `- name: gcp\n  service-account: "http://evil.example/v1/projects/-/serviceAccounts/${email}:generateAccessToken"\n`,
      })[0],
    ).toContain('is not an https URL');
  });

  it('says where the fields go when they are nested under the provider name', () => {
    expect(
      problemsOf({ credentials: '- name: api\n  token-exchange:\n    scope: deploy\n' }),
    ).toEqual([
      'input `credentials`: credential "api" has an unknown field `token-exchange`. Put the provider\'s fields directly in the item, not under `token-exchange:` (e.g. `scope: deploy`); fields for token-exchange: name, ttl, env, proxy, upstream, header, guardrails, scope, audience, resource, requested-token-type, service-account',
    ]);
  });
});
