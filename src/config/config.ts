/**
 * One typed, validated RunConfig from the inputs of a step (`INPUT_*` on
 * GitHub, flags or `GATEPASS_*` for the CLI). Pure: it only reads the values
 * `getInput` returns, so the action and the CLI share every rule, and every
 * configuration error is found before the first network call.
 *
 * All problems are collected, not just the first, so a user fixes a workflow
 * in one round instead of one failed run per typo. Messages name the input and
 * the fix, never a value of a secret input.
 */
import { GatepassError, describeError } from '../common/errors.js';
import { DEFAULT_REVOKE_TIMEOUT_MS } from './defaults.js';
import type { CredentialRequest, JsonValue } from './request.js';
import {
  LIMITS,
  URL_SCHEME_HINT,
  fieldProblem,
  inputLimitProblems,
  parseYaml,
  urlSchemeProblem,
} from './limits.js';

/** Returns the input's value, or '' when it is not set (like `core.getInput`). */
export type GetInput = (name: string) => string;

/** Where the step runs: it decides the default approval source and which sources exist. */
export interface ParseOptions {
  /** Default `github`: action.yml is a GitHub Action. */
  platform?: 'github' | 'gitlab' | 'local';
  /** Variables that are not inputs (`GATEPASS_GITLAB_TOKEN`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The approval source when `approval-source` is empty. */
const DEFAULT_SOURCE = {
  github: 'github-pr',
  gitlab: 'gitlab-notes',
  local: 'gateway',
} as const satisfies Record<NonNullable<ParseOptions['platform']>, ApprovalSource>;

export const PROVIDERS = ['token-exchange', 'vault', 'hoop'] as const;
export type Provider = (typeof PROVIDERS)[number];
export const APPROVAL_SOURCES = [
  'github-pr',
  'gitlab-notes',
  'gitlab-mr-approvals',
  'gateway',
] as const;
export type ApprovalSource = (typeof APPROVAL_SOURCES)[number];
export type ExportMode = 'none' | 'env';

/** How to run the script: the program, its arguments with `{0}` for the script file, the file's extension. */
export interface ShellCommand {
  /** As written in the input, for messages. */
  name: string;
  program: string;
  args: string[];
  extension: string;
}

export interface RunConfig {
  /** As given (trimmed): also the default audience, which must match exactly. */
  gateway: string;
  provider: Provider;
  audience: string;
  credentials: CredentialRequest[];
  /** The script to run; undefined when the step only validates access or exports. */
  run: string | undefined;
  shell: ShellCommand;
  /** Relative to the workspace unless absolute; undefined means the workspace. */
  workingDirectory: string | undefined;
  export: ExportMode;
  approvals: {
    required: number;
    approvers: string[];
    timeoutMs: number;
    allowSelfApproval: boolean;
    /** `approval-source`, or the platform's default (github-pr on GitHub). */
    source: ApprovalSource;
  };
  githubToken: string | undefined;
  /** `GATEPASS_GITLAB_TOKEN`, read only when a GitLab approval source is chosen. */
  gitlabToken: string | undefined;
  /** Deadline to obtain credentials, approval wait excluded. */
  timeoutMs: number;
  revoke: boolean;
  /** One deadline for revoking every credential of the step, in parallel. */
  revokeTimeoutMs: number;
  maskDetectors: boolean;
  clientId: string;
  clientSecret: string | undefined;
  vault: { role: string | undefined; authPath: string; namespace: string | undefined };
  hoopApiKey: string | undefined;
  /** hoop authenticated by a token exchange at the IdP hoop trusts, instead of an API key. */
  hoopExchange: HoopExchangeConfig | undefined;
  idTokenVariable: string;
  /** `ca-certificate`: PEM certificates to trust besides Node's (and NODE_EXTRA_CA_CERTS). */
  caCertificate: string | undefined;
}

export interface HoopExchangeConfig {
  /** `hoop-token-exchange-url`: the IdP's issuer URL (discovery, RFC 8693 token endpoint). */
  url: string;
  /** `hoop-token-audience`: the audience hoop checks; default the hoop `gateway` URL. */
  audience: string;
  /** `hoop-token-scope`, when the IdP wants one. */
  scope: string | undefined;
}

/** Inputs whose values are secrets: registered with the masker, never echoed. */
export const SECRET_INPUTS = ['client-secret', 'hoop-api-key', 'github-token'] as const;

/** Every input the action declares, for the CLI's flags and for tests. */
export const INPUT_NAMES = [
  'gateway',
  'provider',
  'audience',
  'credentials',
  'run',
  'shell',
  'working-directory',
  'export',
  'approvals',
  'approvers',
  'approval-timeout',
  'allow-self-approval',
  'approval-source',
  'github-token',
  'timeout',
  'revoke',
  'revoke-timeout',
  'mask-detectors',
  'client-id',
  'client-secret',
  'vault-role',
  'vault-auth-path',
  'vault-namespace',
  'hoop-api-key',
  'hoop-token-exchange-url',
  'hoop-token-audience',
  'hoop-token-scope',
  'id-token-variable',
  'ca-certificate',
] as const;

/** Raised with every problem found; `problems` holds one error per input. */
export class ConfigError extends GatepassError {
  readonly problems: readonly GatepassError[];

