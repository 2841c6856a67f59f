/**
 * Entry point: `node examples/gateway/server.ts --port 0` (Node 24 runs the
 * TypeScript directly). The sources import each other with `.js` suffixes, as
 * the repository's tsconfig requires; the hook below maps those to the `.ts`
 * files when running unbuilt.
 */
import { registerTsResolution } from '../resolve-ts.mjs';

async function run(): Promise<void> {
  registerTsResolution();
  const { main } = await import('./run.js');
  await main(process.argv.slice(2));
}

run().catch((err: unknown) => {
  process.stderr.write(`gateway: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
