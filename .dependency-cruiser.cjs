/**
 * The import rule (`npm run lint`): src/ is a pipeline, and a folder imports
 * only the folders to its right, type imports included:
 *
 *   bin → cli → platform → flow → {audit, delivery} → approvals → gateways
 *       → identity → config → guardrails → {masking, common}
 *
 * Plus: no import cycle anywhere; `@actions/*` only in the two GitHub
 * adapters; masking/ and common/ import no other gatepass folder.
 */
const LAYERS = [
  ['bin'],
  ['cli'],
  ['platform'],
  ['flow'],
  ['audit', 'delivery'],
  ['approvals'],
  ['gateways'],
  ['identity'],
  ['config'],
  ['guardrails'],
  ['masking', 'common'],
];

const folder = (names) => `^src/(${names.join('|')})/`;

/** For each layer: nothing in it may import a layer to its left, or a sibling of its own rank. */
const upward = LAYERS.flatMap((layer, rank) => {
  const forbidden = [...LAYERS.slice(0, rank).flat(), ...(layer.length > 1 ? layer : [])];
  if (forbidden.length === 0) return [];
  return layer.map((name) => ({
    name: `${name}-imports-only-rightward`,
    comment: `src/${name}/ may import only folders to its right in ${LAYERS.map((l) => l.join('|')).join(' → ')}`,
    severity: 'error',
    from: { path: folder([name]) },
    to: {
      path: folder(forbidden.filter((f) => f !== name)),
    },
  }));
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: split the shared part into the folder to the right of both',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'actions-only-in-github-adapters',
      comment: '@actions/* belongs to the GitHub adapters only (DESIGN.md § Conventions)',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: '^src/(platform/github|approvals/github)\\.ts$',
      },
      to: { path: '@actions/' },
    },
    {
      name: 'src-only-in-src',
      comment: 'Every file under src/ is reached from an entry point or is dead code',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: '^src/bin/' },
      to: {},
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