  constructor(problems: readonly GatepassError[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s) above)` : '';
    super('INPUT', `${first?.message ?? 'invalid inputs'}${more}`, {
      ...(first?.hint === undefined ? {} : { hint: first.hint }),
    });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const DEFAULT_TTL_SECONDS = 15 * 60;
const MAX_TTL_SECONDS = 24 * 3600;

/**
 * Parses the inputs; reports every problem as its own line (`::error::` on
 * GitHub) and returns undefined when there was any. Entries call it: the
 * flow receives a parsed configuration and never reads an input itself.
 */
export function loadConfig(
  getInput: GetInput,
  options: ParseOptions,
  report: (message: string) => void,
): RunConfig | undefined {
  try {
    return parseConfig(getInput, options);
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [err];
    for (const problem of problems) report(describeError(problem));
    return undefined;
  }
}

/** The secret settings, to be masked from the start (they are never echoed anyway). */
export function secretSettings(config: RunConfig): string[] {
  return [config.clientSecret, config.hoopApiKey, config.githubToken, config.gitlabToken].filter(
    (value): value is string => value !== undefined && value !== '',
  );
}

export function parseConfig(getInput: GetInput, options: ParseOptions = {}): RunConfig {
  // Hard limits first: a value over its cap or with a control character is
  // reported alone, so that no other message can echo any of it.
  const limits = [
    ...inputLimitProblems(getInput, INPUT_NAMES),
    ...inputLimitProblems((name) => options.env?.[name] ?? '', ['GATEPASS_GITLAB_TOKEN']),
  ];
  if (limits.length > 0) throw new ConfigError(limits);
  const platform = options.platform ?? 'github';
  const problems: GatepassError[] = [];
  const input = (name: string): string => getInput(name).trim();
  const check = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else if (err instanceof GatepassError) problems.push(err);
      else throw err;
      return fallback;
    }
  };

  const gateway = check(() => parseGateway(input('gateway')), '');
  const hoopExchangeUrl = check(() => parseOptionalUrl(input('hoop-token-exchange-url')), '');
  const parsedProvider = check<Provider | undefined>(
    () => oneOf(input('provider') || 'token-exchange', PROVIDERS, 'provider'),
    undefined,
  );
  const provider = parsedProvider ?? 'token-exchange';
  const audience = input('audience') || gateway;
  // Fields depend on the provider: with an unknown one, checking them only adds noise.
  const credentials =
    parsedProvider === undefined
      ? []
      : check(() => parseCredentials(getInput('credentials'), provider), []);
  const runScript = getInput('run');
  const config: RunConfig = {
    gateway,
    provider,
    audience,
    credentials,
    run: runScript.trim() === '' ? undefined : runScript,
    shell: check(() => parseShell(input('shell') || 'bash'), BASH),
    workingDirectory: input('working-directory') || undefined,
    export: check(() => oneOf(input('export') || 'none', ['none', 'env'], 'export'), 'none'),
    approvals: {
      required: check(() => parseCount(input('approvals') || '0', 'approvals'), 0),
      approvers: splitList(getInput('approvers')),
      // Fallbacks are the defaults: an unparsable value is one problem, not two.
      timeoutMs: check(
        () => parseDurationMs(input('approval-timeout') || '30m', 'approval-timeout'),
        30 * 60_000,
      ),
      allowSelfApproval: check(
        () => parseBoolean(input('allow-self-approval'), 'allow-self-approval', false),
        false,
      ),
      source: check(
        () =>
          optionalOneOf(input('approval-source'), APPROVAL_SOURCES, 'approval-source') ??
          DEFAULT_SOURCE[platform],
        DEFAULT_SOURCE[platform],
      ),
    },
    githubToken: input('github-token') || undefined,
    gitlabToken: undefined,
    timeoutMs: check(() => parseDurationMs(input('timeout') || '2m', 'timeout'), 2 * 60_000),
    revoke: check(() => parseBoolean(input('revoke'), 'revoke', true), true),
    revokeTimeoutMs: check(
      () => parseDurationMs(input('revoke-timeout') || '30s', 'revoke-timeout'),
      DEFAULT_REVOKE_TIMEOUT_MS,
    ),
    maskDetectors: check(() => parseBoolean(input('mask-detectors'), 'mask-detectors', true), true),
    clientId: input('client-id') || 'gatepass',
    clientSecret: input('client-secret') || undefined,
    vault: {
      role: input('vault-role') || undefined,
      authPath: check(() => parseAuthPath(input('vault-auth-path') || 'jwt'), 'jwt'),
      namespace: input('vault-namespace') || undefined,
    },
    hoopApiKey: input('hoop-api-key') || undefined,
    hoopExchange:
      hoopExchangeUrl === ''
        ? undefined
        : {
            url: hoopExchangeUrl,
            audience: input('hoop-token-audience') || gateway,
            scope: input('hoop-token-scope') || undefined,
          },
    idTokenVariable: check(
      () => parseVariableName(input('id-token-variable') || 'GATEPASS_ID_TOKEN'),
      '',
    ),
    caCertificate: check(() => parseCertificate(input('ca-certificate')), undefined),
  };
  if (config.approvals.source.startsWith('gitlab-')) {
    config.gitlabToken = options.env?.GATEPASS_GITLAB_TOKEN?.trim() || undefined;
  }
  check(() => {
    crossChecks(config);
  }, undefined);
  check(() => {
    hoopChecks(config, input);
  }, undefined);
  check(() => {
    approvalChecks(config, platform);
  }, undefined);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function crossChecks(config: RunConfig): void {
  if (config.provider === 'vault' && config.vault.role === undefined) {
    throw inputError(
      'vault-role',
      'is required with `provider: vault`',
      'Set `vault-role` to the Vault JWT role this job logs in as',
    );
  }
  if (config.approvals.required > 0 && config.approvals.timeoutMs === 0) {
    throw inputError(
      'approval-timeout',
      'must be longer than 0 when `approvals` is set',
      'Use a duration such as `30m`',
    );
  }
  if (config.timeoutMs === 0) {
    throw inputError('timeout', 'must be longer than 0', 'Use a duration such as `2m`');
  }
}

/** hoop authenticates one way: an API key, or a token exchange at the IdP it trusts. */
function hoopChecks(config: RunConfig, input: (name: string) => string): void {
  const exchange = config.hoopExchange !== undefined || input('hoop-token-exchange-url') !== '';
  if (config.provider !== 'hoop') {
    if (exchange) {
      throw inputError(
        'hoop-token-exchange-url',
        'is only for `provider: hoop`',
        'Remove it, or set `provider: hoop`',
      );
    }
    return;
  }
  if (config.hoopApiKey === undefined && !exchange) {
    throw inputError(
      'hoop-api-key',
      'or `hoop-token-exchange-url` is required with `provider: hoop`',
      'Pass a hoop API key (Settings > API keys) from a secret as `hoop-api-key`, or set `hoop-token-exchange-url` to the issuer URL of the IdP hoop trusts',
    );
  }
  if (config.hoopApiKey !== undefined && exchange) {
    throw inputError(
      'hoop-api-key',
      'and `hoop-token-exchange-url` are both set',
      'Authenticate to hoop one way: remove one of them',
    );
  }
  for (const name of ['hoop-token-audience', 'hoop-token-scope']) {
    if (!exchange && input(name) !== '') {
      throw inputError(name, 'needs `hoop-token-exchange-url`', `Set it, or remove \`${name}\``);
    }
  }
}

