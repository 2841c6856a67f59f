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
import { GatepassError } from '../../src/common/errors.js';
import type { Gateway } from '../../src/gateways/gateway.js';
import { createGateway } from '../../src/gateways/index.js';
import type { MainRuntime } from '../../src/flow/job.js';
import type { Host, ApprovalGate, ForwardedSignal } from '../../src/flow/host.js';
import { runActionMain } from '../../src/platform/github.js';
import { run as runPost } from '../../src/flow/post.js';
import { STATE_KEY } from '../../src/flow/state.js';
import type { Fault } from '../../examples/gateway/index.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { recordingHost as recordingHostOf, type RecordingHost } from '../helpers/host.js';
import { startVaultDouble, VAULT_AUDIENCE, type VaultDouble } from '../doubles/vault.js';

let gw: TestGateway;
/** Each recording host's inputs: the action's entry reads them, the flow never does. */
const inputsOf = new WeakMap<Host, (name: string) => string>();

/** The action's main step, as bin/main.ts runs it, with the host's inputs. */
function runMain(rt: MainRuntime): Promise<number> {
  return runActionMain(rt, inputsOf.get(rt.host) ?? (() => ''));
}
let dir: string;

beforeAll(async () => {
  gw = await testGateway();
  dir = mkdtempSync(join(tmpdir(), 'gatepass-main-'));
});
afterAll(async () => {
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
});

function recordingHost(
  inputs: Record<string, string>,
  state: Record<string, string> = {},
  claims: Record<string, string> = {},
): RecordingHost {
  const all: Record<string, string> = {
    gateway: gw.url,
    credentials: '- name: api\n  scope: read\n  audience: https://api.example.com',
    ...inputs,
  };
  const recorded = recordingHostOf({ dir, state, idToken: () => gw.github(claims) });
  inputsOf.set(recorded.host, (name) => all[name] ?? '');
  return recorded;
}

/**
 * Runs main with the exchange held by `fault` at the gateway, and sends the
 * signals once the exchange is on the wire; main's exit code.
 */
async function cancelWhileExchanging(
  rec: RecordingHost,
  fault: Fault,
  signals: readonly ForwardedSignal[],
): Promise<number> {
  gw.intercept = (req) => (req.path === '/token' ? fault : undefined);
  try {
    const source = signalSource();
    const exchanges = gw.requests.filter((r) => r === 'POST /token').length;
    const running = runMain(runtime(rec.host, { onSignal: source.subscribe }).rt);
    await until(() => gw.requests.filter((r) => r === 'POST /token').length > exchanges);
    for (const sig of signals) source.send(sig);
    return await running;
  } finally {
    gw.intercept = undefined;
  }
}

