// The floor bench/action.ts compares the action with: a plain Node script that
// makes the same three requests as `provider: vault` (the runner's ID token,
// Vault's JWT login, one database credential), with fetch and no checks, and
// then starts the same command. It masks, records and revokes nothing.
// Reads the action's own variables, so both run under one environment.
/* global fetch */
import { spawn } from 'node:child_process';

const env = process.env;
const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '');
url.searchParams.set('audience', env.INPUT_AUDIENCE ?? '');
const identity = await fetch(url, {
  headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''}` },
}).then((r) => r.json());
const vault = env.INPUT_GATEWAY ?? '';
const login = await fetch(`${vault}/v1/auth/jwt/login`, {
  method: 'POST',
  body: JSON.stringify({ role: env['INPUT_VAULT-ROLE'], jwt: identity.value }),
}).then((r) => r.json());
const secret = await fetch(`${vault}/v1/database/creds/migrator`, {
  headers: { 'x-vault-token': login.auth.client_token },
}).then((r) => r.json());
spawn('bash', ['-c', env.INPUT_RUN ?? ''], {
  env: { ...env, PGUSER: secret.data.username, PGPASSWORD: secret.data.password },
  stdio: 'inherit',
});
