/**
 * The proxy's upstream TLS against a real PostgreSQL with `ssl = on` and a
 * self-signed certificate made here with openssl: each sslmode as libpq reads
 * it. The certificate names `localhost` only, so 127.0.0.1 is the wrong host.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chownSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { createRole, psql, sqlstate, startProxy, type Role } from './postgres-proxy.js';
import type { UpstreamTarget } from '../../src/delivery/postgres/server.js';

let pg: TestPostgres;
let role: Role;
let ca: string;

/** A key and a self-signed certificate for DNS:localhost, readable by the server's user only. */
function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
      ...[
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
    ],
    { stdio: 'ignore' },
  );
  const owner = statSync(dir);
  for (const file of [cert, key]) chownSync(file, owner.uid, owner.gid);
  execFileSync('chmod', ['600', key]);
  return { cert, key };
}

beforeAll(async () => {
  pg = await startPostgres();
  const { cert, key } = makeCertificate(pg.dir);
  ca = readFileSync(cert, 'utf8');
  await pg.query(`ALTER SYSTEM SET ssl_cert_file = '${cert}'`);
  await pg.query(`ALTER SYSTEM SET ssl_key_file = '${key}'`);
  await pg.query('ALTER SYSTEM SET ssl = on');
  await pg.query('SELECT pg_reload_conf()');
  // The reload is asynchronous: wait until a TLS login works.
  for (let i = 0; ; i++) {
    const c = new Client({ connectionString: pg.adminUrl, ssl: { rejectUnauthorized: false } });
    const ok = await c.connect().then(
      () => true,
      () => false,
    );
    await c.end().catch(() => undefined);
    if (ok) break;
    if (i > 50) throw new Error('the server did not turn TLS on');
    await new Promise((r) => setTimeout(r, 100));
  }
  role = await createRole(pg);
}, 120_000);

afterAll(async () => {
  await pg.stop();
});

/** What a connection through a proxy with `extra` upstream settings gives: the SSL flag or the SQLSTATE and message. */
async function through(extra: Partial<UpstreamTarget>): Promise<string> {
  const proxy = await startProxy(pg, role, {
    upstream: () =>
      Promise.resolve({
        host: pg.host,
        port: pg.port,
        database: 'app',
        ...role,
        sslmode: 'disable',
        ...extra,
      }),
  });
  try {
    const out = await psql(proxy.url, [
      '-c',
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    ]);
    return out.code === 0 ? `ssl=${out.stdout.trim()}` : out.stderr.trim();
  } finally {
    await proxy.close();
  }
}

describe('upstream TLS', () => {
  test('require: encrypted, no certificate check', async () => {
    expect(await through({ sslmode: 'require' })).toBe('ssl=t');
  });

  test('prefer: encrypted when the server offers it', async () => {
    expect(await through({ sslmode: 'prefer' })).toBe('ssl=t');
  });

  test('disable: plain', async () => {
    expect(await through({ sslmode: 'disable' })).toBe('ssl=f');
  });

  test("verify-full with the CA and the certificate's host name", async () => {
    expect(await through({ sslmode: 'verify-full', ca, host: 'localhost' })).toBe('ssl=t');
  });

  test('verify-full with a host name the certificate does not name fails', async () => {
    const out = await through({ sslmode: 'verify-full', ca, host: '127.0.0.1' });
    expect(out).toContain(
      'gatepass: TLS with the upstream server failed (ERR_TLS_CERT_ALTNAME_INVALID)',
    );
  });

  test('verify-ca checks the chain only: 127.0.0.1 passes', async () => {
    expect(await through({ sslmode: 'verify-ca', ca, host: '127.0.0.1' })).toBe('ssl=t');
  });

  test('verify-full without the CA fails: a self-signed certificate is not trusted', async () => {
    const out = await through({ sslmode: 'verify-full', host: 'localhost' });
    expect(out).toMatch(
      /TLS with the upstream server failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
    );
  });

  test('SCRAM over TLS (the TLS socket goes to the SASL client, for channel binding)', async () => {
    const proxy = await startProxy(pg, role, {
      upstream: () =>
        Promise.resolve({
          host: pg.host,
          port: pg.port,
          database: 'app',
          ...role,
          sslmode: 'require',
        }),
    });
    try {
      expect(
        await sqlstate(
          psql(proxy.url, ['-c', 'SELECT 1']).then((r) =>
            r.code === 0 ? r : Promise.reject(new Error(r.stderr)),
          ),
        ),
      ).toBe('ok');
    } finally {
      await proxy.close();
    }
  });
});
