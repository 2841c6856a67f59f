/**
 * `gatepass run` end to end: the bundled CLI as a child process against the
 * reference gateway on loopback, as a GitLab job and as a terminal would run
 * it. Tokens come from the gateway's local issuer; revocation is checked at
 * the gateway (RFC 7662 introspection).
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INPUT_NAMES } from '../../src/config/config.js';
import { GitLabDouble } from '../doubles/gitlab.js';
import { startVaultDouble, VAULT_AUDIENCE } from '../doubles/vault.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { CLI, gitlabJobEnv, launch, type Result } from '../helpers/runner.js';

const POLICY = `
max_ttl: 1h
rules:
  - name: gitlab
    match: { project_path: group/project }
    scopes: [read]
    audiences: ["https://api.example.com"]
`;

const CREDENTIALS = `- name: api
  ttl: 10m
  scope: read
  audience: https://api.example.com
  env: { API_TOKEN: access_token }
`;

/** Prints the credential raw, on stderr, and base64-encoded, and keeps it for the test. */
const LEAKY = [
  'sh',
  '-c',
  'printf %s "$API_TOKEN" > "$SEEN"; echo "out=$API_TOKEN"; echo "err=$API_TOKEN" >&2; printf %s "$API_TOKEN" | base64 -w0; echo; exit "${CODE:-0}"',
];

let gw: TestGateway;
let root: string;

