/** The throwaway PostgreSQL cluster lives with the reference gateway, which `npm start` also uses. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '../../examples/gateway/cluster.js';
import { testGateway, type TestGateway } from './gateway.js';

export { findPostgres, startPostgres, type TestPostgres } from '../../examples/gateway/cluster.js';

export interface PostgresGateway {
  pg: TestPostgres;
  gw: TestGateway;
  /** A temp directory for the test's files; stop() removes it. */
  root: string;
  /** Stops the gateway and the cluster; answers the gateway roles that were left, for the test to expect none. */
  stop(): Promise<string[]>;
}

/** A cluster with a reference gateway issuing roles in it under `policy`: the data-path tests' shared set-up. */
export async function postgresGateway(options: {
  policy: string;
  tempPrefix: string;
}): Promise<PostgresGateway> {
  const pg = await startPostgres();
  const gw = await testGateway({
    policy: options.policy,
    postgres: { url: pg.adminUrl, sweepSeconds: 0.2 },
  });
  const root = mkdtempSync(join(tmpdir(), options.tempPrefix));
  return {
    pg,
    gw,
    root,
    async stop() {
      await gw.stop();
      const left = await pg.gatewayRoles();
      await pg.stop();
      rmSync(root, { recursive: true, force: true });
      return left;
    },
  };
}
