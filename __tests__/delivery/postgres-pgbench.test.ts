/**
 * pgbench through the proxy: `-i` (DROP, CREATE, COPY FROM STDIN, VACUUM),
 * then a few seconds of each query mode, and a pipelined script. The TPS
 * through the proxy against direct, in the same run, is printed as a ratio
 * for the report; it is not asserted (the machine is shared), the absence of
 * failures is.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { createRole, run, startProxy, type Role, type TestProxy } from './postgres-proxy.js';

let pg: TestPostgres;
let role: Role;
let proxy: TestProxy;
let direct: string;
const SECONDS = Number(process.env.GATEPASS_PGBENCH_SECONDS ?? 3);

beforeAll(async () => {
  pg = await startPostgres();
  role = await createRole(pg);
  // Everything allowed: pgbench -i drops its tables first. inspect still sees every statement.
  proxy = await startProxy(pg, role, {
    inspect: () => Promise.resolve({ allow: true, kinds: ['bench'] }),
  });
  direct = `postgresql://${role.user}:${role.password}@${pg.host}:${pg.port}/app?sslmode=disable`;
}, 120_000);

afterAll(async () => {
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
      const through = await bench(proxy.url, args);
      const straight = await bench(direct, args);
      const ratio = through.tps / straight.tps;
      ratios.push(
        `${mode}: ${through.tps.toFixed(0)} tps through / ${straight.tps.toFixed(0)} direct = ${ratio.toFixed(2)}`,
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