/** A signal subscription the test fires by hand. */
function signalSource() {
  let handler: ((s: ForwardedSignal) => void) | undefined;
  return {
    subscribe: (h: (s: ForwardedSignal) => void) => {
      handler = h;
      return () => {
        handler = undefined;
      };
    },
    send: (sig: ForwardedSignal) => {
      handler?.(sig);
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !condition();) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The tokens of the credentials the state still holds (not yet revoked). */
function savedTokens(rec: RecordingHost): string[] {
  const saved = JSON.parse(rec.state[STATE_KEY] ?? '{}') as {
    credentials?: Array<{ handle: { tokens: Array<{ token: string }> } }>;
  };
  return (saved.credentials ?? []).map((c) => c.handle.tokens[0]?.token ?? '');
}

function io() {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return { out, text: () => Buffer.concat(chunks).toString() };
}

function runtime(
  host: Host,
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
  it('saves every handle as its credential arrives; with nothing to run, revokes them all before the step ends', async () => {
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
    type Saved = {
      credentials: Array<{ name: string; handle: { tokens: Array<{ token: string }> } }>;
      unconfirmed: Array<{ name: string }>;
    };
    const saves = rec.saves.map((raw) => JSON.parse(raw) as Saved);
    // Each request on record before it is sent, each handle as it arrives, then the revocation.
    expect(saves.map((s) => [s.unconfirmed.length, s.credentials.length])).toEqual([
      [1, 0],
      [2, 0],
      [1, 1],
      [0, 2],
      [0, 0],
    ]);
    const saved = saves[3] as Saved;
    expect(saved.credentials.map((c) => c.name).sort()).toEqual(['one', 'two']);
    const tokens = saved.credentials.map((c) => c.handle.tokens[0]?.token ?? '');
    for (const token of tokens) expect(rec.secrets).toContain(token);
    // Default variable names, and the public fields are not registered as secrets.
    expect(rec.lines.join('\n')).toMatch(/"one": issued .*→ ONE_ACCESS_TOKEN, .*ONE_TOKEN_TYPE/);
    expect(rec.secrets).not.toContain('Bearer');
    // Revoked by main itself, before the step ended: post has nothing left.
    for (const token of tokens) expect(await gw.introspect(token)).toEqual({ active: false });
    expect(rec.lines).toEqual(
      expect.arrayContaining(['info: "one" revoked', 'info: "two" revoked']),
    );
    expect(rec.summary.join('')).toMatch(/\| one \| ✅ revoked \| \d{4}-/);
    const after = JSON.parse(rec.state[STATE_KEY] ?? '') as {
      credentials: unknown[];
      revoked: Array<{ name: string }>;
    };
    expect(after.credentials).toEqual([]);
    expect(after.revoked.map((r) => r.name).sort()).toEqual(['one', 'two']);
    const audit = JSON.parse(readFileSync(rec.outputs['audit-file'] ?? '', 'utf8')) as {
      revocations: Array<{ name: string; result: string }>;
    };
    expect(audit.revocations.map((r) => r.result)).toEqual(['revoked', 'revoked']);

    const post = recordingHost({}, { ...rec.state });
    expect(await runPost({ host: post.host, secret: () => '' })).toBe(0);
    expect(post.lines).toEqual([
      'info: gatepass: nothing left to revoke: the main step revoked "one", "two" when it ended',
    ]);
  });

  it('with `run`, revokes right after the script ends, whatever its exit code', async () => {
    for (const [script, code] of [
      ['exit 0', 0],
      ['exit 3', 3],
    ] as const) {
      const rec = recordingHost({ run: `printf %s "$API_ACCESS_TOKEN" > token; ${script}` });
      expect(await runMain(runtime(rec.host).rt)).toBe(code);
      const token = readFileSync(join(dir, 'token'), 'utf8');
      expect(token.split('.')).toHaveLength(3);
      expect(await gw.introspect(token)).toEqual({ active: false });
      expect(rec.lines).toContain('info: "api" revoked');
    }
  });

  it('with `export: env`, keeps the credentials for later steps and post revokes them', async () => {
    const rec = recordingHost({ export: 'env' });
    expect(await runMain(runtime(rec.host).rt)).toBe(0);
    const token = savedTokens(rec)[0] ?? '';
    expect(await gw.introspect(token)).toMatchObject({ active: true });
    expect(rec.lines).toContain(
      'info: the credentials stay valid for later steps (`export: env`): the post step revokes them when the job ends',
    );
    const post = recordingHost({}, { ...rec.state });
    expect(await runPost({ host: post.host, secret: () => '' })).toBe(0);
    expect(await gw.introspect(token)).toEqual({ active: false });
    expect(post.summary.join('')).toMatch(/\| api \| ✅ revoked/);
  });

  it('revokes every credential at once under one deadline, naming each one not revoked, and fails the step', async () => {
    const rec = recordingHost({
      credentials: '- name: one\n  scope: read\n- name: two\n  scope: read',
      'revoke-timeout': '1s',
    });
    const hanging = async (...args: Parameters<typeof createGateway>): Promise<Gateway> => ({
      ...(await createGateway(...args)),
      // A revocation that never answers and ignores its signal: only the deadline ends it.
      revoke: () => new Promise<void>(() => undefined),
    });
    const started = Date.now();
    expect(await runMain(runtime(rec.host, { createGateway: hanging }).rt)).toBe(1);
    const took = Date.now() - started;
    expect(took).toBeLessThan(1_000 + 1_500);
    for (const name of ['one', 'two']) {
      expect(rec.lines).toContain(
        `error: "${name}" was not revoked: not revoked within 1 s (\`revoke-timeout\`)`,
      );
    }
    expect(rec.lines).toContain(
      'error: 2 credentials outlive the step (one, two): they stay valid until they expire unless revoked later, so the step fails',
    );
    expect(rec.summary.join('')).toContain('### gatepass: ✅ succeeded · ❌ 2 not revoked');
    expect(rec.summary.join('')).toMatch(/\| two \| ❌ not revoked/);
    // Left for post, which tries again with the real gateway and succeeds.
    const left = savedTokens(rec);
    expect(left).toHaveLength(2);
    const post = recordingHost({}, { ...rec.state });
    expect(await runPost({ host: post.host, secret: () => '' })).toBe(0);
    for (const token of left) expect(await gw.introspect(token)).toEqual({ active: false });
  });

  it('a second signal while revoking stops the revocation, and says so, not `revoke-timeout`', async () => {
    const rec = recordingHost({ 'revoke-timeout': '30s' });
    let handler: ((s: ForwardedSignal) => void) | undefined;
    const hanging = async (...args: Parameters<typeof createGateway>): Promise<Gateway> => ({
      ...(await createGateway(...args)),
      // The job is cancelled while the gateway keeps the revocation waiting.
      revoke: () => {
        handler?.('SIGTERM');
        handler?.('SIGTERM');
        return new Promise<void>(() => undefined);
      },
    });
    const { rt } = runtime(rec.host, {
      onSignal: (h) => {
        handler = h;
        return () => undefined;
      },
      createGateway: hanging,
    });
    const started = Date.now();
    expect(await runMain(rt)).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    const stopped = 'revocation stopped by SIGTERM before the gateway confirmed it';
    expect(rec.lines).toContain(`error: "api" was not revoked: ${stopped}`);
    expect(rec.lines.join('\n')).not.toContain('revoke-timeout');
    expect(rec.summary.join('')).toMatch(new RegExp(`\\| api \\| ❌ not revoked \\| .*${stopped}`));
    const audit = JSON.parse(readFileSync(rec.outputs['audit-file'] ?? '', 'utf8')) as {
      revocations: Array<{ name: string; result: string; detail?: string }>;
    };
    expect(audit.revocations).toEqual([
      expect.objectContaining({ name: 'api', result: 'failed', detail: stopped }),
    ]);
    // Left for post, which revokes it.
    expect(savedTokens(rec)).toHaveLength(1);
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

  it('`export: env` on a host with no later steps fails before any request', async () => {
    const rec = recordingHost({ export: 'env' });
    const noLaterSteps: Host = { ...rec.host };
    delete noLaterSteps.exportVariable;
    inputsOf.set(noLaterSteps, inputsOf.get(rec.host) ?? (() => ''));
    expect(await runMain(runtime(noLaterSteps).rt)).toBe(1);
    expect(rec.lines).toContain(
      'error: `export: env` needs a platform with later steps. Only the GitHub Action exports to later steps; run the command with the credentials instead',
    );
    expect(rec.identityCalls()).toBe(0);
  });

  it('a signal before the script starts stops the run and revokes what was issued', async () => {
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
      'error: the step was cancelled (SIGTERM) before the command started',
    );
    expect(rec.lines).toContain('info: "api" revoked');
    expect(rec.summary.join('')).toContain('🚫 cancelled');
    expect(JSON.parse(rec.state[STATE_KEY] ?? '{}')).toMatchObject({
      credentials: [],
      revoked: [{ name: 'api' }],
    });
  });

  it('a cancel while the exchange is in flight waits for its answer and revokes what it brings', async () => {
    const rec = recordingHost({ run: 'echo never' });
    const from = gw.audit.length;
    expect(await cancelWhileExchanging(rec, { delayMs: 600 }, ['SIGINT'])).toBe(1);
    expect(rec.lines).toContain(
      'info: received SIGINT: waiting up to 3 s for the answers of the requests in flight, to revoke what they bring',
    );
    expect(rec.lines).toContain(
      'error: the step was cancelled (SIGINT) before the command started',
    );
    expect(rec.lines).toContain('info: "api" revoked');
    // The gateway issued one token, and it is dead.
    expect(gw.tokens(from)).toEqual({ issued: 1, live: [] });
  });

  it('a request with no answer by the end of the grace is recorded as in flight, not confirmed', async () => {
    const rec = recordingHost({ run: 'echo never' });
    const started = Date.now();
    expect(await cancelWhileExchanging(rec, { hang: true }, ['SIGTERM'])).toBe(1);
    // The 3 s grace, then it gives up on the answer.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    expect(rec.lines.join('\n')).toMatch(
      /warning: "api" is in flight, not confirmed: requested at \S+, no answer came: if the gateway issued it, it stays valid until it expires \(at most 15m after the request\); check the gateway's audit log/,
    );
    expect(rec.summary.join('')).toMatch(/\| api \| ⚠️ in flight, not confirmed \|/);
    const audit = JSON.parse(readFileSync(rec.outputs['audit-file'] ?? '', 'utf8')) as {
      outcome: string;
      revocations: Array<{ name: string; result: string }>;
    };
    expect(audit.outcome).toBe('cancelled');
    expect(audit.revocations).toEqual([
      expect.objectContaining({ name: 'api', result: 'unconfirmed' }),
    ]);
  });

  it('a second signal drops the requests in flight at once', async () => {
    const rec = recordingHost({ run: 'echo never' });
    const started = Date.now();
    expect(await cancelWhileExchanging(rec, { hang: true }, ['SIGINT', 'SIGTERM'])).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(rec.lines).toContain('warning: received SIGTERM again: dropping the requests in flight');
    expect(rec.lines.join('\n')).toMatch(/"api" is in flight, not confirmed/);
  });

  it('approvals: 1 at the gateway, but the gateway issued without review: revoked, and the step fails', async () => {
    const rec = recordingHost({ approvals: '1', 'approval-source': 'gateway' });
    const from = gw.audit.length;
    expect(await runMain(runtime(rec.host).rt)).toBe(1);
    expect(rec.lines.join('\n')).toMatch(
      /error: the gateway issued "api" without holding it for approval, but `approvals: 1` with `approval-source: gateway` asks for a human; it is revoked/,
    );
    expect(rec.lines).toContain('info: "api" revoked');
    expect(gw.tokens(from)).toEqual({ issued: 1, live: [] });
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
  it('a failed revocation is an error naming the credential, and fails the step', async () => {
    const rec = recordingHost({ export: 'env' });
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
    expect(await runPost({ host: post.host, secret: () => '', createGateway: failing })).toBe(1);
    expect(post.lines).toContain(
      'error: gatepass: "api" was not revoked: revocation at x failed: HTTP 503. revoke by hand',
    );
    expect(post.summary.join('')).toMatch(
      /\| api \| ❌ not revoked \| .* \| revocation at x failed/,
    );
  });

  it("scrubs the saved handles' tokens from every line, the summary and the audit file", async () => {
    const rec = recordingHost({ export: 'env' });
    expect(await runMain(runtime(rec.host).rt)).toBe(0);
    const [token] = savedTokens(rec);
    expect(token?.length).toBeGreaterThan(20);
    const echoing = async (...args: Parameters<typeof createGateway>): Promise<Gateway> => ({
      ...(await createGateway(...args)),
      // A gateway that quotes what it was sent, in its debug line and its error.
      revoke: (h) => {
        const sent = h.provider === 'token-exchange' ? (h.tokens[0]?.token ?? '') : '';
        args[1].logger.debug(`POST /revoke token=${sent}`);
        return Promise.reject(
          new GatepassError('GATEWAY', `revocation failed: HTTP 400 (unknown token ${sent})`),
        );
      },
    });
    const post = recordingHost({}, { ...rec.state });
    expect(await runPost({ host: post.host, secret: () => '', createGateway: echoing })).toBe(1);
    expect(post.lines).toContain('debug: POST /revoke token=***');
    expect(post.lines).toContain(
      'error: gatepass: "api" was not revoked: revocation failed: HTTP 400 (unknown token ***)',
    );
    // Markdown escapes the stars.
    expect(post.summary.join('')).toMatch(/\| api \| ❌ not revoked \| .*unknown token (\\\*){3}/);
    const audit = readFileSync(rec.outputs['audit-file'] ?? '', 'utf8');
    expect(audit).toContain('unknown token ***');
    for (const text of [post.lines.join('\n'), post.summary.join(''), audit]) {
      expect(text).not.toContain(token);
    }
  });

  it('with revoke: false, says what stays valid and revokes nothing, in main or post', async () => {
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
    expect(await runPost({ host: post.host, secret: () => '' })).toBe(0);
    expect(post.lines).toContain(
      'info: gatepass: `revoke: false`: the credentials stay valid until they expire',
    );
    expect(await gw.introspect(token)).toMatchObject({ active: true });
  });

  it('reports what a killed main sent but never heard back from', async () => {
    const state = {
      version: 2,
      requestId: 'abcd1234',
      settings: {
        provider: { name: 'token-exchange', client: { id: 'x' } },
        gateway: gw.url,
        timeoutMs: 5_000,
      },
      revoke: true,
      auditFile: join(dir, 'missing-audit.json'),
      credentials: [],
      unconfirmed: [{ name: 'db', requestedAt: '2026-12-05T07:00:00.000Z', ttlSeconds: 900 }],
    };
    const post = recordingHost({}, { [STATE_KEY]: JSON.stringify(state) });
    expect(await runPost({ host: post.host, secret: () => '' })).toBe(0);
    expect(post.lines).toContain(
      'warning: gatepass: "db" is in flight, not confirmed: requested at 2026-12-05T07:00:00.000Z, no answer came: if the gateway issued it, it stays valid until it expires (at most 15m after the request); check the gateway\'s audit log',
    );
    expect(post.summary.join('')).toMatch(/\| db \| ⚠️ in flight, not confirmed \|/);
  });

  it('fails the step on state it cannot read: its handles may be live', async () => {
    const hint =
      "Revoke the job's credentials at the gateway by hand (the main step's log and audit record name them); the runner drops this state when the job ends";
    const cases = [
      ['{not json', 'not valid JSON'],
      [
        JSON.stringify({ version: 1, credentials: [{ name: 'api', handle: {} }] }),
        'not from this gatepass version',
      ],
    ] as const;
    for (const [state, why] of cases) {
      const post = recordingHost({}, { [STATE_KEY]: state });
      expect(await runPost({ host: post.host, secret: () => '' })).toBe(1);
      expect(post.lines).toEqual([
        `error: gatepass post: the state the main step saved is ${why}; nothing was revoked. ${hint}`,
      ]);
    }
  });
});

describe('vault: what Vault cannot revoke is reported as such, in main and post', () => {
  let vault: VaultDouble;
  beforeAll(async () => {
    vault = await startVaultDouble({
      roles: {
        migrator: {
          boundAudiences: [VAULT_AUDIENCE],
          policies: [
            { path: 'database/creds/*', capabilities: ['read'] },
            { path: 'sys/leases/revoke', capabilities: ['update'] },
          ],
        },
        batcher: {
          boundAudiences: [VAULT_AUDIENCE],
          tokenType: 'batch',
          tokenTtl: 600,
          policies: [{ path: 'kv/*', capabilities: ['read'] }],
        },
      },
      // Its users own objects: the database refuses to drop them.
      databaseRoles: { owner: { ttl: 600, dropFails: true } },
      kvV1: { 'ci/app': { api_key: 'kv1-flow-api-key-5e6f' } },
    });
  });
  afterAll(async () => {
    await vault.stop();
  });

  /** A host whose runner token the Vault double trusts. */
  function vaultHost(inputs: Record<string, string>): RecordingHost {
    const all: Record<string, string> = { provider: 'vault', gateway: vault.url, ...inputs };
    const recorded = recordingHostOf({ dir, idToken: () => vault.idToken() });
    inputsOf.set(recorded.host, (name) => all[name] ?? '');
    return recorded;
  }

  it('a lease whose database user cannot be dropped: not revoked at the step end, nor in post', async () => {
    const rec = vaultHost({
      'vault-role': 'migrator',
      credentials: '- name: db\n  path: database/creds/owner\n  ttl: 10m',
    });
    expect(await runMain(runtime(rec.host).rt)).toBe(1);
    expect(
      rec.lines.some((l) =>
        l.startsWith(
          'error: "db" was not revoked: Vault could not revoke a lease: lease database/creds/owner/',
        ),
      ),
    ).toBe(true);
    expect(rec.summary.join('')).toMatch(
      /\| db \| ❌ not revoked \| .* Vault could not revoke a lease/,
    );
    // Post retries from the saved handle, which remembers that the token is gone.
    const post = recordingHost({}, { ...rec.state });
    expect(await runPost({ host: post.host, secret: () => '' })).toBe(1);
    expect(
      post.lines.some((l) =>
        l.startsWith(
          'error: gatepass: "db" was not revoked: Vault could not revoke a lease when the step ended',
        ),
      ),
    ).toBe(true);
    expect(vault.liveLeases()).toHaveLength(1);
  });

  it('a batch token: skipped, and the summary says it lives to its TTL', async () => {
    const rec = vaultHost({
      'vault-role': 'batcher',
      credentials: '- name: app\n  path: kv/ci/app\n  ttl: 10m',
    });
    const before = vault.requests.length;
    expect(await runMain(runtime(rec.host).rt)).toBe(0);
    expect(
      rec.lines.some((l) =>
        l.startsWith('warning: "app" cannot be revoked: a batch token, which Vault cannot revoke'),
      ),
    ).toBe(true);
    expect(rec.summary.join('')).toMatch(
      /\| app \| ➖ skipped \| .* a batch token, which Vault cannot revoke, stays valid until \d{4}-/,
    );
    expect(vault.requests.slice(before).map((r) => r.path)).toEqual([
      '/v1/auth/jwt/login',
      '/v1/kv/ci/app',
    ]);
  });
});
