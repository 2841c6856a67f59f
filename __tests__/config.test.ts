import { describe, expect, it } from '@jest/globals';
import { ConfigError, envNameProblem, parseConfig, parseDurationMs } from '../src/config.js';
import { describeError } from '../src/errors.js';

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
      provider: 'token-exchange',
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
      maskDetectors: true,
      clientId: 'gatepass',
      clientSecret: undefined,
      vault: { role: undefined, authPath: 'jwt', namespace: undefined },
      hoopApiKey: undefined,
      hoopExchange: undefined,
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
    const exchanged = parse({
      provider: 'hoop',
      gateway: 'https://hoop.example.com',
      'hoop-token-exchange-url': 'https://idp.example.com/realms/ci',
      credentials: '- name: db\n  connection: pg-prod',
    });
    expect([exchanged.hoopApiKey, exchanged.hoopExchange]).toEqual([
      undefined,
      {
        url: 'https://idp.example.com/realms/ci',
        audience: 'https://hoop.example.com',
        scope: undefined,
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
      'approval-source': 'gateway',
      export: 'env',
      audience: 'sts.example.com',
    });
    expect(config.approvals).toEqual({
      required: 2,
      approvers: ['alice', 'octo-org/sre', 'bob'],
      timeoutMs: 3_600_000,
      allowSelfApproval: true,
      source: 'gateway',
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
    /`gateway` is not a URL: "gateway"\. Use an absolute URL/,
  ],
  [
    'gateway over http',
    { gateway: 'http://gw.example.com' },
    /must use https: \(http:\/\/gw\.example\.com\)\. Plain http is allowed only to localhost/,
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
    /`credentials`: is not valid YAML at line \d+, column \d+: .*Check the indentation/,
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
    /credential "a" has an unknown field `scopes`\. Fields for token-exchange: name, ttl, env, scope/,
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
    /names field "acess_token"; did you mean "access_token"\?\. Token responses hold access_token/,
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
    /input `hoop-token-exchange-url` must use https: \(http:\/\/idp\.example\.com\)/,
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
    'hoop token exchange with another provider',
    { 'hoop-token-exchange-url': 'https://idp.example.com' },
    /input `hoop-token-exchange-url` is only for `provider: hoop`/,
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
