/**
 * The `gatepass` command line. `run()` takes its arguments and streams as
 * parameters and returns the exit code, so tests drive it like the binary.
 * gatepass's own failures exit 125 with one line on stderr (cli/io.ts).
 */
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { GatepassError, describeError, errorCodeOf } from '../common/errors.js';
import { collectAsStreamed } from '../common/memory.js';
import { EXIT_FAILURE, type CliIo } from './io.js';
import { createMasker } from '../masking/masker.js';
import { didYouMean, parseOptions } from './options.js';
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
      // `run` and `revoke` load the gateway clients and the job flow: only
      // when asked for, so `gatepass mask` starts without them.
      case 'run':
        return await (await import('./run.js')).runCommand(rest, io);
      case 'mask':
        return await mask(rest, io);
      case 'revoke':
        return await (await import('./revoke.js')).revoke(rest, io);
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
  const masker = createMasker({
    secrets,
    detectors,
    onWarning: (message) => io.stderr.write(`gatepass: warning: ${message}\n`),
  });
  collectAsStreamed(io.stdin);
  await pipeline(io.stdin, masker.stream(), io.stdout).catch(ignoreClosedOutput);
  return 0;
}

const COMMANDS = ['run', 'mask', 'revoke', 'version', 'help'];

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
