/**
 * Time from process start to token received, against the reference gateway:
 *
 *   node examples/gateway/measure.ts [--runs 20]
 *
 * Starts a gateway, then runs this file again `--runs` times as a child that
 * does what gatepass does on GitHub: get the ID token through
 * `core.getIDToken` (ACTIONS_ID_TOKEN_REQUEST_URL points at the local issuer),
 * discover the gateway and exchange the token. Each child reports
 * `performance.now()` (milliseconds since its process started) when the
 * access token arrives; the parent also measures spawn-to-exit wall time.
 */
import { spawn } from 'node:child_process';
import { registerTsResolution } from '../resolve-ts.mjs';
import { fileURLToPath } from 'node:url';

async function run(): Promise<void> {
  registerTsResolution();
  if (process.env.MEASURE_CHILD === '1') await child();
  else await parent(Number(process.argv[process.argv.indexOf('--runs') + 1] ?? 20) || 20);
}

async function child(): Promise<void> {
  const { githubIdentity } = await import('../../src/identity/github.js');
  const { createTokenExchangeGateway } = await import('../../src/gateways/token-exchange.js');
  const gatewayUrl = process.env.MEASURE_GATEWAY ?? '';
  const identity = githubIdentity({ audience: gatewayUrl, registerSecret: () => undefined });
  const gateway = createTokenExchangeGateway({
    gateway: gatewayUrl,
    registerSecret: () => undefined,
  });
  const loaded = performance.now();
  const id = await identity.token();
  const idAt = performance.now();
  const issued = await gateway.issue(
    {
      name: 'measure',
      ttlSeconds: 300,
      tokenExchange: { scope: 'read', audience: 'https://api.example.com' },
    },
    id,
    new AbortController().signal,
  );
  if (issued.kind !== 'issued') throw new Error('pending');
  const done = performance.now();
  process.stderr.write(`${JSON.stringify({ loaded, idAt, done })}\n`);
}

async function parent(runs: number): Promise<void> {
  const { startGateway } = await import('./index.js');
  const gw = await startGateway({
    policy:
      'rules: [{ name: r, match: { repository: octo-org/app }, scopes: [read], audiences: ["https://**"] }]',
  });
  const inProcess: number[] = [];
  const wall: number[] = [];
  const loaded: number[] = [];
  const idTokens: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      // Asynchronously: a synchronous spawn would block this process's gateway.
      const result = await spawnChild(gw.url, gw.idTokenRequestUrl, gw.idTokenRequestToken);
      wall.push(performance.now() - started);
      inProcess.push(result.done);
      loaded.push(result.loaded);
      idTokens.push(result.idAt - result.loaded);
    }
  } finally {
    await gw.stop();
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  };
  process.stdout.write(
    `${runs} runs on ${process.version}: median ${median(inProcess).toFixed(0)} ms from process start to token received ` +
      `(min ${Math.min(...inProcess).toFixed(0)}, max ${Math.max(...inProcess).toFixed(0)}); ` +
      `median spawn-to-exit ${median(wall).toFixed(0)} ms; of which median ${median(loaded).toFixed(0)} ms ` +
      `Node start and module loading, ${median(idTokens).toFixed(0)} ms the ID token\n`,
  );
}

interface Marks {
  loaded: number;
  idAt: number;
  done: number;
}

function spawnChild(url: string, requestUrl: string, requestToken: string): Promise<Marks> {
  return new Promise<Marks>((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      env: {
        ...process.env,
        MEASURE_CHILD: '1',
        MEASURE_GATEWAY: url,
        ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.once('exit', (code) => {
      const line = /^\{.*\}$/m.exec(err)?.[0];
      if (code === 0 && line !== undefined) resolve(JSON.parse(line) as Marks);
      else reject(new Error(`child failed (${String(code)}): ${err}`));
    });
  });
}

run().catch((err: unknown) => {
  process.stderr.write(`measure: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