/** The approval source must exist where the step runs, with the token it needs. */
function approvalChecks(config: RunConfig, platform: NonNullable<ParseOptions['platform']>): void {
  const { required, source } = config.approvals;
  if (source === 'gateway') {
    gatewayApprovalChecks(config);
    return;
  }
  if (required === 0) return;
  const home = source === 'github-pr' ? 'github' : 'gitlab';
  if (home !== platform) {
    throw inputError(
      'approval-source',
      `\`${source}\` works only in ${home === 'github' ? 'GitHub Actions' : 'GitLab CI'}, not here (${platform})`,
      `Use \`${DEFAULT_SOURCE[platform]}\` (the default here) or \`gateway\``,
    );
  }
  if (source === 'github-pr' && config.githubToken === undefined) {
    throw inputError(
      'github-token',
      'is empty, and `approvals` needs it to post and read the request comment',
      'Leave `github-token` at its default (`${{ github.token }}`) or pass a token that may comment',
    );
  }
  if (home === 'gitlab' && config.gitlabToken === undefined) {
    throw new GatepassError(
      'INPUT',
      `\`approval-source: ${source}\` needs GATEPASS_GITLAB_TOKEN, which is not set`,
      {
        hint: 'Set GATEPASS_GITLAB_TOKEN (a masked CI/CD variable) to an access token with the `api` scope and at least the Reporter role',
      },
    );
  }
}

