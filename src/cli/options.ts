/** Command-line option parsing shared by the `gatepass` commands. */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { GatepassError } from '../common/errors.js';
import { closest } from '../common/suggest.js';

export function didYouMean(word: string, known: Iterable<string>, prefix = ''): string {
  const near = closest(word, known);
  return near === undefined ? '' : ` (did you mean ${prefix}${near}?)`;
}

/** `parseArgs` with its errors turned into one-line usage errors that suggest the closest option. */
export function parseOptions<T extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: T,
) {
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
