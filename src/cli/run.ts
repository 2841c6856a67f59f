/**
 * `gatepass run [options] -- <command...>`: the action's flow (main.ts's
 * `runJob`) as a command, for GitLab CI and terminals. It issues, runs the
 * command with masked output, then revokes (also after SIGINT/SIGTERM, which
 * reach the command first). The state is on disk from the first credential
 * on, so `gatepass revoke` in an `after_script` finishes a killed job.
 *
 * Exit code: the command's; 125 when gatepass itself failed, or when the command
 * succeeded but a credential could not be revoked.
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { INPUT_NAMES, SECRET_INPUTS, loadConfig, type RunConfig } from '../config/config.js';
import { GatepassError } from '../common/errors.js';
import { exitCodeOf, runJob, type MainRuntime } from '../flow/job.js';
import { detectPlatform, stateDir, type PlatformName } from '../platform/detect.js';
import { gitlabPlatform } from '../platform/gitlab.js';
import type { CliPlatform, ForwardedSignal, Host, HostLogger } from '../flow/host.js';
import { localPlatform, terminalHost, terminalLogger, wantsDebug } from '../platform/local.js';
import { parseState } from '../flow/state.js';
import { closest } from '../common/suggest.js';
import { envName, parseConfigFile, readConfigFile, settingsInput } from '../config/settings.js';
import { CommandStartError } from '../delivery/exec.js';
import {
  EXIT_CANNOT_RUN,
  EXIT_FAILURE,
  EXIT_NOT_FOUND,
  type CliIo,
  type SignalSource,
} from './io.js';

/** Flags of `run` that are not action inputs; each takes a value, like the inputs. */
const RUN_ONLY = ['config', 'state', 'audit-file', 'summary', 'id-token-file'] as const;
const FLAGS: ReadonlySet<string> = new Set([...RUN_ONLY, ...INPUT_NAMES]);

interface RunArgs {
  flags: Record<string, string>;
  command: string[] | undefined;
  help: boolean;
}

export async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseRunArgs(args);
  if (parsed.help) {
    io.stdout.write(RUN_USAGE);
    return 0;
  }
  const log = terminalLogger(io.stderr, wantsDebug(io.env));
  const file = parsed.flags.config;
  const getInput = settingsInput({
    flags: parsed.flags,
    env: io.env,
    file: file === undefined ? {} : parseConfigFile(await readConfigFile(file), file),
  });
  const name = detectPlatform(io.env);
  const config = loadConfig(getInput, { platform: name, env: io.env }, (message) => {
    log.error(inTerminalWords(message));
  });
  if (config === undefined) return EXIT_FAILURE;
  checkDelivery(config, parsed.command);
  const platform = await platformFor(name, config, parsed.flags, io, log);
  const statePath = resolve(
    io.cwd,
    parsed.flags.state ??
      join(stateDir(name, io.env), `state-${String(Date.now())}-${String(process.pid)}.json`),
  );
  const summary = parsed.flags.summary;
  const host = terminalHost({
    platform,
    statePath,
    log,
    stderr: io.stderr,
    env: io.env,
    ...(summary === undefined ? {} : { summaryFile: resolve(io.cwd, summary) }),
  });
  const auditFile = parsed.flags['audit-file'];
  return withSignals(io.signals, log, async (onSignal) => {
    const runtime: MainRuntime = {
      host,
      stdout: io.stdout,
      stderr: io.stderr,
      onSignal,
      stdin: 'inherit',
      ...(platform.approvalGate === undefined ? {} : { approvalGate: platform.approvalGate }),
      ...(parsed.command === undefined ? {} : { command: parsed.command }),
      ...(auditFile === undefined ? {} : { auditFile: resolve(io.cwd, auditFile) }),
    };
    const result = await runJob(config, runtime);
    await keepStateIfNeeded(host, statePath);
    // The command itself could not start: the codes a shell would give.
    if (!result.ok && result.error instanceof CommandStartError) {
      return result.error.notFound ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
    }
    return exitCodeOf(result, EXIT_FAILURE);
  });
}

/**
 * Splits off `-- command...`, then reads `--name value` or `--name=value`
 * pairs. Hand-rolled because every flag takes a value and values may start
 * with a dash (`--credentials "- name: db ..."`), which `util.parseArgs` refuses.
 */
