/**
 * main and post in-process, with a recording host and the reference gateway:
 * the paths the end-to-end suite cannot reach cheaply (cancellation before
 * the script, a failed revocation, `revoke: false`, several credentials).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GatepassError } from '../src/errors.js';
import type { Gateway } from '../src/gateways/gateway.js';
import { createGateway } from '../src/gateways/index.js';
import { run as runMain, type ApprovalGate, type ForwardedSignal } from '../src/main.js';
import type { ActionHost, HostLogger } from '../src/platform/host.js';
import { run as runPost } from '../src/post.js';
import { STATE_KEY } from '../src/state.js';
import { testGateway, type TestGateway } from './helpers/gateway.js';

let gw: TestGateway;
let dir: string;

beforeAll(async () => {
  gw = await testGateway();
  dir = mkdtempSync(join(tmpdir(), 'gatepass-main-'));
});
afterAll(async () => {
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Recorded {
  host: ActionHost;
  lines: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  secrets: string[];
  summary: string[];
}

function recordingHost(
  inputs: Record<string, string>,
  state: Record<string, string> = {},
  claims: Record<string, string> = {},
): Recorded {
  const lines: string[] = [];
  const outputs: Record<string, string> = {};
  const secrets: string[] = [];
  const summary: string[] = [];
  const log: HostLogger = {
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
  const all: Record<string, string> = {
    gateway: gw.url,
    credentials: '- name: api\n  scope: read\n  audience: https://api.example.com',
    ...inputs,
  };
  const host: ActionHost = {
    getInput: (name) => all[name] ?? '',
    setOutput: (name, value) => {
      outputs[name] = value;
    },
    saveState: (name, value) => {
      state[name] = value;
    },
    getState: (name) => state[name] ?? '',
    setSecret: (value) => {
      secrets.push(value);
    },
    exportVariable: () => undefined,
    appendSummary: (markdown) => {
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
    workspace: dir,
    tempDir: dir,
    env: { PATH: process.env.PATH },
    identity: ({ registerSecret }) => ({
      platform: 'github',
      canRefresh: true,
      token: async () => {
        const token = await gw.github(claims);
        registerSecret(token.value);
        return token;
      },
    }),
    preflight: () => undefined,
  };
  return { host, lines, outputs, state, secrets, summary };
}

function io() {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return { out, text: () => Buffer.concat(chunks).toString() };
}

function runtime(
  host: ActionHost,
  extra: {
    onSignal?: (h: (s: ForwardedSignal) => void) => () => void;
    createGateway?: typeof createGateway;
    approvalGate?: ApprovalGate;
  } = {},
) {
  const stdout = io();
  return {
    stdout,
    rt: {
      host,
      stdout: stdout.out,
      stderr: stdout.out,
      onSignal: extra.onSignal ?? (() => () => undefined),
      ...(extra.createGateway === undefined ? {} : { createGateway: extra.createGateway }),
      ...(extra.approvalGate === undefined ? {} : { approvalGate: extra.approvalGate }),
    },
  };
}

describe('main', () => {
  it('saves every handle as its credential arrives, and post revokes each once', async () => {
    const rec = recordingHost({
      credentials: `
- name: one
  scope: read
  audience: https://api.example.com
- name: two
  scope: read
  audience: https://api.example.com
`,
    });
    const { rt } = runtime(rec.host);
    expect(await runMain(rt)).toBe(0);
    const saved = JSON.parse(rec.state[STATE_KEY] ?? '') as {
      credentials: Array<{ name: string; handle: { tokens: Array<{ token: string }> } }>;
    };
    expect(saved.credentials.map((c) => c.name).sort()).toEqual(['one', 'two']);
    const tokens = saved.credentials.map((c) => c.handle.tokens[0]?.token ?? '');
    for (const token of tokens) expect(rec.secrets).toContain(token);
    // Default variable names, and the public fields are not registered as secrets.
    expect(rec.lines.join('\n')).toMatch(/"one": issued .*→ ONE_ACCESS_TOKEN, .*ONE_TOKEN_TYPE/);
    expect(rec.secrets).not.toContain('Bearer');

    const post = recordingHost({}, { ...rec.state });
    expect(await runPost({ host: post.host })).toBe(0);
    for (const token of tokens) expect(await gw.introspect(token)).toEqual({ active: false });
    expect(post.summary.join('')).toMatch(/\| one \| ✅ revoked/);
  });

  it("masks gatepass's own log lines: a gateway error that quotes the ID token", async () => {
    const rec = recordingHost({ run: 'echo never' });
    let seen = '';
    const echoing = (...args: Parameters<typeof createGateway>): Promise<Gateway> =>
      createGateway(...args).then((real) => ({
        ...real,
        issue: (_req, id) => {
          seen = id.value;
          args[1].logger.warning(`the gateway said: bad subject_token=${id.value}`);
          return Promise.reject(new GatepassError('GATEWAY', `refused ${id.value}`));
        },
      }));
    expect(await runMain(runtime(rec.host, { createGateway: echoing }).rt)).toBe(1);
    expect(seen.length).toBeGreaterThan(100);
    const text = rec.lines.join('\n');
    expect(text).toContain('warning: the gateway said: bad subject_token=***');
    expect(text).toContain('error: refused ***');
    expect(text).not.toContain(seen.split('.')[2] ?? seen);
  });

  it('a signal before the script starts stops the run; what was issued is left for post', async () => {
    const rec = recordingHost({ run: 'echo never' });
    let handler: ((s: ForwardedSignal) => void) | undefined;
    const slow = async (...args: Parameters<typeof createGateway>): Promise<Gateway> => {
      const real = await createGateway(...args);
      return {
        ...real,
        issue: async (req, id, signal) => {
          const issued = await real.issue(req, id, signal);
          handler?.('SIGTERM');
          return issued;
        },
      };
    };
    const { rt, stdout } = runtime(rec.host, {
      onSignal: (h) => {
        handler = h;
        return () => undefined;
      },
      createGateway: slow,
    });
    expect(await runMain(rt)).toBe(1);
    expect(stdout.text()).toBe('');
    expect(rec.lines).toContain(
      'error: the step was cancelled (SIGTERM) before the script started. Credentials issued so far are revoked by the post step',
    );
    expect(rec.summary.join('')).toContain('🚫 cancelled');
    expect(JSON.parse(rec.state[STATE_KEY] ?? '{}')).toMatchObject({
      credentials: [{ name: 'api' }],
    });
  });

  it('one refused credential stops another that waits for approval', async () => {
    const rec = recordingHost(
      {
        credentials: '- name: prod\n  scope: prod\n- name: bad\n  scope: admin',
        'approval-timeout': '30m',
      },
      {},
      { environment: 'production' },
    );
    const started = Date.now();
    expect(await runMain(runtime(rec.host).rt)).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(rec.lines.join('\n')).toMatch(/Waiting for approval of "prod" at the gateway: /);
    expect(rec.lines.join('\n')).toMatch(/error: token exchange for "bad" was refused/);
  });

  it("records the gateway's own approval in the summary and the audit file", async () => {
    const rec = recordingHost(
      { credentials: '- name: prod\n  scope: prod', 'approval-timeout': '30m' },
      {},
      { environment: 'production' },
    );
    const running = runMain(runtime(rec.host).rt);
    let url: string | undefined;
    for (const deadline = Date.now() + 10_000; url === undefined && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      url = /Approve at (\S+)/.exec(rec.lines.join('\n'))?.[1];
    }
    if (url === undefined) throw new Error(`no approval URL in the log:\n${rec.lines.join('\n')}`);
    expect((await gw.decide(url, 'approve')).ok).toBe(true);
    expect(await running).toBe(0);
    expect(rec.summary.join('')).toContain(`[at the gateway](${url})`);
    const audit = JSON.parse(readFileSync(rec.outputs['audit-file'] ?? '', 'utf8')) as {
      credentials: Array<{ gatewayApproval?: { url?: string; waitedMs: number } }>;
    };
    expect(audit.credentials[0]?.gatewayApproval).toMatchObject({ url });
    expect(audit.credentials[0]?.gatewayApproval?.waitedMs).toBeGreaterThan(0);
  });

  it('waits at the gate before anything is issued; its id is the output, its approvers the output', async () => {
    const rec = recordingHost({ approvals: '1', 'github-token': 'ghs_x' });
    const seen: Array<{ id: string; tokenRequests: number }> = [];
    const gate: ApprovalGate = {
      check: () => undefined,
      wait: ({ id }) => {
        seen.push({ id, tokenRequests: gw.requests.filter((r) => r === 'POST /token').length });
        return Promise.resolve([{ login: 'alice', url: 'https://github.com/alice' }]);
      },
    };
    const before = gw.requests.filter((r) => r === 'POST /token').length;
    expect(await runMain(runtime(rec.host, { approvalGate: gate }).rt)).toBe(0);
    expect(seen).toEqual([{ id: rec.outputs['request-id'], tokenRequests: before }]);
    expect(rec.outputs['approved-by']).toBe('alice');
    expect(rec.summary.join('')).toContain('[alice](https://github.com/alice)');
  });

  it('a gate that refuses leaves nothing issued', async () => {
    const rec = recordingHost({ approvals: '1', 'github-token': 'ghs_x' });
    const before = gw.requests.filter((r) => r === 'POST /token').length;
    const gate: ApprovalGate = {
      wait: () => Promise.reject(new GatepassError('DENIED', 'request x was denied by bob')),
    };
    expect(await runMain(runtime(rec.host, { approvalGate: gate }).rt)).toBe(1);
    expect(rec.lines).toContain('error: request x was denied by bob');
    expect(gw.requests.filter((r) => r === 'POST /token').length).toBe(before);
    expect(rec.state).toEqual({});
  });

  it('fails closed, before any network call, when the host has no gate for the source', async () => {
    const before = gw.requests.length;
    const rec = recordingHost({ approvals: '1', 'github-token': 'ghs_x' });
    expect(await runMain(runtime(rec.host).rt)).toBe(1);
    expect(rec.lines).toContain(
      'error: no approval gate for `approval-source: github-pr` on this host',
    );
    expect(gw.requests.length).toBe(before);
  });

  it('reports every bad input on its own line', async () => {
    const rec = recordingHost({ gateway: 'ftp://x', revoke: 'maybe' });
    expect(await runMain(runtime(rec.host).rt)).toBe(1);
    expect(rec.lines.filter((l) => l.startsWith('error: input'))).toHaveLength(2);
    expect(rec.outputs).toEqual({});
  });
});

describe('post', () => {
  it('warns about a failed revocation and still exits 0', async () => {
    const rec = recordingHost({});
    expect(await runMain(runtime(rec.host).rt)).toBe(0);
    const failing = async (...args: Parameters<typeof createGateway>): Promise<Gateway> => ({
      ...(await createGateway(...args)),
      revoke: () =>
        Promise.reject(
          new GatepassError('GATEWAY', 'revocation at x failed: HTTP 503', {
            hint: 'revoke by hand',
          }),
        ),
    });
    const post = recordingHost({}, { ...rec.state });
    expect(await runPost({ host: post.host, createGateway: failing })).toBe(0);
    expect(post.lines).toContain(
      'warning: gatepass: "api" was not revoked: revocation at x failed: HTTP 503. revoke by hand',
    );
    expect(post.summary.join('')).toMatch(/\| api \| ⚠️ not revoked \| revocation at x failed/);
  });

  it('with revoke: false, says what stays valid and revokes nothing', async () => {
    const rec = recordingHost({ revoke: 'false' });
    expect(await runMain(runtime(rec.host).rt)).toBe(0);
    expect(rec.lines.some((l) => l.startsWith('warning: `revoke: false`'))).toBe(true);
    const token =
      (
        JSON.parse(rec.state[STATE_KEY] ?? '') as {
          credentials: Array<{ handle: { tokens: Array<{ token: string }> } }>;
        }
      ).credentials[0]?.handle.tokens[0]?.token ?? '';
    const post = recordingHost({}, { ...rec.state });
    expect(await runPost({ host: post.host })).toBe(0);
    expect(post.lines).toContain(
      'info: gatepass: `revoke: false`: the credentials stay valid until they expire',
    );
    expect(await gw.introspect(token)).toMatchObject({ active: true });
  });

  it('ignores state it cannot read, without failing', async () => {
    const post = recordingHost({}, { [STATE_KEY]: '{not json' });
    expect(await runPost({ host: post.host })).toBe(0);
    expect(post.lines).toEqual([
      'warning: gatepass: the saved state is not valid JSON; nothing was revoked',
    ]);
  });
});
