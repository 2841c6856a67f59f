/** The entry point as a user runs it: Node 24 on the TypeScript source. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from '@jest/globals';

describe('examples/gateway/server.ts', () => {
  it('prints its URL, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['examples/gateway/server.ts', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const stderr: string[] = [];
    child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
    const lines = createInterface({ input: child.stdout });
    const url = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => {
        reject(new Error(`exited ${String(code)}: ${stderr.join('')}`));
      });
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const doc = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
    };
    expect(doc.issuer).toBe(url);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr.join('')).toContain('NOT FOR PRODUCTION');
    expect(stderr.join('')).toContain('export ACTIONS_ID_TOKEN_REQUEST_URL=');
  });
});