function parseRunArgs(args: readonly string[]): RunArgs {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  const flags: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < options.length; i += 1) {
    const arg = options[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const match = /^--([a-z][a-z-]*)(?:=([\s\S]*))?$/.exec(arg);
    const name = match?.[1];
    if (name === undefined || !FLAGS.has(name)) {
      const given = arg.split('=')[0] ?? arg;
      const near = closest(given.replace(/^-+/, ''), FLAGS);
      throw usageError(
        `unknown option "${given}"${near === undefined ? '' : ` (did you mean --${near}?)`}`,
      );
    }
    if ((SECRET_INPUTS as readonly string[]).includes(name)) {
      // A command line is visible to every user of the machine (ps, /proc) and to CI logs.
      throw new GatepassError('INPUT', `--${name} is not taken on the command line`, {
        hint: `Set ${envName(name)} in the environment (a masked CI/CD variable) instead`,
      });
    }
    const value = match?.[2] ?? options[(i += 1)];
    if (value === undefined) throw usageError(`option --${name} needs a value`);
    if (name in flags) throw usageError(`option --${name} is given twice`);
    flags[name] = value;
  }
  const command = end === -1 ? undefined : args.slice(end + 1);
  return { flags, command, help };
}

const INPUT_SET: ReadonlySet<string> = new Set(INPUT_NAMES);

/**
 * Config messages name inputs as the action knows them (input `gateway`);
 * here they name the flag and its variable: `--gateway` (GATEPASS_GATEWAY).
 */
export function inTerminalWords(message: string): string {
  return message
    .replace(/input `([a-z-]+)`/g, (whole, name: string) =>
      INPUT_SET.has(name) ? `\`--${name}\` (${envName(name)})` : whole,
    )
    .replace(/\b(Set|Raise|Remove|Leave|Pass) `([a-z-]+)`/g, (whole, verb: string, name: string) =>
      INPUT_SET.has(name) ? `${verb} \`--${name}\`` : whole,
    );
}

function usageError(problem: string): GatepassError {
  return new GatepassError('INPUT', problem, {
    hint: 'Run "gatepass run --help" for the options; put the command after `--`',
  });
}

/** One way to deliver: a command after `--` or a `run` script; `export` is the action's. */
function checkDelivery(config: RunConfig, command: readonly string[] | undefined): void {
  const hint = 'Put the command after `--`, e.g. `gatepass run --gateway URL -- ./deploy.sh`';
  if (config.export !== 'none') {
    throw new GatepassError('INPUT', '`export: env` is for the GitHub Action only', {
      hint: '`gatepass run` hands credentials to its command only; remove `export`',
    });
  }
  if (command !== undefined && command.length === 0) {
    throw new GatepassError('INPUT', 'no command after `--`', { hint });
  }
  if (command !== undefined && config.run !== undefined) {
    throw new GatepassError('INPUT', 'both a command after `--` and a `run` script', {
      hint: 'Give one of them',
    });
  }
  if (command === undefined && config.run === undefined) {
    throw new GatepassError('INPUT', 'nothing to run', { hint: `${hint}, or pass --run SCRIPT` });
  }
}

async function platformFor(
  name: PlatformName,
  config: RunConfig,
  flags: Record<string, string>,
  io: CliIo,
  log: HostLogger,
): Promise<CliPlatform> {
  switch (name) {
    case 'github': {
      // @actions/core loads only inside GitHub Actions.
      const { githubCliPlatform } = await import('../platform/github.js');
      return githubCliPlatform({ ...io.env }, io.cwd);
    }
    case 'gitlab':
      return gitlabPlatform({
        env: io.env,
        idTokenVariable: config.idTokenVariable,
        cwd: io.cwd,
        logger: log,
      });
    case 'local':
      return localPlatform({ env: io.env, cwd: io.cwd, idTokenFile: flags['id-token-file'] });
  }
}

/**
 * The run revoked at its end; the state file goes once nothing is left in
 * it, and stays, named, when a revocation failed.
 */
async function keepStateIfNeeded(host: Host, statePath: string): Promise<void> {
  const raw = host.state.load();
  if (raw === '') return;
  const saved = parseState(raw);
  if (typeof saved !== 'string' && saved.revoke && saved.credentials.length > 0) {
    host.log.error(
      `retry the revocation with \`gatepass revoke --state ${statePath}\` (the after_script of the GitLab component does)`,
    );
    return;
  }
  await rm(statePath, { force: true });
}

