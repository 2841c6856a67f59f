/**
 * The `gatepass` command line. `run()` takes its arguments and streams as
 * parameters and returns the exit code, so tests drive it like the binary.
 * gatepass's own failures exit 125 with one line on stderr (cli/io.ts).
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { GatepassError, describeError, errorCodeOf } from '../common/errors.js';
import { EXIT_FAILURE, type CliIo } from './io.js';
import { runCommand } from './run.js';
import { detectPlatform, stateDir } from '../platform/detect.js';
import { preparePrivateDir, stateFileHost } from '../platform/local.js';
import { revokeSaved } from '../flow/post.js';
import { failedRevocations } from '../flow/revocation.js';
import { closest } from '../common/suggest.js';
import { VERSION } from '../common/version.js';

const USAGE = `Usage: gatepass <command> [options]

Commands:
  run       Get credentials, run a command with them and its output masked,
            then revoke them:  gatepass run [options] -- <command> [args...]
            (gatepass run --help lists the options)

  mask      Copy stdin to stdout, masking secrets and well-known token formats
              --secrets-file FILE   JSON array of strings to mask
              --no-detectors        mask only the given secrets
            (secrets also come from GATEPASS_MASK_SECRETS, the same JSON)

  revoke    Revoke the credentials a crashed or killed run left behind
              --state FILE          the state gatepass saved when it issued them
                                    (default: every state file in the job's
                                    temp dir, as an after_script wants)
            (secret settings from GATEPASS_CLIENT_SECRET, GATEPASS_HOOP_API_KEY);
            exits 125 if any credential could not be revoked

Options:
  --help      Show this help
  --version   Show the version
`;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'run':
        return await runCommand(rest, io);
      case 'mask':
        return await mask(rest, io);
      case 'revoke':
        return await revoke(rest, io);
      case '--version':
      case 'version':
        io.stdout.write(`${VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(USAGE);
        return 0;
      default:
        throw new GatepassError(
          'INPUT',
          `unknown command "${command}"${didYouMean(command, COMMANDS)}`,
          {
            hint: 'Run "gatepass --help" for the commands',
          },
        );
    }
  } catch (err) {
    io.stderr.write(`gatepass: ${describeError(err)}\n`);
    return EXIT_FAILURE;
  }
}

async function mask(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, {
    'secrets-file': { type: 'string' },
    'no-detectors': { type: 'boolean', default: false },
  });
  const secrets = [
    ...(values['secrets-file'] === undefined ? [] : await secretsFromFile(values['secrets-file'])),
    ...secretsFromEnv(io.env.GATEPASS_MASK_SECRETS),
  ];
  const detectors = !values['no-detectors'];
  if (secrets.length === 0 && !detectors) {
    throw new GatepassError('INPUT', 'nothing to mask', {
      hint: 'Pass --secrets-file FILE or set GATEPASS_MASK_SECRETS, or drop --no-detectors',
    });
  }
  // Loaded here: `gatepass run` loads the masking engine only once its command runs.
  const { createMasker } = await import('../masking/masker.js');
  const masker = createMasker({
    secrets,
    detectors,
    onWarning: (message) => io.stderr.write(`gatepass: warning: ${message}\n`),
  });
  await pipeline(io.stdin, masker.stream(), io.stdout).catch(ignoreClosedOutput);
  return 0;
}

/**
 * Revokes every state file's credentials at the same time (each file under its
 * own `revoke-timeout`, all running in parallel); exits 125 when any could not
 * be revoked, so the operator sees it and can retry.
 */
async function revoke(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, { state: { type: 'string' } });
  const files = values.state === undefined ? await stateFiles(io) : [resolve(io.cwd, values.state)];
  const outcomes = await Promise.all(files.map((file) => revokeFile(file, io)));
  return outcomes.includes('failed') ? EXIT_FAILURE : 0;
}

async function revokeFile(file: string, io: CliIo): Promise<'done' | 'failed'> {
  const host = await stateFileHost(file, io);
  if (host === undefined) {
    // A job that issued nothing, or whose run already revoked, leaves no state: not an error.
    io.stderr.write(`gatepass: nothing to revoke: ${file} does not exist\n`);
    return 'done';
  }
  const results = await revokeSaved({
    host,
    secrets: {
      clientSecret: io.env.GATEPASS_CLIENT_SECRET?.trim() ?? '',
      hoopApiKey: io.env.GATEPASS_HOOP_API_KEY?.trim() ?? '',
    },
  });
  if (failedRevocations(results ?? []).length > 0) {
    io.stderr.write(`gatepass: ${file} is kept: run \`gatepass revoke --state ${file}\` again\n`);
    return 'failed';
  }
  // Done with: an after_script, or a second revoke, must not try again.
  await rm(file, { force: true });
  return 'done';
}

/** The state files `gatepass run` left in this job's state directory. */
async function stateFiles(io: CliIo): Promise<string[]> {
  const dir = stateDir(detectPlatform(io.env), io.env);
  const names = await readdir(dir).catch(() => [] as string[]);
  if (names.length > 0) preparePrivateDir(dir);
  const files = names.filter((n) => /^state-.*\.json$/.test(n)).map((n) => join(dir, n));
  if (files.length === 0)
    io.stderr.write(`gatepass: nothing to revoke (no state files in ${dir})\n`);
  return files;
}

const COMMANDS = ['run', 'mask', 'revoke', 'version', 'help'];

function didYouMean(word: string, known: Iterable<string>, prefix = ''): string {
  const near = closest(word, known);
  return near === undefined ? '' : ` (did you mean ${prefix}${near}?)`;
}

/** `parseArgs` with its errors turned into one-line usage errors that suggest the closest option. */
function parseOptions<T extends ParseArgsOptionsConfig>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const reason =
      err instanceof Error ? (err.message.split('.')[0] ?? err.message) : 'bad options';
    const unknown = /^Unknown option '--?([^']+)'/.exec(reason)?.[1];
    const hint = unknown === undefined ? '' : didYouMean(unknown, Object.keys(options), '--');
    throw new GatepassError('INPUT', `${reason}${hint}`, {
      hint: 'Run "gatepass --help" for the options',
    });
  }
}

/** `gatepass mask | head` closing the pipe early is not a failure. */
function ignoreClosedOutput(err: unknown): void {
  if (err instanceof Error && 'code' in err && err.code === 'EPIPE') return;
  throw err;
}

async function secretsFromFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GatepassError('INPUT', `cannot read --secrets-file ${path} (${errorCodeOf(err)})`, {
      hint: 'Pass the path of a readable file holding a JSON array of strings',
    });
  }
  return parseSecrets(text, `--secrets-file ${path}`);
}

function secretsFromEnv(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  return parseSecrets(value, 'GATEPASS_MASK_SECRETS');
}

/** Parses a JSON array of strings. Errors name the source, never its content. */
function parseSecrets(text: string, source: string): string[] {
  const hint = 'It must hold a JSON array of strings, like ["first secret", "second"]';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's own message quotes the input; it must not reach a log.
    throw new GatepassError('INPUT', `${source} is not valid JSON`, { hint });
  }
  if (!Array.isArray(parsed)) {
    throw new GatepassError('INPUT', `${source} holds a JSON ${jsonKind(parsed)}, not an array`, {
      hint,
    });
  }
  return parsed.map((item: unknown, index) => {
    if (typeof item !== 'string') {
      throw new GatepassError(
        'INPUT',
        `${source}: item ${index} is a ${jsonKind(item)}, not a string`,
        { hint },
      );
    }
    return item;
  });
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}
