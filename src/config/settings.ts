/**
 * The CLI's inputs: the action's vocabulary from three places, the first
 * that sets a name wins: a flag (`--gateway URL`), an environment variable
 * (`GATEPASS_GATEWAY`), a key of the `--config` file (`gateway: URL`).
 * Pure: it turns them into the same `getInput` the action's inputs give
 * config.ts, so every rule of the action applies to the CLI unchanged.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { stringify } from 'yaml';
import { GatepassError, errorCodeOf } from '../common/errors.js';
import { INPUT_NAMES, SECRET_INPUTS, type GetInput } from './config.js';
import { LIMITS, byteLength, formatBytes, parseYaml } from './limits.js';

export type InputName = (typeof INPUT_NAMES)[number];

export interface SettingSources {
  /** From the command line, by input name. */
  flags: Readonly<Partial<Record<string, string>>>;
  env: Readonly<Record<string, string | undefined>>;
  /** The config file's parsed values (see {@link parseConfigFile}). */
  file: Readonly<Partial<Record<string, string>>>;
}

/** `client-secret` -> `GATEPASS_CLIENT_SECRET`. */
export function envName(input: string): string {
  return `GATEPASS_${input.replace(/-/g, '_').toUpperCase()}`;
}

/**
 * An empty value counts as unset, as an empty action input does: a CI
 * template that sets `GATEPASS_AUDIENCE: ""` must not hide the file's value.
 */
export function settingsInput(sources: SettingSources): GetInput {
  return (name) =>
    [sources.flags[name], sources.env[envName(name)], sources.file[name]].find(
      (value) => value !== undefined && value.trim() !== '',
    ) ?? '';
}

const KNOWN: ReadonlySet<string> = new Set(INPUT_NAMES);
const SECRETS: ReadonlySet<string> = new Set(SECRET_INPUTS);

/**
 * A `gatepass.yml`: a mapping of input names to values. `credentials` may be
 * a YAML list (it is passed on as YAML), `approvers` a list; every other
 * value is a scalar. Secret inputs are refused: files get committed.
 */
export function parseConfigFile(text: string, path: string): Record<string, string> {
  checkFileSize(byteLength(text), path);
  // The parser's message can quote the file, which may hold anything: only the position.
  const data = parseYaml(text, {
    subject: `--config ${path}`,
    hint: 'Fix the YAML: a mapping of input names to values',
    lineOnly: true,
  });
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw fileError(
      path,
      'must be a mapping of input names to values',
      'See `gatepass run --help`',
    );
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    values[key] = fileValue(key, value, path);
  }
  return values;
}

function fileValue(key: string, value: unknown, path: string): string {
  if (!KNOWN.has(key)) {
    throw fileError(
      path,
      `has an unknown key \`${key}\``,
      'Use the action input names, e.g. `gateway`, `credentials`',
    );
  }
  if (SECRETS.has(key)) {
    throw fileError(
      path,
      `must not hold \`${key}\`, a secret`,
      `Set ${envName(key)} in the environment (a masked CI/CD variable) instead`,
    );
  }
  if (key === 'credentials' && typeof value === 'object' && value !== null) return stringify(value);
  if (key === 'approvers' && Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw fileError(path, `key \`${key}\` must be a single value`, 'Use a string, number or boolean');
}

function fileError(path: string, problem: string, hint: string): GatepassError {
  return new GatepassError('INPUT', `--config ${path} ${problem}`, { hint });
}

/**
 * Reads a `--config` file, refusing one over {@link LIMITS.configFile} by
 * its size before reading it (a FIFO or device is refused too: it has none).
 */
export async function readConfigFile(path: string): Promise<string> {
  let handle: FileHandle;
  try {
    // Non-blocking: opening a FIFO must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw fileError(
      path,
      `cannot be read (${errorCodeOf(err)})`,
      'Pass the path of a readable YAML file',
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw fileError(path, 'is not a regular file', 'Pass the path of a YAML file');
    }
    checkFileSize(info.size, path);
    return await readAtMost(handle, path);
  } finally {
    await handle.close();
  }
}

/** The file's text, read in bounded pieces: it may have grown since the stat. */
async function readAtMost(handle: FileHandle, path: string): Promise<string> {
  const buffer = Buffer.alloc(LIMITS.configFile + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length > LIMITS.configFile) checkFileSize(length, path);
  }
  return buffer.subarray(0, length).toString('utf8');
}

function checkFileSize(bytes: number, path: string): void {
  if (bytes <= LIMITS.configFile) return;
  throw fileError(
    path,
    `is ${formatBytes(bytes)}, over the limit of ${formatBytes(LIMITS.configFile)}`,
    'A config file holds inputs only; keep scripts in files of their own',
  );
}
