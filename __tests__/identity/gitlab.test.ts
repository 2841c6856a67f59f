import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GatepassError } from '../../src/common/errors.js';
import { gitlabIdentity } from '../../src/identity/gitlab.js';
import { captureLog, type CapturedLog } from '../helpers/log.js';
import { testGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let log: CapturedLog;
let registered: string[];

beforeAll(async () => {
  gw = await testGateway();
});
afterAll(async () => {
  await gw.stop();
});
beforeEach(() => {
  log = captureLog();
  registered = [];
});
afterEach(() => {
  log.expectNoSecrets(registered);
});

const mint = (options: { audience?: string; issuedAt?: number; ttlSeconds?: number } = {}) =>
  gw.mintIdToken({ platform: 'gitlab', audience: 'https://gateway.example', ...options });

function source(env: Record<string, string>, variable?: string) {
  return gitlabIdentity({
    env,
    audience: 'https://gateway.example',
    registerSecret: (v) => registered.push(v),
    logger: log.logger,
    ...(variable === undefined ? {} : { variable }),
  });
}

async function failure(p: Promise<unknown>): Promise<GatepassError> {
  return (await p.catch((e: unknown) => e)) as GatepassError;
}

describe('gitlabIdentity', () => {
  it('reads GATEPASS_ID_TOKEN and registers it', async () => {
    const value = await mint();
    const token = await source({ GATEPASS_ID_TOKEN: value }).token();
    expect(token.platform).toBe('gitlab');
    expect(token.claims).toMatchObject({ project_path: 'group/project', ref: 'main' });
    expect(token.claims.sub).toBe('project_path:group/project:ref_type:branch:ref:main');
    expect(registered).toEqual([value]);
    expect(log.lines).toEqual([]);
  });

  it('reads the variable id-token-variable names', async () => {
    const value = await mint();
    const token = await source({ VAULT_ID_TOKEN: value }, 'VAULT_ID_TOKEN').token();
    expect(token.value).toBe(value);
  });

  it('shows the id_tokens: snippet when the variable is absent', async () => {
    const err = await failure(source({}).token());
    expect(err.code).toBe('IDENTITY');
    expect(err.message).toBe('GitLab gave this job no ID token in GATEPASS_ID_TOKEN');
    expect(err.hint).toContain(
      '`id_tokens: { GATEPASS_ID_TOKEN: { aud: "https://gateway.example" } }`',
    );
  });

  it('shows the snippet when the variable holds something else, and still masks it', async () => {
    const err = await failure(source({ GATEPASS_ID_TOKEN: 'glpat-xxxxxxxxxxxxxxxxxxxx' }).token());
    expect(err.message).toContain('GATEPASS_ID_TOKEN does not hold a JWT');
    expect(err.hint).toContain('id_tokens:');
    expect(err.message + String(err.hint)).not.toContain('glpat-');
    expect(registered).toEqual(['glpat-xxxxxxxxxxxxxxxxxxxx']);
  });

  it('refuses a variable name that cannot be one', () => {
    expect(() => source({}, 'NOT-A-NAME')).toThrow(
      'id-token-variable "NOT-A-NAME" is not a variable name',
    );
  });

  it('warns when the token is for another audience', async () => {
    await source({ GATEPASS_ID_TOKEN: await mint({ audience: 'https://gitlab.com' }) }).token();
    expect(log.lines).toEqual([
      'warning: the ID token in GATEPASS_ID_TOKEN is for audience https://gitlab.com, not https://gateway.example; set `aud: "https://gateway.example"` under `id_tokens: GATEPASS_ID_TOKEN:` if the gateway refuses it',
    ]);
  });

  it('cannot renew: an expired token is an error, a nearly expired one a warning', async () => {
    const old = await mint({ issuedAt: Math.floor(Date.now() / 1000) - 1000 });
    const err = await failure(source({ GATEPASS_ID_TOKEN: old }).token());
    expect(err.code).toBe('IDENTITY');
    expect(err.message).toMatch(/^the ID token from GATEPASS_ID_TOKEN expired at \d{4}-/);
    expect(err.hint).toContain('retry the job');

    const ids = source({ GATEPASS_ID_TOKEN: await mint({ ttlSeconds: 30 }) });
    expect(ids.canRefresh).toBe(false);
    await ids.token();
    await ids.token();
    expect(log.lines.filter((l) => l.includes('cannot be renewed here'))).toHaveLength(1);
  });
});
