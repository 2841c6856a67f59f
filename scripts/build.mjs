// Bundles every entry point that exists into dist/<name>/index.js with @vercel/ncc.
// One ncc process per entry keeps the bundles independent (the action's main and
// post must not share chunks) and the output deterministic.
import { existsSync, writeFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';

const entries = ['cli', 'main', 'post'];
const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js';

for (const name of entries) {
  const source = `src/bin/${name}.ts`;
  if (!existsSync(source)) continue;
  // Build beside the target and swap it in, so a test reading dist/ while
  // another build runs never sees a half-written bundle.
  const staging = `dist/.${name}-${process.pid}`;
  execFileSync(
    process.execPath,
    [
      ncc,
      'build',
      source,
      '-o',
      staging,
      '--minify',
      '--source-map',
      '--license',
      'licenses.txt',
      '--quiet',
      // Type checking is `npm run lint`'s job; the bundle must not depend on unrelated files.
      '--transpile-only',
    ],
    { stdio: 'inherit' },
  );
  // ncc writes licenses.txt only when it bundled third-party code; say so either way.
  if (!existsSync(`${staging}/licenses.txt`)) {
    writeFileSync(`${staging}/licenses.txt`, 'This bundle contains no third-party code.\n');
  }
  await rm(`dist/${name}`, { recursive: true, force: true });
  await rename(staging, `dist/${name}`);
}
