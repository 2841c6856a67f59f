/**
 * The GitLab CI ID token. GitLab puts it in the variable the job's
 * `id_tokens:` keyword names (gatepass reads `GATEPASS_ID_TOKEN` unless
 * `id-token-variable` says otherwise). It is minted when the job starts and
 * cannot be renewed from inside the job.
 */
import { GatepassError } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { fixedSource, type IdentitySource, type RegisterSecret } from './source.js';
import { parseIdentityToken } from './token.js';

export const DEFAULT_ID_TOKEN_VARIABLE = 'GATEPASS_ID_TOKEN';

export interface GitlabIdentityOptions {
  /** The variable `id_tokens:` fills. */
  variable?: string;
  /** The audience the gateway expects; used in hints and to warn about a mismatch. */
  audience?: string;
  registerSecret: RegisterSecret;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  now?: () => number;
}

export function gitlabIdentity(options: GitlabIdentityOptions): IdentitySource {
  const variable = options.variable ?? DEFAULT_ID_TOKEN_VARIABLE;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new GatepassError('INPUT', `id-token-variable "${variable}" is not a variable name`, {
      hint: 'Use letters, digits and underscores, e.g. GATEPASS_ID_TOKEN',
    });
  }
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const hint = `Add to the job: \`id_tokens: { ${variable}: { aud: "${options.audience ?? '<gateway URL>'}" } }\` (https://docs.gitlab.com/ci/yaml/#id_tokens)`;
  return fixedSource({
    platform: 'gitlab',
    origin: variable,
    expiredHint:
      'GitLab mints it when the job starts and it cannot be renewed from inside the job; retry the job',
    logger,
    now: options.now ?? (() => Date.now()),
    load: () => {
      const raw = env[variable] ?? '';
      if (raw.trim() === '') {
        throw new GatepassError('IDENTITY', `GitLab gave this job no ID token in ${variable}`, {
          hint,
        });
      }
      // Whatever it holds, it is meant to be secret.
      options.registerSecret(raw.trim());
      const token = parseIdentityToken(raw, 'gitlab', variable, hint);
      warnOnAudience(token.claims.aud, options.audience, variable, logger);
      return Promise.resolve(token);
    },
  });
}

function warnOnAudience(
  aud: string | string[] | undefined,
  expected: string | undefined,
  variable: string,
  logger: Logger,
): void {
  if (expected === undefined || aud === undefined) return;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (audiences.includes(expected)) return;
  logger.warning(
    `the ID token in ${variable} is for audience ${audiences.join(', ')}, not ${expected}; set \`aud: "${expected}"\` under \`id_tokens: ${variable}:\` if the gateway refuses it`,
  );
}
