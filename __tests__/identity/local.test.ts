import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GatepassError } from '../../src/common/errors.js';
import { localIdentity } from '../../src/identity/local.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await testGateway();
});
afterAll(async () => {
  await gw.stop();
});

describe('localIdentity', () => {
  it('reads GATEPASS_ID_TOKEN', async () => {
    const value = await gw.mintIdToken({ platform: 'github' });
    const registered: string[] = [];
    const token = await localIdentity({
      env: { GATEPASS_ID_TOKEN: value },
      registerSecret: (v) => registered.push(v),
    }).token();
    expect(token.platform).toBe('local');
    expect(token.claims.repository).toBe('octo-org/app');
    expect(registered).toEqual([value]);
  });

  it('reads a file, trailing newline and all', async () => {
    const value = await gw.mintIdToken({ platform: 'gitlab' });
    const file = join(await mkdtemp(join(tmpdir(), 'gatepass-')), 'id-token');
    await writeFile(file, `${value}\n`);
    const token = await localIdentity({ file, env: {}, registerSecret: () => undefined }).token();
    expect(token.value).toBe(value);
  });

  it('says what is missing', async () => {
    const none = (await localIdentity({ env: {}, registerSecret: () => undefined })
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(none).toMatchObject({
      code: 'IDENTITY',
      message: 'no ID token: GATEPASS_ID_TOKEN is empty or not set',
    });
    expect(none.hint).toContain('--id-token-file');

    const missing = (await localIdentity({
      file: '/nonexistent/token',
      registerSecret: () => undefined,
    })
      .token()
      .catch((e: unknown) => e)) as GatepassError;
    expect(missing).toMatchObject({
      code: 'INPUT',
      message: 'cannot read --id-token-file /nonexistent/token (ENOENT)',
    });
  });
});