/**
 * With `approval-source: gateway` the gateway decides who approves and how
 * many: a count or a list here would be silently ignored, so both are errors.
 * `approvals: 1` means "a human at the gateway" (see requireGatewayReview).
 */
function gatewayApprovalChecks(config: RunConfig): void {
  const { required, approvers } = config.approvals;
  if (required > 1) {
    throw inputError(
      'approvals',
      `is ${required}, but with \`approval-source: gateway\` the gateway counts the approvers, not gatepass`,
      "Set `approvals: 1` and require the reviewers in the gateway's own policy (hoop review groups, the token-exchange server's rules), or count them here with `approval-source: github-pr`, `gitlab-notes` or `gitlab-mr-approvals`",
    );
  }
  if (approvers.length > 0) {
    throw inputError(
      'approvers',
      'has no effect with `approval-source: gateway`: the gateway decides who may approve',
      "Name the approvers in the gateway's policy and remove `approvers`, or use a platform approval source",
    );
  }
}

/** `ca-certificate`: one or more PEM certificates, or nothing. */
function parseCertificate(value: string): string | undefined {
  if (value === '') return undefined;
  if (/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?\n-----END CERTIFICATE-----/.test(value)) {
    return `${value}\n`;
  }
  throw inputError(
    'ca-certificate',
    'is not a PEM certificate',
    'Pass the CA certificate itself (-----BEGIN CERTIFICATE----- …), not a path or base64 of it',
  );
}

function inputError(input: string, problem: string, hint: string): GatepassError {
  return new GatepassError('INPUT', `input \`${input}\` ${problem}`, { hint });
}

function parseGateway(value: string): string {
  if (value === '') {
    throw inputError(
      'gateway',
      'is required',
      "Set `gateway` to the gateway's base URL, e.g. https://gateway.example.com",
    );
  }
  return parseUrl(value, 'gateway');
}

/** `hoop-token-exchange-url`: '' when unset, else checked like `gateway`. */
function parseOptionalUrl(value: string): string {
  return value === '' ? '' : parseUrl(value, 'hoop-token-exchange-url');
}

/**
 * An absolute https URL (http only to loopback) without credentials in it.
 * Messages never quote the URL: a query string may hold a token.
 */
function parseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw inputError(
      name,
      'is not an absolute URL',
      'Use an absolute https URL, e.g. https://gateway.example.com',
    );
  }
  const scheme = urlSchemeProblem(url);
  if (scheme !== undefined) throw inputError(name, scheme, URL_SCHEME_HINT);
  if (url.username !== '' || url.password !== '') {
    throw inputError(
      name,
      'must not contain a user name or password',
      'Remove `user:password@` from the URL; use `client-secret` for client authentication',
    );
  }
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], input: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw inputError(input, `is "${short(value)}"`, `Use one of: ${allowed.join(', ')}`);
}

function optionalOneOf<T extends string>(
  value: string,
  allowed: readonly T[],
  input: string,
): T | undefined {
  return value === '' ? undefined : oneOf(value, allowed, input);
}

/** YAML 1.2 core booleans, as `core.getBooleanInput` accepts them. */
export function parseBoolean(value: string, input: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw inputError(input, `is "${short(value)}", not a boolean`, 'Use true or false');
}

function parseCount(value: string, input: string): number {
  if (!/^\d{1,3}$/.test(value)) {
    throw inputError(
      input,
      `is "${short(value)}", not a whole number`,
      'Use 0 (no approval) or the number of approvers needed, e.g. 1',
    );
  }
  return Number(value);
}

