/**
 * The action's post step (`post-if: always()`): the safety net. It revokes
 * what main left in its state: everything when `export: env` handed the
 * credentials to later steps, else only what main could not revoke at the
 * step's end (killed, or its revocation failed); and it reports requests main
 * sent but never heard back from. A credential that cannot be revoked fails
 * the step, as it fails main: it outlives the job, and someone must act.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { renderRevocations, type AuditRecord, type RevocationRecord } from '../audit/record.js';
import { renderRevocationsText } from '../audit/text.js';
import { GatepassError, describeError } from '../common/errors.js';
import { createGateway } from '../gateways/index.js';
import { revocationSecrets } from '../gateways/gateway.js';
import { scrub } from '../gateways/text.js';
import { failedRevocations, reportUnconfirmed, revokeCredentials } from './revocation.js';
import { providerWithSecrets, type SecretInput } from '../config/config.js';
import { DEFAULT_REVOKE_TIMEOUT_MS } from '../config/defaults.js';
import { parseState, type SavedState } from './state.js';
import { scrubbedLog, type PostHost } from './host.js';

export type { PostHost } from './host.js';

export interface PostRuntime {
  host: PostHost;
  /** The secret inputs, which the state never holds: the entry reads them again ('' if unset). */
  secret: (input: SecretInput) => string;
  createGateway?: typeof createGateway;
}

/** 0, or 1 when a credential could not be revoked or the state could not be read. */
export async function run(runtime: PostRuntime): Promise<number> {
  try {
    const results = await revokeSaved(runtime);
    return failedRevocations(results ?? []).length > 0 ? 1 : 0;
  } catch (err) {
    runtime.host.log.error(`gatepass post: ${describeError(err)}`);
    return 1;
  }
}

/**
 * Revokes what the state holds and reports it; the results, or undefined when
 * nothing was saved. Throws when the state cannot be read.
 */
export async function revokeSaved(runtime: PostRuntime): Promise<RevocationRecord[] | undefined> {
  const saved = readState(runtime.host);
  if (saved === undefined) return undefined;
  // A gateway's error can quote the token it was sent, and on GitLab or a
  // terminal nothing else masks these lines (on GitHub, main's `::add-mask::`
  // of each token lasts the whole job). Main's audit record and summary go
  // through the masker; post's revocation details are scrubbed like its log.
  const secrets = new Set(
    saved.credentials.flatMap((c) => (c.handle === undefined ? [] : revocationSecrets(c.handle))),
  );
  const scrubbed = { ...runtime, host: withScrubbedLog(runtime.host, secrets) };
  const results = [
    ...reportUnconfirmed(saved.unconfirmed ?? [], prefixed(scrubbed.host.log)),
    ...(await revokeAll(saved, scrubbed)),
  ].map((r) => (r.detail === undefined ? r : { ...r, detail: scrub(r.detail, [...secrets]) }));
  await report(scrubbed.host, saved, results);
  return results;
}

/** The host, its log scrubbed of `secrets`, and of what the gateway registers while revoking. */
function withScrubbedLog(host: PostHost, secrets: Set<string>): PostHost {
  return {
    state: host.state,
    setSecret: (value) => {
      secrets.add(value);
      host.setSecret(value);
    },
    appendSummary: (summary) => host.appendSummary(summary),
    log: scrubbedLog(host.log, secrets),
  };
}

function readState(host: PostHost): SavedState | undefined {
  const raw = host.state.load();
  if (raw === '') {
    host.log.info('gatepass: nothing to revoke (the main step issued no credentials)');
    return undefined;
  }
  const saved = parseState(raw);
  if (typeof saved === 'string') {
    // Its handles may be live credentials that nothing else knows of: a
    // warning and exit 0 would let them live unseen to their expiry.
    const { what, hint } = host.state.unreadable ?? ACTION_STATE;
    throw new GatepassError('INPUT', `${what} is ${saved}; nothing was revoked`, { hint });
  }
  return saved;
}

/** The action's post step reads what main saved with `core.saveState`. */
const ACTION_STATE = {
  what: 'the state the main step saved',
  hint: "Revoke the job's credentials at the gateway by hand (the main step's log and audit record name them); the runner drops this state when the job ends",
};

async function revokeAll(saved: SavedState, runtime: PostRuntime): Promise<RevocationRecord[]> {
  const { host } = runtime;
  if (!saved.revoke) {
    host.log.info('gatepass: `revoke: false`: the credentials stay valid until they expire');
    return saved.credentials.map((c) => ({
      name: c.name,
      result: 'skipped',
      detail: `revoke: false; expires ${c.expiresAt ?? 'unknown'}`,
      at: new Date().toISOString(),
    }));
  }
  if (saved.credentials.length === 0) {
    const revoked = saved.revoked ?? [];
    host.log.info(
      revoked.length === 0
        ? 'gatepass: nothing to revoke (no credential was issued)'
        : `gatepass: nothing left to revoke: the main step revoked ${revoked
            .map((r) => `"${r.name}"`)
            .sort()
            .join(', ')} when it ended`,
    );
    return [];
  }
  const deadlineMs = saved.revokeTimeoutMs ?? DEFAULT_REVOKE_TIMEOUT_MS;
  let gateway: ReturnType<typeof createGateway> | undefined;
  return revokeCredentials(saved.credentials, {
    // Built once, and only if some credential has a handle.
    gateway: () =>
      (gateway ??= (runtime.createGateway ?? createGateway)(
        {
          ...saved.settings,
          provider: providerWithSecrets(saved.settings.provider, runtime.secret),
        },
        {
          registerSecret: (value) => {
            host.setSecret(value);
          },
          logger: host.log,
        },
      )),
    deadlineMs,
    log: prefixed(host.log),
  });
}

/** Post's lines are among the job's other steps: each says it is gatepass's. */
function prefixed(log: PostHost['log']): PostHost['log'] {
  return {
    debug: (m) => {
      log.debug(`gatepass: ${m}`);
    },
    info: (m) => {
      log.info(`gatepass: ${m}`);
    },
    warning: (m) => {
      log.warning(`gatepass: ${m}`);
    },
    error: (m) => {
      log.error(`gatepass: ${m}`);
    },
  };
}

/** Appends to the job summary and the audit file; neither may fail the step. */
async function report(
  host: PostHost,
  saved: SavedState,
  results: RevocationRecord[],
): Promise<void> {
  if (results.length === 0) return;
  try {
    await host.appendSummary({
      markdown: renderRevocations(results),
      text: renderRevocationsText(results),
    });
  } catch (err) {
    host.log.warning(`gatepass: could not write the job summary: ${describeError(err)}`);
  }
  try {
    const record = JSON.parse(await readFile(saved.auditFile, 'utf8')) as AuditRecord;
    record.revocations = [...(record.revocations ?? []), ...results];
    await writeFile(saved.auditFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  } catch (err) {
    host.log.debug(`the audit file was not updated: ${describeError(err)}`);
  }
}
