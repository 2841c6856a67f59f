/**
 * `npm start` runs this file with Node 24 (the `node` devDependency), which
 * runs the TypeScript directly. The sources import each other with `.js`
 * suffixes, as the repository's tsconfig requires; the hook maps those to
 * the `.ts` files.
 */
import { registerTsResolution } from '../resolve-ts.mjs';

async function run(): Promise<void> {
  registerTsResolution();
  const { main } = await import('./demo.js');
  process.exitCode = await main(process.argv.slice(2));
}

run().catch((err: unknown) => {
  process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