/** Comma- or newline-separated, blanks dropped. */
function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `90s`, `15m`, `1h30m`, or a bare number of seconds. */
export function parseDurationMs(value: string, input: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (match === null || text === '') {
    throw inputError(
      input,
      `is "${short(value)}", not a duration`,
      'Use a number with h, m or s, e.g. 90s, 15m or 1h30m',
    );
  }
  const [, h = '0', m = '0', s = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

const BASH: ShellCommand = {
  name: 'bash',
  program: 'bash',
  args: ['--noprofile', '--norc', '-eo', 'pipefail', '{0}'],
  extension: '.sh',
};

/** The shells GitHub's `run:` steps know, with the same arguments. */
const SHELLS: Record<string, ShellCommand> = {
  bash: BASH,
  sh: { name: 'sh', program: 'sh', args: ['-e', '{0}'], extension: '.sh' },
  pwsh: { name: 'pwsh', program: 'pwsh', args: ['-command', ". '{0}'"], extension: '.ps1' },
  powershell: {
    name: 'powershell',
    program: 'powershell',
    args: ['-command', ". '{0}'"],
    extension: '.ps1',
  },
  python: { name: 'python', program: 'python', args: ['{0}'], extension: '.py' },
  cmd: {
    name: 'cmd',
    program: 'cmd',
    args: ['/D', '/E:ON', '/V:OFF', '/S', '/C', 'CALL "{0}"'],
    extension: '.cmd',
  },
};

/** A known shell name, or a command line with `{0}` where the script file goes (`perl {0}`). */
export function parseShell(value: string): ShellCommand {
  const known = SHELLS[value];
  if (known !== undefined) return known;
  const words = value.split(/\s+/).filter((w) => w !== '');
  const [program, ...args] = words;
  if (program === undefined || !args.some((arg) => arg.includes('{0}'))) {
    throw inputError(
      'shell',
      `is "${short(value)}": not a known shell and has no {0}`,
      `Use ${Object.keys(SHELLS).join(', ')}, or a command with {0} for the script file, e.g. \`perl {0}\``,
    );
  }
  return { name: value, program, args, extension: '' };
}

function parseAuthPath(value: string): string {
  const path = value.replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(path)) {
    throw inputError(
      'vault-auth-path',
      `is "${short(value)}"`,
      'Use the mount path of the JWT auth method, e.g. jwt or gitlab-jwt',
    );
  }
  return path;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseVariableName(value: string): string {
  if (VARIABLE_NAME.test(value)) return value;
  throw inputError(
    'id-token-variable',
    `is "${short(value)}", not a variable name`,
    'Use letters, digits and underscores, e.g. GATEPASS_ID_TOKEN',
  );
}

// ---------------------------------------------------------------------------
// credentials

const COMMON_FIELDS = ['name', 'ttl', 'env'];
const PROVIDER_FIELDS: Record<Provider, string[]> = {
  'token-exchange': ['scope', 'audience', 'resource', 'requested-token-type'],
  vault: ['path', 'method', 'data'],
  hoop: ['connection'],
};

/**
 * The standard members of a token response. A server may add others (a
 * database gateway's `username`, `password`): any name is a field, and one
 * the server did not return is reported, with the names it did, at delivery.
 */
export const TOKEN_EXCHANGE_FIELDS = [
  'access_token',
  'refresh_token',
  'id_token',
  'token_type',
  'issued_token_type',
  'scope',
  'expires_in',
];

type Raw = Record<string, unknown>;

function credentialsError(problem: string, hint: string): GatepassError {
  return new GatepassError('INPUT', `input \`credentials\`: ${problem}`, { hint });
}

export function parseCredentials(text: string, provider: Provider): CredentialRequest[] {
  const items = parseYamlList(text);
  const problems: GatepassError[] = [];
  const requests: CredentialRequest[] = [];
  items.forEach((item, index) => {
    try {
      requests.push(parseRequest(item, index, provider));
    } catch (err) {
      if (!(err instanceof GatepassError)) throw err;
      problems.push(err);
    }
  });
  problems.push(...duplicates(requests));
  if (problems.length > 0) throw new ConfigError(problems);
  return requests;
}

/** One line, so it reads the same in a log, a terminal and a YAML file (flow style). */
const EXAMPLE = 'e.g. `[{name: deploy, scope: deploy}]`';

function parseYamlList(text: string): unknown[] {
  if (text.trim() === '') {
    throw inputError(
      'credentials',
      'is required',
      `Set it to a YAML list of credential requests, ${EXAMPLE}`,
    );
  }
  const value = parseYaml(text, {
    subject: 'input `credentials`',
    hint: 'Check the indentation; use `credentials: |` so the list is one multi-line string',
    reason: true,
  });
  if (!Array.isArray(value) || value.length === 0) {
    throw credentialsError(
      'must be a non-empty YAML list (items start with "- ")',
      `One item per credential, ${EXAMPLE}`,
    );
  }
  if (value.length > LIMITS.credentialsCount) {
    throw inputError(
      'credentials',
      `has ${value.length} items, over the limit of ${LIMITS.credentialsCount}`,
      'Split the credentials over several steps',
    );
  }
  value.forEach(checkItemLimits);
  return value;
}

const MAX_DEPTH = 16;

/**
 * Every key and value of one item within its cap and free of control
 * characters, before anything reads them (or quotes them in a message).
 * Vault `data` values may hold line breaks and tabs: a CSR is PEM text.
 */
function checkItemLimits(raw: unknown, index: number): void {
  if (!isRecord(raw)) return; // parseRequest says so
  const name = raw.name;
  const label =
    typeof name === 'string' && NAME.test(name) ? `credential "${name}"` : `item ${index + 1}`;
  checkValueLimits(raw, '', label, false);
}

function checkValueLimits(value: unknown, path: string, label: string, lines: boolean): void {
  const where = path === '' ? label : `${label}: \`${path}\``;
  if (typeof value === 'string') {
    const problem = fieldProblem(value, { lines });
    if (problem !== undefined) throw credentialsError(`${where} ${problem}`, FIELD_HINT);
    return;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return;
  if (path.split(/[.[]/).length > MAX_DEPTH) {
    throw credentialsError(`${where} nests deeper than ${MAX_DEPTH} levels`, FIELD_HINT);
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkValueLimits(item, `${path}[${i}]`, label, lines);
    });
    return;
  }
  if (!isRecord(value) || Object.getPrototypeOf(value) !== Object.prototype) {
    throw credentialsError(
      `${where} is not a string, number, boolean, list or mapping`,
      'Remove YAML tags such as !!binary or !!set',
    );
  }
  for (const [key, item] of Object.entries(value)) {
    const problem = fieldProblem(key, { max: LIMITS.key });
    if (problem !== undefined) throw credentialsError(`${where}: a key ${problem}`, FIELD_HINT);
    const data = lines || (path === '' && key === 'data');
    checkValueLimits(item, path === '' ? key : `${path}.${key}`, label, data);
  }
}

const FIELD_HINT =
  'Each value is one line of text of at most 4 KiB (Vault `data` values may span lines); README § Inputs and outputs lists the limits';

function parseRequest(raw: unknown, index: number, provider: Provider): CredentialRequest {
  if (!isRecord(raw)) {
    throw credentialsError(
      `item ${index + 1} is not a mapping`,
      'Each item needs `name:` and the fields of the provider',
    );
  }
  const name = parseName(raw.name, index);
  const where = `credential "${name}"`;
  checkKeys(raw, provider, where);
  const request: CredentialRequest = {
    name,
    ttlSeconds: parseTtl(raw.ttl, where),
  };
  if (raw.env !== undefined) request.env = parseEnv(raw.env, where, provider);
  else checkDefaultPrefix(name);
  switch (provider) {
    case 'token-exchange':
      request.tokenExchange = parseTokenExchange(raw, where);
      break;
    case 'vault':
      request.vault = parseVault(raw, where);
      break;
    case 'hoop':
      request.hoop = {
        connection: requiredString(
          raw,
          'connection',
          where,
          'Name the hoop connection, e.g. `connection: pg-prod`',
        ),
      };
      break;
  }
  return request;
}

const NAME = /^[a-z0-9_-]{1,64}$/;

/** A value as quoted in a message: at most 64 characters (limits were checked first). */
function short(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}

function parseName(value: unknown, index: number): string {
  if (typeof value !== 'string' || value === '') {
    throw credentialsError(
      `item ${index + 1} has no \`name\``,
      'Give each credential a unique name of a-z, 0-9, _ and -',
    );
  }
  if (!NAME.test(value)) {
    throw credentialsError(
      `item ${index + 1}: name "${short(value)}" is not allowed`,
      'Use 1 to 64 of a-z, 0-9, _ and - (lower case)',
    );
  }
  return value;
}

function checkKeys(raw: Raw, provider: Provider, where: string): void {
  const own = [...COMMON_FIELDS, ...PROVIDER_FIELDS[provider]];
  for (const key of Object.keys(raw)) {
    if (own.includes(key)) continue;
    const other = PROVIDERS.find((p) => PROVIDER_FIELDS[p].includes(key));
    throw credentialsError(
      other === undefined
        ? `${where} has an unknown field \`${key}\``
        : `${where}: \`${key}\` is a field of provider ${other}, but \`provider\` is ${provider}`,
      other === undefined
        ? `Fields for ${provider}: ${own.join(', ')}`
        : `Set \`provider: ${other}\`, or remove \`${key}\``,
    );
  }
}

function parseTtl(value: unknown, where: string): number {
  if (value === undefined) return DEFAULT_TTL_SECONDS;
  const text = typeof value === 'number' ? String(value) : value;
  const hint = 'Use a duration such as 15m or 1h (at most 24h); the gateway may grant less';
  if (typeof text !== 'string') throw credentialsError(`${where}: \`ttl\` is not a duration`, hint);
  let ms: number;
  try {
    ms = parseDurationMs(text, 'ttl');
  } catch {
    throw credentialsError(`${where}: \`ttl\` is "${short(text)}", not a duration`, hint);
  }
  const seconds = ms / 1000;
  if (seconds < 1 || seconds > MAX_TTL_SECONDS) {
    throw credentialsError(`${where}: \`ttl\` ${short(text)} is out of range`, hint);
  }
  return seconds;
}

// Names a child process or the runner gives meaning to: a credential there
// could hijack the script (PATH, LD_PRELOAD, BASH_ENV) or the runner.
const RESERVED_NAMES = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'USER',
  'LOGNAME',
  'PWD',
  'OLDPWD',
  'TMPDIR',
  'IFS',
  'ENV',
  'BASH_ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PROMPT_COMMAND',
  'CDPATH',
  'GLOBIGNORE',
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'PYTHONPATH',
  'PYTHONHOME',
  'PYTHONSTARTUP',
  'PERL5LIB',
  'PERL5OPT',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'GIT_ASKPASS',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'SSH_ASKPASS',
  'CI',
  'COMSPEC',
  'PATHEXT',
  'SYSTEMROOT',
]);
const RESERVED_PREFIXES = [
  'LD_',
  'DYLD_',
  'GITHUB_',
  'RUNNER_',
  'ACTIONS_',
  'INPUT_',
  'STATE_',
  'GATEPASS_',
  'BASH_FUNC_',
  'GIT_CONFIG_',
  'CI_',
];

