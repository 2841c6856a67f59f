/**
 * The action's post step (`post-if: always()`): revoke every credential main
 * saved, each once, whatever way main ended. It never fails the job: a
 * revocation that fails is a warning (the credential still expires), and a
 * run that saved nothing says so and exits 0.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { renderRevocations, type AuditRecord, type RevocationRecord } from './audit.js';
import { describeError } from './errors.js';
import type { Gateway, RevocationHandle } from './gateways/gateway.js';
import { createGateway } from './gateways/index.js';
import { STATE_KEY, parseState, type SavedState } from './state.js';
import type { ActionHost } from './platform/host.js';

/** What revoking needs from its host: the action's post step, or `gatepass revoke`. */
export type PostHost = Pick<
  ActionHost,
  'getState' | 'getInput' | 'setSecret' | 'appendSummary' | 'log'
>;

export interface PostRuntime {
  host: PostHost;
  createGateway?: typeof createGateway;
}

export async function run(runtime: PostRuntime): Promise<number> {
  try {
    await revokeSaved(runtime);
  } catch (err) {
    runtime.host.log.warning(`gatepass post: ${describeError(err)}`);
  }
  return 0;
}

/**
 * Revokes what the state holds and reports it; the results, or undefined when
 * there was nothing usable to revoke.
 */
export async function revokeSaved(runtime: PostRuntime): Promise<RevocationRecord[] | undefined> {
  const saved = readState(runtime.host);
  if (saved === undefined) return undefined;
  const results = await revokeAll(saved, runtime);
  await report(runtime.host, saved, results);
  return results;
}

function readState(host: PostHost): SavedState | undefined {
  const raw = host.getState(STATE_KEY);
  if (raw === '') {
    host.log.info('gatepass: nothing to revoke (the main step issued no credentials)');
    return undefined;
  }
  const saved = parseState(raw);
  if (typeof saved === 'string') {
    host.log.warning(`gatepass: ${saved}; nothing was revoked`);
    return undefined;
  }
  return saved;
}

async function revokeAll(saved: SavedState, runtime: PostRuntime): Promise<RevocationRecord[]> {
  const { host } = runtime;
  if (!saved.revoke) {
    host.log.info('gatepass: `revoke: false`: the credentials stay valid until they expire');
    return saved.credentials.map((c) =>
      skipped(c.name, `revoke: false; expires ${c.expiresAt ?? 'unknown'}`),
    );
  }
  const seen = new Set<string>();
  const pending: Array<{ name: string; handle: RevocationHandle }> = [];
  const results: RevocationRecord[] = [];
  for (const { name, handle, expiresAt } of saved.credentials) {
    if (handle === undefined) {
      results.push(
        skipped(name, `the gateway offers no revocation; expires ${expiresAt ?? 'unknown'}`),
      );
      continue;
    }
    const key = JSON.stringify(handle);
    if (seen.has(key)) continue;
    seen.add(key);
    pending.push({ name, handle });
  }
  if (pending.length === 0) return results;
  const gateway = await (runtime.createGateway ?? createGateway)(
    {
      ...saved.settings,
      clientSecret: host.getInput('client-secret').trim() || undefined,
      hoopApiKey: host.getInput('hoop-api-key').trim() || undefined,
    },
    {
      registerSecret: (value) => {
        host.setSecret(value);
      },
      logger: host.log,
    },
  );
  for (const { name, handle } of pending) {
    results.push(await revokeOne(gateway, name, handle, saved.settings.timeoutMs, host));
  }
  return results;
}

async function revokeOne(
  gateway: Gateway,
  name: string,
  handle: RevocationHandle,
  timeoutMs: number,
  host: PostHost,
): Promise<RevocationRecord> {
  const at = (): string => new Date().toISOString();
  try {
    await gateway.revoke(handle, AbortSignal.timeout(timeoutMs));
    host.log.info(`gatepass: "${name}" revoked`);
    return { name, result: 'revoked', at: at() };
  } catch (err) {
    const detail = describeError(err);
    host.log.warning(`gatepass: "${name}" was not revoked: ${detail}`);
    return { name, result: 'failed', detail, at: at() };
  }
}

function skipped(name: string, detail: string): RevocationRecord {
  return { name, result: 'skipped', detail, at: new Date().toISOString() };
}

/** Appends to the job summary and the audit file; neither may fail the step. */
async function report(
  host: PostHost,
  saved: SavedState,
  results: RevocationRecord[],
): Promise<void> {
  if (results.length === 0) return;
  try {
    await host.appendSummary(renderRevocations(results));
  } catch (err) {
    host.log.warning(`gatepass: could not write the job summary: ${describeError(err)}`);
  }
  try {
    const record = JSON.parse(await readFile(saved.auditFile, 'utf8')) as AuditRecord;
    record.revocations = results;
    await writeFile(saved.auditFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  } catch (err) {
    host.log.debug(`the audit file was not updated: ${describeError(err)}`);
  }
}