beforeAll(async () => {
  gw = await testGateway({ policy: POLICY });
  root = mkdtempSync(join(tmpdir(), 'gatepass-cli-run-'));
});
afterAll(async () => {
  await gw.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A GitLab job's variables: its project dir, CI_* context and the `id_tokens` variable. */
async function gitlabJob(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(root, 'job-'));
  const project = join(dir, 'project');
  mkdirSync(project);
  const env: Record<string, string> = {
    ...gitlabJobEnv({ projectDir: project }),
    GATEPASS_ID_TOKEN: await gw.mintIdToken({ platform: 'gitlab' }),
    GATEPASS_GATEWAY: gw.url,
    GATEPASS_CREDENTIALS: CREDENTIALS,
    SEEN: join(dir, 'seen'),
    ...extra,
  };
  return { dir, project, env, seen: () => readFileSync(join(dir, 'seen'), 'utf8') };
}

function expectMasked(result: Result, secret: string): void {
  const log = result.stdout + result.stderr;
  expect(secret.length).toBeGreaterThan(20);
  for (const form of [secret, Buffer.from(secret).toString('base64'), secret.slice(0, 12)]) {
    expect(log).not.toContain(form);
  }
}

describe('gatepass run in a GitLab job', () => {
  it('runs the command with the credential, masks both streams, revokes, exits 0', async () => {
    const job = await gitlabJob();
    const result = await launch(CLI, job.env, ['run', '--', ...LEAKY]).result;
    expect(result.stderr).toContain('"api": issued');
    expect(result.code).toBe(0);
    const token = job.seen();
    expectMasked(result, token);
    expect(result.stdout).toContain('out=***');
    expect(result.stderr).toContain('err=***');
    expect(result.stderr).toContain('"api" revoked');
    expect(await gw.introspect(token)).toEqual({ active: false });
    // State and audit record in GitLab's job temp dir, next to (not in) the checkout.
    const temp = `${job.project}.tmp`;
    expect(statSync(join(temp, 'gatepass')).mode & 0o777).toBe(0o700);
    const audits = readdir(temp).filter((n) => n.startsWith('gatepass-audit-'));
    expect(audits).toHaveLength(1);
    const audit = readFileSync(join(temp, audits[0] ?? ''), 'utf8');
    expect(audit).not.toContain(token);
    expect(JSON.parse(audit)).toMatchObject({
      outcome: 'succeeded',
      context: { platform: 'gitlab', repository: 'group/project', runId: '77', job: 'migrate' },
      delivery: { run: true, exitCode: 0 },
      revocations: [{ name: 'api', result: 'revoked' }],
    });
    // Revoked, so nothing is left for an after_script.
    expect(readdir(join(temp, 'gatepass'))).toEqual([]);
  });

  it('prints the summary as aligned text, and as Markdown only into --summary FILE', async () => {
    const job = await gitlabJob();
    const file = join(job.dir, 'summary.md');
    const result = await launch(CLI, job.env, ['run', '--summary', file, '--', ...LEAKY]).result;
    expect(result.code).toBe(0);
    const text = result.stderr.slice(result.stderr.indexOf('gatepass: succeeded'));
    expect(text).toMatch(/^gatepass: succeeded · request [0-9a-f]{8}\n/);
    expect(text).toMatch(/^ {2}where +group\/project @ aaaaaaaaaaaa \(pipeline 77 job 1001\)$/m);
    expect(text).toMatch(/^ {2}api +revoked +\S+Z \(\d\.\d s after the command ended\)$/m);
    // Columns line up: each cell starts where its header does.
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('  credential  target')) ?? '';
    const row = lines.find((l) => l.startsWith('  api ') && l.includes('scope read')) ?? '';
    for (const [title, cell] of [
      ['target', 'scope read'],
      ['granted TTL', '10m'],
      ['variables', 'API_TOKEN'],
    ] as const) {
      expect([title, header.indexOf(title)]).toEqual([title, row.indexOf(cell)]);
    }
    // No Markdown in the log: no headings, tables or escapes.
    expect(result.stderr).not.toMatch(/###|\|---|\\`/);
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toMatch(/^### gatepass: ✅ succeeded/);
    expect(markdown).toContain('| api | ✅ revoked |');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a secret written half to stdout and half to stderr stays masked on both', async () => {
    const job = await gitlabJob();
    const script = [
      'printf %s "$API_TOKEN" > "$SEEN"',
      'h=$(( ${#API_TOKEN} / 2 ))',
      'printf %s "$API_TOKEN" | head -c "$h"',
      'printf %s "$API_TOKEN" | tail -c +$((h + 1)) >&2',
    ].join('; ');
    const result = await launch(CLI, job.env, ['run', '--', 'sh', '-c', script]).result;
    expect(result.code).toBe(0);
    const token = job.seen();
    // No 12 characters of the token in a row, on either stream.
    for (let i = 0; i + 12 <= token.length; i += 6) {
      const piece = token.slice(i, i + 12);
      expect([piece, result.stdout.includes(piece) || result.stderr.includes(piece)]).toEqual([
        piece,
        false,
      ]);
    }
    expect(result.stdout).toContain('***');
  });

  it('masks a secret printed in pieces under 8 characters, alternating stdout and stderr', async () => {
    // Separate maskers would each see every other piece, glued into text that
    // is no part of the secret, and print them all. Merged in arrival order
    // (the pause lets each piece arrive before the next is written), the log
    // reads the whole secret and it is masked. Only the first piece may show:
    // held alone past the idle time (a loaded machine), 6 characters are
    // released as text by design. The pieces start once the audit record is
    // written: gatepass builds its automaton just before, and reads nothing
    // while it does.
    const job = await gitlabJob();
    const script = [
      'printf %s "$API_TOKEN" > "$SEEN"',
      'until ls "$CI_PROJECT_DIR.tmp"/gatepass-audit-*.json >/dev/null 2>&1; do sleep 0.05; done',
      'printf "out: "; printf "err: " >&2; sleep 0.1',
      'for ((i = 0; i < 72; i += 6)); do',
      '  if (( i / 6 % 2 )); then printf %s "${API_TOKEN:i:6}" >&2; else printf %s "${API_TOKEN:i:6}"; fi',
      '  sleep 0.02',
      'done',
      'echo " end"; sleep 0.1; echo "err: done" >&2',
    ].join('\n');
    const result = await launch(CLI, job.env, ['run', '--', 'bash', '-c', script]).result;
    expect(result.code).toBe(0);
    const token = job.seen();
    const pieces = token.slice(0, 72).match(/.{6}/g) ?? [];
    expect(pieces).toHaveLength(12);
    const readable = pieces.slice(1).filter((p) => (result.stdout + result.stderr).includes(p));
    expect(readable).toEqual([]);
    // The `***` goes to the stream the masked bytes began on: stdout, or
    // stderr when the first piece was released alone.
    expect(result.stdout).toMatch(/^out: \S* end$/m);
    expect(result.stderr).toMatch(/^err: (\*\*\*)?err: done$/m);
    expect(`${result.stdout}${result.stderr}`).toContain('***');
  });

  it("exits with the command's code, and still revokes", async () => {
    const job = await gitlabJob({ CODE: '7' });
    const result = await launch(CLI, job.env, ['run', '--', ...LEAKY]).result;
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('the command exited with 7');
    expect(await gw.introspect(job.seen())).toEqual({ active: false });
  });

  it('a command that is not found exits 127, one that cannot run 126; both still revoke', async () => {
    const job = await gitlabJob();
    const from = gw.audit.length;
    const missing = await launch(CLI, job.env, ['run', '--', 'no-such-command-gatepass']).result;
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('cannot start no-such-command-gatepass (ENOENT)');
    const plain = join(job.dir, 'not-executable.sh');
    writeFileSync(plain, 'echo hi\n', { mode: 0o644 });
    const denied = await launch(CLI, job.env, ['run', '--', plain]).result;
    expect(denied.code).toBe(126);
    expect(denied.stderr).toContain('(EACCES)');
    // A wrapped command's own 2 is not mistaken for gatepass's failure (125).
    const two = await launch(CLI, job.env, ['run', '--', 'sh', '-c', 'exit 2']).result;
    expect(two.code).toBe(2);
    expect(gw.tokens(from)).toEqual({ issued: 3, live: [] });
  });

  it('SIGTERM stops the command, revokes, and exits 143', async () => {
    const job = await gitlabJob();
    const run = launch(CLI, job.env, [
      'run',
      '--',
      'sh',
      '-c',
      'printf %s "$API_TOKEN" > "$SEEN"; echo ready; sleep 30 & wait',
    ]);
    await waitFor(() => run.stdout().includes('ready'));
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code).toBe(143);
    expect(result.stderr).toContain('received SIGTERM: forwarding it to the script');
    expect(await gw.introspect(job.seen())).toEqual({ active: false });
  });

  it('a cancel while the exchange is in flight: the answer is awaited and revoked, exit 125', async () => {
    const job = await gitlabJob();
    const from = gw.audit.length;
    const exchanges = gw.requests.filter((r) => r === 'POST /token').length;
    gw.intercept = (req) => (req.path === '/token' ? { delayMs: 800 } : undefined);
    try {
      const run = launch(CLI, job.env, ['run', '--', 'sh', '-c', 'echo never']);
      await waitFor(() => gw.requests.filter((r) => r === 'POST /token').length > exchanges);
      run.child.kill('SIGINT');
      const result = await run.result;
      expect(result.code).toBe(125);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('the step was cancelled (SIGINT) before the command started');
      expect(result.stderr).toContain('"api" revoked');
      expect(result.stderr).not.toContain('post step');
    } finally {
      gw.intercept = undefined;
    }
    expect(gw.tokens(from)).toEqual({ issued: 1, live: [] });
    // Nothing left for the after_script.
    expect(readdir(join(`${job.project}.tmp`, 'gatepass'))).toEqual([]);
  });

  it('provider vault: a cancel during the reads leaves no token or lease live', async () => {
    const vault = await startVaultDouble({
      roles: {
        ci: {
          boundAudiences: [VAULT_AUDIENCE],
          boundClaims: { project_path: ['group/project'] },
          policies: [{ path: 'database/creds/migrator', capabilities: ['read'] }],
        },
      },
      databaseRoles: { migrator: { ttl: 600 } },
    });
    let reads = 0;
    // Both reads are on the wire, slow, when the cancel comes; each still answers.
    vault.intercept = (req) => {
      if (req.path !== '/v1/database/creds/migrator') return undefined;
      reads += 1;
      return { delayMs: 800 };
    };
    try {
      const job = await gitlabJob({
        GATEPASS_PROVIDER: 'vault',
        GATEPASS_GATEWAY: vault.url,
        GATEPASS_AUDIENCE: VAULT_AUDIENCE,
        GATEPASS_VAULT_ROLE: 'ci',
        GATEPASS_CREDENTIALS:
          '- name: one\n  path: database/creds/migrator\n- name: two\n  path: database/creds/migrator',
        GATEPASS_ID_TOKEN: await vault.issuer.mint({
          platform: 'gitlab',
          audience: VAULT_AUDIENCE,
        }),
      });
      const run = launch(CLI, job.env, ['run', '--', 'sh', '-c', 'echo never']);
      await waitFor(() => reads === 2);
      run.child.kill('SIGTERM');
      const result = await run.result;
      expect(result.code).toBe(125);
      expect(result.stderr).toContain('"one" revoked');
      expect(result.stderr).toContain('"two" revoked');
      expect(vault.liveLeases()).toEqual([]);
      expect(vault.liveTokens()).toEqual([]);
      expect(vault.violations).toEqual([]);
    } finally {
      await vault.stop();
    }
  });

  it('a revocation that keeps failing ends at revoke-timeout: exit 125, the state kept for after_script', async () => {
    const job = await gitlabJob({ GATEPASS_REVOKE_TIMEOUT: '1s' });
    gw.intercept = (req) => (req.path === '/revoke' ? { status: 503 } : undefined);
    let result: Result;
    const started = Date.now();
    try {
      result = await launch(CLI, job.env, ['run', '--', ...LEAKY]).result;
    } finally {
      gw.intercept = undefined;
    }
    const token = job.seen();
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(result.code).toBe(125); // the command succeeded, but its credential outlives it
    expect(result.stderr).toMatch(
      /"api" was not revoked: not revoked within 1 s \(`revoke-timeout`\)/,
    );
    expect(result.stderr).toMatch(
      /retry the revocation with `gatepass revoke --state .*state-.*\.json`/,
    );
    expect(await gw.introspect(token)).toMatchObject({ active: true });
    const afterScript = { ...job.env, GATEPASS_ID_TOKEN: '' };
    const revoke = await launch(CLI, afterScript, ['revoke']).result;
    expect(revoke.code).toBe(0);
    expect(await gw.introspect(token)).toEqual({ active: false });
  });

  it('a killed run is revoked by `gatepass revoke` in after_script', async () => {
    const job = await gitlabJob();
    // The job is killed outright: gatepass gets no chance to revoke.
    const killed = await launch(CLI, job.env, [
      'run',
      '--',
      'sh',
      '-c',
      'printf %s "$API_TOKEN" > "$SEEN"; kill -KILL $PPID; sleep 5',
    ]).result;
    expect(killed.signal).toBe('SIGKILL');
    const token = job.seen();
    expect(await gw.introspect(token)).toMatchObject({ active: true });
    const afterScript = { ...job.env, GATEPASS_ID_TOKEN: '' };
    const revoke = await launch(CLI, afterScript, ['revoke']).result;
    expect(revoke.code).toBe(0);
    expect(revoke.stderr).toContain('"api" revoked');
    expect(await gw.introspect(token)).toEqual({ active: false });
    const again = await launch(CLI, afterScript, ['revoke']).result;
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(
      /nothing to revoke \(no state files in .*project\.tmp\/gatepass\)/,
    );
  });

  it('--state names the file an after_script revokes', async () => {
    const job = await gitlabJob();
    const state = join(job.dir, 'state.json');
    const killed = await launch(CLI, job.env, [
      'run',
      '--state',
      state,
      '--',
      'sh',
      '-c',
      'printf %s "$API_TOKEN" > "$SEEN"; kill -KILL $PPID',
    ]).result;
    expect(killed.signal).toBe('SIGKILL');
    const saved = readFileSync(state, 'utf8');
    expect(saved).toContain('"api"');
    const revoke = await launch(CLI, job.env, ['revoke', '--state', state]).result;
    expect(revoke.code).toBe(0);
    expect(await gw.introspect(job.seen())).toEqual({ active: false });
    expect(existsSync(state)).toBe(false);
  });

  it('a `run` script from a config file; flags beat environment beat file', async () => {
    const job = await gitlabJob({ GATEPASS_TIMEOUT: 'not-a-duration' });
    const config = join(job.dir, 'gatepass.yml');
    writeFileSync(
      config,
      [
        'gateway: http://127.0.0.1:9/unused # the environment wins',
        'timeout: 1m',
        'run: |',
        '  printf %s "$API_TOKEN" > "$SEEN"',
        '  echo "script=$API_TOKEN"',
      ].join('\n'),
    );
    const result = await launch(CLI, job.env, ['run', '--config', config, '--timeout', '30s'])
      .result;
    expect(result.stderr).toContain(`from ${gw.url} (token-exchange)`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('script=***');
    expectMasked(result, job.seen());
  });
});

describe('gatepass run memory', () => {
  /**
   * Runs `script` under `gatepass run` with its peak RSS reported; counts the
   * output instead of keeping it (a GiB would not fit the test's own budget).
   */
  function measured(env: Record<string, string>, script: string) {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/report-max-rss.mjs', CLI, 'run', '--', 'bash', '-c', script],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const counts = { bytes: 0, masked: 0 };
    let stderr = '';
    const count = (chunk: Buffer): void => {
      counts.bytes += chunk.length;
      for (let i = chunk.indexOf('***'); i !== -1; i = chunk.indexOf('***', i + 3)) counts.masked++;
    };
    child.stdout.on('data', count);
    child.stderr.on('data', (chunk: Buffer) => {
      count(chunk);
      // Only the end matters: gatepass's summary and the RSS line.
      stderr = (stderr + chunk.toString('latin1')).slice(-16384);
    });
    return new Promise<{
      code: number | null;
      rssMiB: number;
      bytes: number;
      masked: number;
      stderr: string;
    }>((resolve) => {
      child.on('close', (code) => {
        const kb = /gatepass-bench-max-rss-kb (\d+)/.exec(stderr)?.[1];
        resolve({ code, rssMiB: Number(kb) / 1024, stderr, ...counts });
      });
    });
  }

  it('stays under 150 MB resident through 1 GiB of output on both streams', async () => {
    const job = await gitlabJob();
    // A 2 MB file of log lines with the credential every 900 lines, printed
    // by cat (128 KB writes) 256 times on stdout and on stderr at once.
    const script = [
      'printf %s "$API_TOKEN" > "$SEEN"',
      'b="$SEEN.log"; for ((i = 0; i < 900; i++)); do echo "2026-11-22T05:40:00Z INFO step $i ok"; done > "$b"',
      'echo "token=$API_TOKEN" >> "$b"',
      'for ((i = 0; i < 6; i++)); do cat "$b" "$b" > "$b.2"; mv "$b.2" "$b"; done',
      'n=$(( 512 * 1024 * 1024 / $(wc -c < "$b") + 1 ))',
      'print() { for ((k = 0; k < n; k++)); do cat "$b"; done; }',
      'print >&2 & print; wait',
    ].join('\n');
    const result = await measured(job.env, script);
    expect(result.code).toBe(0);
    expect(result.bytes).toBeGreaterThan(1024 * 1024 * 1024 * 0.95);
    expect(result.masked).toBeGreaterThan(20_000);
    expect(result.stderr).not.toContain(job.seen());
    expect(result.rssMiB).toBeLessThan(150);
  }, 300_000);
});

describe('gatepass run with GitLab approvals', () => {
  it('waits for a `/gatepass approve <id>` note on the merge request, then issues', async () => {
    const gl = await GitLabDouble.start();
    try {
      const actor = gl.addUser('actor', 40);
      const dev = gl.addUser('dev', 30);
      const job = await gitlabJob({
        GATEPASS_APPROVALS: '1',
        GATEPASS_GITLAB_TOKEN: gl.token,
        CI_API_V4_URL: gl.apiUrl,
        CI_PROJECT_ID: String(gl.projectId),
        CI_MERGE_REQUEST_IID: String(gl.mr.iid),
        GITLAB_USER_ID: String(actor.id),
        GITLAB_USER_LOGIN: actor.username,
      });
      const run = launch(CLI, job.env, ['run', '--', ...LEAKY]);
      await waitFor(() => gl.notes.some((n) => n.body.includes('/gatepass approve')));
      expect(existsSync(job.env.SEEN ?? '')).toBe(false); // nothing issued before approval
      const id = /\/gatepass approve ([0-9a-f]{8})/.exec(gl.notes[0]?.body ?? '')?.[1] ?? '';
      gl.note(dev, `/gatepass approve ${id}`);
      const result = await run.result;
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`request ${id}`);
      expectMasked(result, job.seen());
      expect(result.stderr).not.toContain(gl.token);
      expect(gl.violations).toEqual([]);
      expect(await gw.introspect(job.seen())).toEqual({ active: false });
    } finally {
      await gl.stop();
    }
  }, 30_000);

  it('outside a merge request pipeline, says so before any network call', async () => {
    const before = gw.requests.length;
    const job = await gitlabJob({ GATEPASS_APPROVALS: '1', GATEPASS_GITLAB_TOKEN: 'glpat-x' });
    const result = await launch(CLI, job.env, ['run', '--', 'true']).result;
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(
      /GitLab approvals need CI_MERGE_REQUEST_IID.*merge request pipeline/,
    );
    expect(gw.requests.slice(before).filter((r) => !r.includes('/local-issuer/'))).toEqual([]);
  });
});

describe('gatepass run on a terminal', () => {
  it('reads the ID token from --id-token-file and writes --audit-file', async () => {
    const dir = mkdtempSync(join(root, 'local-'));
    const tokenFile = join(dir, 'id-token');
    writeFileSync(tokenFile, await gw.mintIdToken({ platform: 'gitlab' }));
    const audit = join(dir, 'audit.json');
    const env = { PATH: process.env.PATH ?? '', SEEN: join(dir, 'seen'), TMPDIR: dir };
    const result = await launch(CLI, env, [
      'run',
      '--gateway',
      gw.url,
      '--credentials',
      CREDENTIALS,
      '--id-token-file',
      tokenFile,
      '--audit-file',
      audit,
      '--',
      ...LEAKY,
    ]).result;
    expect(result.code).toBe(0);
    const token = readFileSync(join(dir, 'seen'), 'utf8');
    expectMasked(result, token);
    expect(JSON.parse(readFileSync(audit, 'utf8'))).toMatchObject({
      context: { platform: 'local' },
      revocations: [{ result: 'revoked' }],
    });
    expect(await gw.introspect(token)).toEqual({ active: false });
  });
});

describe('gatepass run: bad flags and bad config', () => {
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    [
      'an unknown flag',
      ['--gatewya', 'x', '--', 'true'],
      {},
      /^gatepass: unknown option "--gatewya" \(did you mean --gateway\?\)/,
    ],
    ['a flag without its value', ['--gateway'], {}, /option --gateway needs a value/],
    ['no command', ['--gateway', 'https://gw.example.com'], {}, /nothing to run/],
    ['an empty command', ['--'], {}, /no command after `--`/],
    [
      'a bad provider',
      ['--provider', 'nope', '--', 'true'],
      {},
      /`--provider` \(GATEPASS_PROVIDER\) is "nope"/,
    ],
    [
      'http to a remote gateway',
      ['--gateway', 'http://gw.example.com', '--', 'true'],
      {},
      /must use https:/,
    ],
    [
      'export: env',
      ['--export', 'env', '--', 'true'],
      {},
      /`export: env` is for the GitHub Action only/,
    ],
    [
      'a bad duration from the environment',
      ['--', 'true'],
      { GATEPASS_TIMEOUT: '5 minutes' },
      /`--timeout` \(GATEPASS_TIMEOUT\) is "5 minutes"/,
    ],
    [
      'a command and a script',
      ['--run', 'echo', '--', 'true'],
      {},
      /both a command after `--` and a `run` script/,
    ],
  ];
  it.each(cases)('%s: exit 125, one line, no network call', async (_, args, extra, message) => {
    const before = gw.requests.length;
    const job = await gitlabJob(extra);
    const result = await launch(CLI, job.env, ['run', ...args]).result;
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
    // Only the token minting above reached the gateway.
    expect(gw.requests.slice(before).filter((r) => !r.includes('/local-issuer/'))).toEqual([]);
  });

  it('refuses a secret as a flag without echoing it', async () => {
    const job = await gitlabJob();
    const result = await launch(CLI, job.env, [
      'run',
      '--client-secret=s3cr3t-on-the-command-line',
      '--',
      'true',
    ]).result;
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(
      /--client-secret is not taken on the command line.*GATEPASS_CLIENT_SECRET/,
    );
    expect(result.stderr).not.toContain('s3cr3t');
  });

  it('revoke refuses a state file that is a link (another user may have planted it)', async () => {
    const job = await gitlabJob();
    const real = join(job.dir, 'real.json');
    writeFileSync(real, '{}');
    const link = join(job.dir, 'state.json');
    symlinkSync(real, link);
    const result = await launch(CLI, job.env, ['revoke', '--state', link]).result;
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/the state file .*state\.json is not a file of this user/);
  });

  it('revoke keeps a state file it cannot read and fails, naming the file and the fix', async () => {
    const job = await gitlabJob();
    const cases = [
      ['broken.json', '{"version": 2, "credentials": [', 'not valid JSON'],
      [
        'older.json',
        JSON.stringify({ version: 1, credentials: [] }),
        'not from this gatepass version',
      ],
    ] as const;
    for (const [name, text, why] of cases) {
      const state = join(job.dir, name);
      writeFileSync(state, text, { mode: 0o600 });
      const result = await launch(CLI, job.env, ['revoke', '--state', state]).result;
      expect(result.code).toBe(125);
      expect(result.stderr).toBe(
        `gatepass: the state file ${state} is ${why}; nothing was revoked. It is kept: revoke it with the gatepass version that wrote it (\`gatepass revoke --state ${state}\`), or revoke its credentials at the gateway by hand and delete the file\n`,
      );
      expect(readFileSync(state, 'utf8')).toBe(text);
    }
  });

  it("revoke scrubs the saved tokens from its lines (debug ones too) when the gateway's error quotes them", async () => {
    const job = await gitlabJob({ GATEPASS_DEBUG: '1' });
    const refresh = `rt-${randomBytes(16).toString('hex')}`;
    const access = `at-${randomBytes(16).toString('hex')}`;
    const state = join(job.dir, 'echo.json');
    const saved = {
      version: 2,
      requestId: 'abcd1234',
      settings: {
        provider: { name: 'token-exchange', client: { id: 'x' } },
        gateway: gw.url,
        timeoutMs: 5_000,
      },
      revoke: true,
      auditFile: join(job.dir, 'audit.json'),
      credentials: [
        {
          name: 'api',
          handle: {
            provider: 'token-exchange',
            endpoint: `${gw.url}/revoke`,
            clientId: 'x',
            tokens: [
              { token: refresh, hint: 'refresh_token' },
              { token: access, hint: 'access_token' },
            ],
          },
        },
      ],
    };
    writeFileSync(state, JSON.stringify(saved), { mode: 0o600 });
    // The gateway scrubs the token it sent from its error; this answer quotes the other one too.
    const description = `the refresh token ${refresh} is bound to the access token ${access}`;
    gw.intercept = (req) =>
      req.path === '/revoke'
        ? {
            status: 400,
            body: JSON.stringify({ error: 'invalid_request', error_description: description }),
          }
        : undefined;
    let result: Result;
    try {
      result = await launch(CLI, job.env, ['revoke', '--state', state]).result;
    } finally {
      gw.intercept = undefined;
    }
    expect(result.code).toBe(125);
    expect(result.stderr).toContain('(the refresh token *** is bound to the access token ***)');
    expect(result.stderr).not.toContain(refresh);
    expect(result.stderr).not.toContain(access);
    expect(existsSync(state)).toBe(true);
  });

  it('makes an existing state directory private', async () => {
    const job = await gitlabJob();
    const dir = join(`${job.project}.tmp`, 'gatepass');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    const result = await launch(CLI, job.env, ['run', '--', ...LEAKY]).result;
    expect(result.code).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a secret in the config file without echoing it', async () => {
    const job = await gitlabJob();
    const config = join(job.dir, 'gatepass.yml');
    writeFileSync(config, 'client-secret: s3cr3t-value-in-a-file\n');
    const result = await launch(CLI, job.env, ['run', '--config', config, '--', 'true']).result;
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(
      /must not hold `client-secret`, a secret.*GATEPASS_CLIENT_SECRET/,
    );
    expect(result.stderr).not.toContain('s3cr3t');
  });

  it('refuses invalid YAML in the config file without quoting it', async () => {
    const job = await gitlabJob();
    const config = join(job.dir, 'gatepass.yml');
    writeFileSync(config, 'gateway: [unclosed s3cr3t\n');
    const result = await launch(CLI, job.env, ['run', '--config', config, '--', 'true']).result;
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/is not valid YAML \(line \d+\)/);
    expect(result.stderr).not.toContain('s3cr3t');
  });

  it('--help names every input', async () => {
    const result = await launch(CLI, { PATH: process.env.PATH ?? '' }, ['run', '--help']).result;
    expect(result.code).toBe(0);
    for (const name of INPUT_NAMES) expect(result.stdout).toContain(`--${name}`);
  });
});

function readdir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

async function waitFor(ready: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