/** Why `name` cannot hold a credential, or undefined when it can. */
export function envNameProblem(name: string): string | undefined {
  if (!VARIABLE_NAME.test(name))
    return 'is not a valid variable name (letters, digits, _; not starting with a digit)';
  // Windows compares names without case; refuse `Path` as well as `PATH`.
  const upper = name.toUpperCase();
  if (RESERVED_NAMES.has(upper)) return 'is reserved: the shell, the runner or a tool reads it';
  const prefix = RESERVED_PREFIXES.find((p) => upper.startsWith(p));
  if (prefix !== undefined)
    return `is reserved: names starting with ${prefix} belong to the runner or a tool`;
  return undefined;
}

function parseEnv(value: unknown, where: string, provider: Provider): Record<string, string> {
  if (!isRecord(value) || Object.keys(value).length === 0) {
    throw credentialsError(
      `${where}: \`env\` must map variable names to fields`,
      'e.g. `env: { DEPLOY_TOKEN: access_token }`',
    );
  }
  const env: Record<string, string> = {};
  for (const [name, field] of Object.entries(value)) {
    const problem = envNameProblem(name);
    if (problem !== undefined) {
      throw credentialsError(
        `${where}: env name ${name} ${problem}`,
        'Pick another name, e.g. DEPLOY_TOKEN',
      );
    }
    if (typeof field !== 'string' || field === '') {
      throw credentialsError(
        `${where}: env ${name} must name a field of the credential`,
        'e.g. `DEPLOY_TOKEN: access_token`',
      );
    }
    const meant =
      provider === 'token-exchange' ? misspelled(field, TOKEN_EXCHANGE_FIELDS) : undefined;
    if (meant !== undefined) {
      throw credentialsError(
        `${where}: env ${name} names field "${field}"; did you mean "${meant}"?`,
        `Token responses hold ${TOKEN_EXCHANGE_FIELDS.join(', ')}, and whatever members the server adds`,
      );
    }
    env[name] = field;
  }
  return env;
}