/**
 * Routes SIGINT/SIGTERM. While the job is subscribed, to it (flow/job.ts
 * onSignal): before the command they stop obtaining credentials, while it runs
 * they go to it, and while revoking the first is noted and a second one stops
 * the revocation; the run then ends with its usual code (the state file stays
 * for `gatepass revoke`). The job unsubscribes once the revocation is over,
 * before it writes the audit record and summary: only that writing is left
 * to stop, so the first is noted and a second one ends gatepass at once
 * with 130/143.
 */
async function withSignals(
  signals: SignalSource | undefined,
  log: HostLogger,
  body: (onSignal: MainRuntime['onSignal']) => Promise<number>,
): Promise<number> {
  let handler: ((sig: ForwardedSignal) => void) | undefined;
  let afterRun = 0;
  const unsubscribe = signals?.subscribe((sig) => {
    if (handler !== undefined) {
      handler(sig);
      return;
    }
    afterRun += 1;
    if (afterRun === 1) {
      log.warning(
        `received ${sig}: the run is over, writing the audit record and summary; send it again to stop now`,
      );
    } else signals.exit(sig === 'SIGINT' ? 130 : 143);
  });
  try {
    return await body((h) => {
      handler = h;
      return () => {
        handler = undefined;
      };
    });
  } finally {
    unsubscribe?.();
  }
}

const RUN_USAGE = `Usage: gatepass run [options] -- <command> [args...]
       gatepass run [options] --run SCRIPT

Gets short-lived credentials from the gateway, runs the command with them in
its environment and its output masked, then revokes them, all at once within
--revoke-timeout. Exits with the command's code, or 125 when gatepass itself
fails or the command succeeded but a credential could not be revoked.

Every option is also an environment variable (--vault-role -> GATEPASS_VAULT_ROLE)
and a key of the --config file; flags win over the environment, which wins
over the file. See README.md for what each means.

Gateway:      --gateway URL  --provider token-exchange|vault|hoop  --audience AUD
              --timeout 2m  --revoke true|false  --revoke-timeout 30s
              --mask-detectors true|false
Credentials:  --credentials YAML    (a YAML list; see README.md § Credentials)
Script:       --run SCRIPT  --shell bash|sh|pwsh|powershell|python|"cmd {0}"
              --working-directory DIR
Token exchange: --client-id ID  (--client-secret: GATEPASS_CLIENT_SECRET)
              --client-auth none|client_secret_basic|client_secret_post
              --subject-token-type id_token|jwt|access_token|URI  --subject-issuer ALIAS
              --token-endpoint URL  --revocation-endpoint URL  (no discovery)
              --ttl-parameter expires_in|none|NAME
Vault:        --vault-role ROLE  --vault-auth-path jwt  --vault-namespace NS
hoop:         --hoop-token-exchange-url URL  --hoop-token-audience AUD
              --hoop-token-scope SCOPE  --hoop-host HOST[:PORT]
              (--hoop-api-key: GATEPASS_HOOP_API_KEY)
Approvals:    --approvals N  --approvers LIST  --approval-timeout 30m
              --allow-self-approval true|false
              --approval-source gateway|gitlab-notes|gitlab-mr-approvals|github-pr
              (GitLab: GATEPASS_GITLAB_TOKEN; GitHub: --github-token)
Network:      --ca-certificate PEM  (or GATEPASS_CA_CERTIFICATE); HTTPS_PROXY,
              HTTP_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS are honoured
Identity:     --id-token-variable NAME (GitLab; default GATEPASS_ID_TOKEN)
              --id-token-file FILE (elsewhere; or GATEPASS_ID_TOKEN)
Files:        --config FILE         inputs as YAML (no secrets in it)
              --state FILE          revocation state (default: a new file in
                                    <job temp dir>/gatepass/, removed once revoked)
              --audit-file FILE     the audit record (default: in the job temp dir)
              --summary FILE        also append the summary there, as Markdown
                                    (stderr gets it as text)
Other:        --export none         (the action's export: env is not available here)

Debug lines: GATEPASS_DEBUG=1 (also CI_DEBUG_TRACE=true, RUNNER_DEBUG=1).
`;
