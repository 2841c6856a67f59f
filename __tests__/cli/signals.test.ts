/**
 * `gatepass run`'s signal routing (cli/run.ts withSignals) in-process, with
 * signals sent by hand at a chosen moment: the bundle tests send real ones,
 * but cannot aim at the short window after the revocation.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCommand } from '../../src/cli/run.js';
import type { SignalSource } from '../../src/cli/io.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';
import { gitlabJobEnv } from '../helpers/runner.js';

const POLICY = `
max_ttl: 1h
rules:
  - name: gitlab
    match: { project_path: group/project }
    scopes: [read]
    audiences: ["https://api.example.com"]
`;

let gw: TestGateway;
let root: string;

beforeAll(async () => {
  gw = await testGateway({ policy: POLICY });
  root = mkdtempSync(join(tmpdir(), 'gatepass-cli-signals-'));
});
afterAll(async () => {
  await gw.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A signal source the test fires by hand; `exit` records the code instead of exiting. */
function signalSource() {
  let handler: ((sig: 'SIGINT' | 'SIGTERM') => void) | undefined;
  const exits: number[] = [];
  const source: SignalSource = {
    subscribe: (h) => {
      handler = h;
      return () => {
        handler = undefined;
      };
    },
    exit: (code) => {
      exits.push(code);
    },
  };
  return { source, exits, send: (sig: 'SIGINT' | 'SIGTERM') => handler?.(sig) };
}

describe('gatepass run: signals after the revocation', () => {
  it('while the summary is written, the first is noted as such and the second ends gatepass with 143', async () => {
    const dir = mkdtempSync(join(root, 'job-'));
    const project = join(dir, 'project');
    mkdirSync(project);
    const signals = signalSource();
    let stderr = '';
    let sent = false;
    // Synchronous, so the signals arrive while gatepass writes its summary:
    // the revocation is over by then and the job no longer takes signals.
    const err = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const text = chunk.toString();
        stderr += text;
        if (!sent && text.startsWith('\n')) {
          sent = true;
          signals.send('SIGTERM');
          signals.send('SIGTERM');
        }
        done();
      },
    });
    const code = await runCommand(['--', 'true'], {
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr: err,
      env: {
        ...gitlabJobEnv({ projectDir: project }),
        GATEPASS_ID_TOKEN: await gw.mintIdToken({ platform: 'gitlab' }),
        GATEPASS_GATEWAY: gw.url,
        GATEPASS_CREDENTIALS: '- name: api\n  scope: read\n  audience: https://api.example.com',
      },
      cwd: project,
      signals: signals.source,
    });
    expect(sent).toBe(true);
    expect(code).toBe(0);
    expect(stderr).toContain('gatepass: "api" revoked');
    expect(stderr).toContain(
      'gatepass: warning: received SIGTERM: the run is over, writing the audit record and summary; send it again to stop now',
    );
    expect(stderr).not.toContain('revoking the credentials first');
    expect(signals.exits).toEqual([143]);
  });
});