/** The standard field `field` is a typo of (1 or 2 edits away, not equal), if any. */
function misspelled(field: string, known: readonly string[]): string | undefined {
  if (known.includes(field)) return undefined;
  return known.find((name) => editDistance(field.toLowerCase(), name) <= 2);
}

/** Levenshtein distance; the names are short. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** Without `env`, fields become `<NAME>_<FIELD>`: the prefix must make valid names. */
export function defaultPrefix(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function checkDefaultPrefix(name: string): void {
  const problem = envNameProblem(`${defaultPrefix(name)}_X`);
  if (problem !== undefined) {
    throw credentialsError(
      `credential "${name}" has no \`env\`, and ${defaultPrefix(name)}_<FIELD> ${problem}`,
      'Add `env:` mapping variable names to fields, or rename the credential',
    );
  }
}

function parseTokenExchange(
  raw: Raw,
  where: string,
): NonNullable<CredentialRequest['tokenExchange']> {
  const out: NonNullable<CredentialRequest['tokenExchange']> = {};
  const scope = optionalString(raw, 'scope', where);
  if (scope !== undefined) out.scope = scope;
  const audience = stringOrList(raw, 'audience', where);
  if (audience !== undefined) out.audience = audience;
  const resource = stringOrList(raw, 'resource', where);
  if (resource !== undefined) {
    for (const r of Array.isArray(resource) ? resource : [resource]) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(r)) {
        throw credentialsError(
          `${where}: \`resource\` "${short(r)}" is not an absolute URI`,
          'RFC 8707 resources are absolute URIs, e.g. https://api.example.com',
        );
      }
    }
    out.resource = resource;
  }
  const type = optionalString(raw, 'requested-token-type', where);
  if (type !== undefined) out.requestedTokenType = type;
  return out;
}

