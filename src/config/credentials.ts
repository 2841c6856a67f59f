/**
 * The `credentials` input: a YAML list of requests, each checked for size and
 * control characters before anything reads it, then its common fields
 * (`name`, `ttl`, `env`) here and the rest by the chosen provider
 * (providers/). Every problem is collected, one line per item.
 */
import { GatepassError } from '../common/errors.js';
import { editDistance } from '../common/suggest.js';
import { LIMITS, fieldProblem, parseYaml } from './limits.js';
import {
  ConfigError,
  credentialsError,
  inputError,
  isRecord,
  parseDurationMs,
  short,
  VARIABLE_NAME,
  type Raw,
} from './parse.js';
import { PROVIDERS, PROVIDER_CONFIGS, type Provider } from './providers/index.js';
import type { CredentialRequest } from './request.js';
import {
  DATA_PATH_FIELDS,
  ENDPOINT_FIELDS,
  parseDataPath,
  type DataPathRequest,
} from './data-path.js';

const DEFAULT_TTL_SECONDS = 15 * 60;
const MAX_TTL_SECONDS = 24 * 3600;

const COMMON_FIELDS = ['name', 'ttl', 'env', ...DATA_PATH_FIELDS];
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
  const dataPath = parseDataPath(
    raw,
    where,
    provider === 'token-exchange' ? 'access_token' : undefined,
  );
  if (dataPath !== undefined) request.dataPath = dataPath;
  if (raw.env !== undefined) request.env = parseEnv(raw.env, where, provider, dataPath);
  else checkDefaultPrefix(name);
  Object.assign(request, PROVIDER_CONFIGS[provider].parseRequest(raw, where));
  return request;
}

const NAME = /^[a-z0-9_-]{1,64}$/;

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
  const own = [...COMMON_FIELDS, ...PROVIDER_CONFIGS[provider].fields];
  for (const key of Object.keys(raw)) {
    if (own.includes(key)) continue;
    const other = PROVIDERS.find((p) => PROVIDER_CONFIGS[p].fields.includes(key));
    if (other === undefined && (PROVIDERS as readonly string[]).includes(key)) {
      throw credentialsError(
        `${where} has an unknown field \`${key}\``,
        `Put the provider's fields directly in the item, not under \`${key}:\` (e.g. \`scope: deploy\`); fields for ${provider}: ${own.join(', ')}`,
      );
    }
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

function parseEnv(
  value: unknown,
  where: string,
  provider: Provider,
  dataPath: DataPathRequest | undefined,
): Record<string, string> {
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
    if (dataPath !== undefined) {
      checkEndpointField(field, `${where}: env ${name}`, dataPath);
      env[name] = field;
      continue;
    }
    const known = PROVIDER_CONFIGS[provider].credentialFields;
    const meant = misspelled(field, known);
    if (meant !== undefined) {
      throw credentialsError(
        `${where}: env ${name} names field "${field}"; did you mean "${meant}"?`,
        `Token responses hold ${known.join(', ')}, and whatever members the server adds`,
      );
    }
    env[name] = field;
  }
  return env;
}

/** With `proxy:`, `env` names the endpoint's fields: the job never gets the credential's. */
function checkEndpointField(field: string, where: string, dataPath: DataPathRequest): void {
  const fields = ENDPOINT_FIELDS[dataPath.kind];
  if (fields.includes(field)) return;
  const meant = fields.find((f) => editDistance(field.toLowerCase(), f) <= 2);
  throw credentialsError(
    `${where} names "${field}"${meant === undefined ? '' : `; did you mean "${meant}"?`}`,
    `With \`proxy: ${dataPath.kind}\`, env names fields of the loopback endpoint: ${fields.join(', ')}`,
  );
}

/** The standard field `field` is a typo of (1 or 2 edits away, not equal), if any. */
function misspelled(field: string, known: readonly string[]): string | undefined {
  if (known.includes(field)) return undefined;
  return known.find((name) => editDistance(field.toLowerCase(), name) <= 2);
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
