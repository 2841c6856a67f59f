/**
 * The plain-terminal host for `gatepass revoke --state FILE`: the saved state
 * comes from a file (what the action's main step, or `gatepass run`, wrote),
 * secret settings from `GATEPASS_<NAME>` variables, and messages go to stderr.
 * There is no job summary here; the audit file is still updated.
 */
import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { GatepassError } from '../errors.js';
import type { PostHost } from '../post.js';
import { STATE_KEY } from '../state.js';

export interface TerminalIo {
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export async function stateFileHost(path: string, io: TerminalIo): Promise<PostHost> {
  let state: string;
  try {
    state = await readFile(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
    throw new GatepassError('INPUT', `cannot read --state ${path} (${reason})`, {
      hint: 'Pass the state file gatepass wrote when it issued the credentials',
    });
  }
  const say = (message: string): void => {
    io.stderr.write(`${message}\n`);
  };
  return {
    getState: (name) => (name === STATE_KEY ? state.trim() : ''),
    // client-secret -> GATEPASS_CLIENT_SECRET, hoop-api-key -> GATEPASS_HOOP_API_KEY
    getInput: (name) => io.env[`GATEPASS_${name.replace(/-/g, '_').toUpperCase()}`] ?? '',
    // Nothing here prints a secret, and a terminal has no log masking to tell.
    setSecret: () => undefined,
    appendSummary: () => Promise.resolve(),
    log: { debug: () => undefined, info: say, warning: say, error: say },
  };
}