function parseVault(raw: Raw, where: string): NonNullable<CredentialRequest['vault']> {
  const path = requiredString(
    raw,
    'path',
    where,
    'Name the secret path, e.g. `path: database/creds/migrator`',
  ).replace(/^\/+/, '');
  if (path.startsWith('v1/') || path.includes('..')) {
    throw credentialsError(
      `${where}: \`path\` "${short(path)}" must be relative to /v1/ without ..`,
      'e.g. `path: database/creds/migrator` or `path: secret/data/app`',
    );
  }
  const method = optionalString(raw, 'method', where)?.toUpperCase();
  if (method !== undefined && method !== 'GET' && method !== 'POST') {
    throw credentialsError(
      `${where}: \`method\` is "${method}"`,
      'Use GET (read) or POST (write, e.g. pki/issue)',
    );
  }
  const out: NonNullable<CredentialRequest['vault']> = { path };
  if (method !== undefined) out.method = method;
  if (raw.data !== undefined) {
    if (!isRecord(raw.data))
      throw credentialsError(
        `${where}: \`data\` must be a mapping`,
        'e.g. `data: { common_name: app.example.com }`',
      );
    if (method !== 'POST')
      throw credentialsError(
        `${where}: \`data\` needs \`method: POST\``,
        'Add `method: POST`, or remove `data`',
      );
    out.data = raw.data as Record<string, JsonValue>;
  }
  return out;
}

function requiredString(raw: Raw, key: string, where: string, hint: string): string {
  const value = optionalString(raw, key, where);
  if (value === undefined || value === '')
    throw credentialsError(`${where} needs \`${key}\``, hint);
  return value;
}

function optionalString(raw: Raw, key: string, where: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw credentialsError(`${where}: \`${key}\` must be a string`, `Quote it: ${key}: "..."`);
  return value;
}

function stringOrList(raw: Raw, key: string, where: string): string | string[] | undefined {
  const value = raw[key];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== ''))
    return value as string[];
  return optionalString(raw, key, where);
}

function duplicates(requests: CredentialRequest[]): GatepassError[] {
  const problems: GatepassError[] = [];
  const names = new Set<string>();
  const variables = new Map<string, string>();
  for (const request of requests) {
    if (names.has(request.name)) {
      problems.push(
        credentialsError(
          `name "${request.name}" is used twice`,
          'Give each credential a unique name',
        ),
      );
    }
    names.add(request.name);
    for (const variable of Object.keys(request.env ?? {})) {
      const owner = variables.get(variable.toUpperCase());
      if (owner !== undefined) {
        problems.push(
          credentialsError(
            `env ${variable} is set by both "${owner}" and "${request.name}"`,
            'Give each variable one source',
          ),
        );
      }
      variables.set(variable.toUpperCase(), request.name);
    }
  }
  return problems;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
