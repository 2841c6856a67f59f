// Bundles every entry point that exists into dist/<name>/index.js with @vercel/ncc.
// One ncc process per entry keeps the bundles independent (the action's main and
// post must not share chunks) and the output deterministic.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';

const entries = ['cli', 'main', 'post'];
const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js';

for (const name of entries) {
  const source = `src/bin/${name}.ts`;
  if (!existsSync(source)) continue;
  await rm(`dist/${name}`, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      ncc,
      'build',
      source,
      '-o',
      `dist/${name}`,
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
}
