// The floors bench/action.ts compares the action with: a plain Node script that
// makes the same three requests as `provider: vault` (the runner's ID token,
// Vault's JWT login, one database credential), and then starts the same
// command. It masks, records and revokes nothing. `node plain-vault.mjs http`
// makes the requests with node:http, or node:https for https URLs (what
// gatepass's transport uses when no proxy applies; https loaded only then),
// without an argument with fetch (whose first use loads
// Node's own undici). Reads the action's own variables, so both run under one
// environment.
/* global fetch */
// Built-ins through process.getBuiltinModule, not `import`: an ESM import of
// node:http makes its namespace by reading every export, and its lazy
// `WebSocket` getter then loads Node's own undici (60 ms on Node 24), which
// neither gatepass's bundle (createRequire) nor vault-action (CommonJS) pays.
const { spawn } = process.getBuiltinModule('node:child_process');
const { request } = process.getBuiltinModule('node:http');

const env = process.env;
const send = process.argv[2] === 'http' ? viaHttp : viaFetch;

const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '');
url.searchParams.set('audience', env.INPUT_AUDIENCE ?? '');
const identity = await send(url, {
  headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''}` },
});
const vault = env.INPUT_GATEWAY ?? '';
const login = await send(new URL(`${vault}/v1/auth/jwt/login`), {
  method: 'POST',
  body: JSON.stringify({ role: env['INPUT_VAULT-ROLE'], jwt: identity.value }),
});
const secret = await send(new URL(`${vault}/v1/database/creds/migrator`), {
  headers: { 'x-vault-token': login.auth.client_token },
});
spawn('bash', ['-c', env.INPUT_RUN ?? ''], {
  env: { ...env, PGUSER: secret.data.username, PGPASSWORD: secret.data.password },
  stdio: 'inherit',
});

function viaFetch(target, init) {
  return fetch(target, init).then((r) => r.json());
}

async function viaHttp(target, { method = 'GET', headers = {}, body } = {}) {
  const { request: send } =
    target.protocol === 'https:' ? process.getBuiltinModule('node:https') : { request };
  return new Promise((resolve, reject) => {
    const req = send(target, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end(body);
  });
}
