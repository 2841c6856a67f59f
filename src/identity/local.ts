/**
 * An ID token handed in by hand, for local runs and CI systems gatepass does
 * not know: the `GATEPASS_ID_TOKEN` variable or a file (`--id-token-file`).
 */
import { readFile } from 'node:fs/promises';
import { GatepassError } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { fixedSource, type IdentitySource, type RegisterSecret } from './source.js';
import { parseIdentityToken } from './token.js';

export interface LocalIdentityOptions {
  /** Read the token from this file instead of the environment. */
  file?: string;
  registerSecret: RegisterSecret;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  now?: () => number;
}

const VARIABLE = 'GATEPASS_ID_TOKEN';

export function localIdentity(options: LocalIdentityOptions): IdentitySource {
  const env = options.env ?? process.env;
  const origin = options.file === undefined ? VARIABLE : `--id-token-file ${options.file}`;
  return fixedSource({
    platform: 'local',
    origin,
    expiredHint: 'Get a new ID token from your identity provider and pass it again',
    logger: options.logger ?? silentLogger,
    now: options.now ?? (() => Date.now()),
    load: async () => {
      const raw =
        options.file === undefined ? (env[VARIABLE] ?? '') : await readToken(options.file);
      if (raw.trim() === '') {
        throw new GatepassError('IDENTITY', `no ID token: ${origin} is empty or not set`, {
          hint: `Set ${VARIABLE} or pass --id-token-file; for local development the reference gateway mints one (https://github.com/gatepass/gatepass/tree/main/examples/gateway)`,
        });
      }
      options.registerSecret(raw.trim());
      return parseIdentityToken(raw, 'local', origin);
    },
  });
}

async function readToken(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    throw new GatepassError(
      'INPUT',
      `cannot read --id-token-file ${file}${typeof code === 'string' ? ` (${code})` : ''}`,
      { hint: 'Pass the path of a file that holds the ID token', cause },
    );
  }
}
