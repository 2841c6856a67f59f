/**
 * pgbench through the proxy: `-i` (DROP, CREATE, COPY FROM STDIN, VACUUM),
 * then a few seconds of each query mode, and a pipelined script. The TPS
 * through the proxy against direct, in the same run, is printed as a ratio
 * for the report; it is not asserted (the machine is shared), the absence of
 * failures is.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { createRole, run, startProxy, type Role, type TestProxy } from './postgres-proxy.js';

let pg: TestPostgres;
let role: Role;
let proxy: TestProxy;
let direct: string;
const SECONDS = Number(process.env.GATEPASS_PGBENCH_SECONDS ?? 3);

/**
 * A byte pipe in this process, the floor for any proxy in Node on this
 * machine: what the proxy costs beyond it is its own.
 */
function startPipe(to: TestPostgres): Promise<Server> {
  const server = createServer({ noDelay: true }, (client) => {
    const upstream = connect({ host: to.host, port: to.port, noDelay: true });
    client.pipe(upstream).on('error', () => upstream.destroy());
    upstream.pipe(client).on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(server);
    }),
  );
}

let pipe: Server;
let piped: string;

beforeAll(async () => {
  pg = await startPostgres();
  role = await createRole(pg);
  pipe = await startPipe(pg);
  const address = pipe.address();
  const pipePort = typeof address === 'object' && address !== null ? address.port : 0;
  piped = `postgresql://${role.user}:${role.password}@127.0.0.1:${pipePort}/app?sslmode=disable`;
  // Everything allowed: pgbench -i drops its tables first. inspect still sees every statement.
  proxy = await startProxy(pg, role, {
    inspect: () => Promise.resolve({ allow: true, kinds: ['bench'] }),
  });
  direct = `postgresql://${role.user}:${role.password}@${pg.host}:${pg.port}/app?sslmode=disable`;
}, 120_000);

afterAll(async () => {
  pipe.close();
  await proxy.close();
  await pg.stop();
});

function tps(output: string): number {
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
  if (match?.[1] === undefined) throw new Error(`no tps in pgbench output:\n${output}`);
  return Number(match[1]);
}

async function bench(url: string, args: string[]): Promise<{ tps: number; output: string }> {
  const out = await run('pgbench', [...args, '-n', url], undefined, 120_000);
  expect(out.stderr).not.toMatch(/error|FATAL/i);
  expect(out.code).toBe(0);
  expect(out.stdout).toMatch(/number of failed transactions: 0 /);
  return { tps: tps(out.stdout), output: out.stdout };
}

describe('pgbench', () => {
  test('-i through the proxy', async () => {
    const out = await run('pgbench', ['-i', '-s', '1', '-q', proxy.url], undefined, 120_000);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('done in');
    const [row] = await pg.query<{ n: string }>('SELECT count(*) AS n FROM pgbench_accounts');
    expect(row?.n).toBe('100000');
    expect(proxy.records.some((r) => r.commandTag === 'COPY 100000')).toBe(true);
  }, 120_000);

  const ratios: string[] = [];
  for (const mode of ['simple', 'extended', 'prepared']) {
    test(`-M ${mode}: through the proxy and direct`, async () => {
      const args = ['-M', mode, '-c', '2', '-j', '2', '-T', String(SECONDS)];
      // Interleaved, so a load change on the shared machine hits all three alike.
      const through = await bench(proxy.url, args);
      const straight = await bench(direct, args);
      const floor = await bench(piped, args);
      const ratio = through.tps / straight.tps;
      ratios.push(
        `${mode}: proxy ${through.tps.toFixed(0)} tps, direct ${straight.tps.toFixed(0)}, plain Node pipe ${floor.tps.toFixed(0)}: ` +
          `proxy/direct ${ratio.toFixed(2)}, pipe/direct ${(floor.tps / straight.tps).toFixed(2)}, proxy/pipe ${(through.tps / floor.tps).toFixed(2)}`,
      );
      expect(ratio).toBeGreaterThan(0);
    }, 60_000);
  }

  test('a pipelined script (\\startpipeline … \\endpipeline) in extended mode', async () => {
    const script = join(pg.dir, 'pipeline.sql');
    writeFileSync(
      script,
      [
        '\\set aid random(1, 100000)',
        '\\startpipeline',
        'SELECT abalance FROM pgbench_accounts WHERE aid = :aid;',
        'UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;',
        'SELECT 1;',
        '\\endpipeline',
        '',
      ].join('\n'),
    );
    const before = proxy.records.length;
    await bench(proxy.url, ['-M', 'extended', '-f', script, '-c', '2', '-t', '200']);
    const records = proxy.records.slice(before);
    expect(records.filter((r) => r.sql.startsWith('UPDATE pgbench_accounts')).length).toBe(400);
    expect(records.every((r) => r.outcome === 'ok')).toBe(true);
  }, 60_000);

  afterAll(() => {
    // For the report: the ratio of TPS through the proxy to direct, same machine, same run.
    console.log(`pgbench TPS ratios (proxy / direct, ${SECONDS} s each):\n${ratios.join('\n')}`);
  });
});
