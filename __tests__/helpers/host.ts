/**
 * A Host that records what the flow does with it (log lines, outputs, saved
 * state, secrets, summary), on a GitHub-shaped context, with the identity
 * token minted by the caller: for the flow's in-process tests.
 */
import { STATE_KEY } from '../../src/flow/state.js';
import type { Host, HostLogger } from '../../src/flow/host.js';
import type { IdentityToken } from '../../src/identity/token.js';

export interface RecordingHost {
  host: Host;
  lines: string[];
  outputs: Record<string, string>;
  /** The saved state, under STATE_KEY as the runner keeps it; pass it to the next host. */
  state: Record<string, string>;
  /** Every value saved, in order. */
  saves: string[];
  secrets: string[];
  summary: string[];
  /** How many ID tokens were asked for. */
  identityCalls: () => number;
}

export interface RecordingHostOptions {
  /** Workspace and temp directory. */
  dir: string;
  /** Mints the runner's ID token. */
  idToken: () => Promise<IdentityToken>;
  /** State a previous step saved. */
  state?: Record<string, string>;
}

export function recordingHost(options: RecordingHostOptions): RecordingHost {
  const lines: string[] = [];
  const outputs: Record<string, string> = {};
  const secrets: string[] = [];
  const summary: string[] = [];
  const saves: string[] = [];
  const state = options.state ?? {};
  let calls = 0;
  const log: HostLogger = {
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
  const host: Host = {
    setOutput: (name, value) => {
      outputs[name] = value;
    },
    state: {
      save: (value) => {
        state[STATE_KEY] = value;
        saves.push(value);
      },
      load: () => state[STATE_KEY] ?? '',
    },
    setSecret: (value) => {
      secrets.push(value);
    },
    exportVariable: () => undefined,
    appendSummary: ({ markdown }) => {
      summary.push(markdown);
      return Promise.resolve();
    },
    log,
    context: {
      platform: 'github',
      repository: 'octo-org/app',
      ref: 'refs/heads/main',
      sha: 'abc',
      runId: '1',
      runAttempt: '1',
      job: 'j',
      step: 's',
      actor: 'octocat',
      workflow: 'w',
      eventName: 'push',
      serverUrl: 'https://github.com',
    },
    workspace: options.dir,
    tempDir: options.dir,
    env: { PATH: process.env.PATH },
    identity: ({ registerSecret }) => ({
      platform: 'github',
      canRefresh: true,
      token: async () => {
        calls += 1;
        const token = await options.idToken();
        registerSecret(token.value);
        return token;
      },
    }),
    preflight: () => undefined,
  };
  return { host, lines, outputs, state, saves, secrets, summary, identityCalls: () => calls };
}
