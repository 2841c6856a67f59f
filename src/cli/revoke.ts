/**
 * `gatepass revoke`: revokes what a crashed or killed `gatepass run` left in
 * its state files.
 */
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXIT_FAILURE, type CliIo } from './io.js';
import { describeError } from '../common/errors.js';
import { parseOptions } from './options.js';
import { revokeSaved } from '../flow/post.js';
import type { RevocationRecord } from '../audit/record.js';
import { failedRevocations } from '../flow/revocation.js';
import { detectPlatform, stateDir } from '../platform/detect.js';
import { preparePrivateDir, stateFileHost } from '../platform/local.js';
import { envName } from '../config/settings.js';

/**
 * Revokes every state file's credentials at the same time (each file under its
 * own `revoke-timeout`, all running in parallel); exits 125 when any could not
 * be revoked, or a state file could not be read (it is kept), so the operator
 * sees it and can retry.
 */
export async function revoke(args: readonly string[], io: CliIo): Promise<number> {
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
  let results: RevocationRecord[] | undefined;
  try {
    results = await revokeSaved({
      host,
      // Read again as `gatepass run` read them: GATEPASS_CLIENT_SECRET, GATEPASS_HOOP_API_KEY.
      secret: (input) => io.env[envName(input)]?.trim() ?? '',
    });
  } catch (err) {
    // A state this gatepass cannot read: kept, and the other files still revoked.
    io.stderr.write(`gatepass: ${describeError(err)}\n`);
    return 'failed';
  }
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
