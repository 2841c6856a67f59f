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
import { parseCredentials } from './credentials.js';
import { DEFAULT_REVOKE_TIMEOUT_MS } from './defaults.js';
import { inputLimitProblems } from './limits.js';
import {
  ConfigError,
  inputError,
  parseDurationMs,
  parseUrl,
  short,
  VARIABLE_NAME,
  type GetInput,
} from './parse.js';
import {
  PROVIDERS,
  PROVIDER_CONFIGS,
  providerConfig,
  type Provider,
  type ProviderInputs,
  type ProviderSettings,
} from './providers/index.js';
import type { CredentialRequest } from './request.js';

export { ConfigError, parseDurationMs, type GetInput } from './parse.js';
export { defaultPrefix, envNameProblem } from './credentials.js';
export {
  PROVIDERS,
  SECRET_INPUTS,
  providerWithSecrets,
  providerWithoutSecrets,
  type Provider,
  type ProviderSettings,
  type SecretInput,
} from './providers/index.js';

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
  /** `provider` and that provider's own inputs (providers/). */
  provider: ProviderSettings;
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
  idTokenVariable: string;
  /** `ca-certificate`: PEM certificates to trust besides Node's (and NODE_EXTRA_CA_CERTS). */
  caCertificate: string | undefined;
}

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
  'client-auth',
  'subject-token-type',
  'subject-issuer',
  'token-endpoint',
  'revocation-endpoint',
  'ttl-parameter',
  'vault-role',
  'vault-auth-path',
  'vault-namespace',
  'hoop-api-key',
  'hoop-token-exchange-url',
  'hoop-token-audience',
  'hoop-token-scope',
  'hoop-host',
  'id-token-variable',
  'ca-certificate',
] as const;

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
  const provider = providerConfig(config.provider.name).secrets(config.provider);
  return [...provider, config.githubToken, config.gitlabToken].filter(
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
  const parsedProvider = check<Provider | undefined>(
    () => oneOf(input('provider') || 'token-exchange', PROVIDERS, 'provider'),
    undefined,
  );
  const name = parsedProvider ?? 'token-exchange';
  const provider = check<ProviderSettings | undefined>(
    () => parseProvider(name, { input, gateway }),
    undefined,
  );
  const audience = input('audience') || gateway;
  // Fields depend on the provider: with an unknown one, checking them only adds noise.
  const credentials =
    parsedProvider === undefined
      ? []
      : check(() => parseCredentials(getInput('credentials'), name), []);
  const runScript = getInput('run');
  const config: RunConfig = {
    gateway,
    // Only read when there was no problem: then the provider parsed.
    provider: provider ?? PROVIDER_CONFIGS['token-exchange'].parseSettings({ input, gateway }),
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
    approvalChecks(config, platform);
  }, undefined);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The chosen provider's own inputs, after a check that no other provider's
 * are set: `vault-role` with the default provider is a forgotten
 * `provider: vault`, not something to ignore.
 */
function parseProvider(name: Provider, read: ProviderInputs): ProviderSettings {
  for (const other of PROVIDERS) {
    if (other === name) continue;
    const stray = PROVIDER_CONFIGS[other].ownInputs.find((input) => read.input(input) !== '');
    if (stray !== undefined) {
      throw inputError(
        stray,
        `is only for \`provider: ${other}\``,
        `Remove it, or set \`provider: ${other}\``,
      );
    }
  }
  return PROVIDER_CONFIGS[name].parseSettings(read);
}

function crossChecks(config: RunConfig): void {
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

function parseVariableName(value: string): string {
  if (VARIABLE_NAME.test(value)) return value;
  throw inputError(
    'id-token-variable',
    `is "${short(value)}", not a variable name`,
    'Use letters, digits and underscores, e.g. GATEPASS_ID_TOKEN',
  );
}
