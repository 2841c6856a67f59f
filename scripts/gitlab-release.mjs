// Prepares a release of the GitLab component project (gitlab/README.md § Publishing):
//
//   node scripts/gitlab-release.mjs --project your-group/gatepass --out ../gatepass-component
//
// writes into --out (a clone of the component project, or an empty directory)
// gitlab/'s files, the CLI tarball of this checkout (`npm pack`) as
// gatepass.tgz, and the template with its defaults pinned to that tarball: the
// version (package.json's), its SHA-256, and the package registry of the
// component project. Commit that, tag it with the version, push: the tag's
// pipeline checks the tarball against the pin, publishes it to the project's
// generic package registry and releases the component.
//
// The SHA-256 is pinned in the template, not published next to the tarball:
// the template a user includes is fixed by the tag they pin, while a checksum
// file in the registry could be replaced by whoever can replace the tarball.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const TEMPLATE = 'templates/credentials.yml';
const PLACEHOLDER_PROJECT = 'your-group%2Fgatepass';

const { values } = parseArgs({
  options: {
    project: { type: 'string' },
    out: { type: 'string' },
  },
});
if (values.project === undefined || values.out === undefined) {
  console.error('usage: node scripts/gitlab-release.mjs --project GROUP/PROJECT --out DIR');
  process.exit(2);
}
if (!/^[\w.-]+(\/[\w.-]+)+$/.test(values.project)) {
  console.error(`--project: not a GitLab project path: ${values.project}`);
  process.exit(2);
}

const root = resolve(import.meta.dirname, '..');
const out = resolve(values.out);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// The tarball users will install, exactly as `npm pack` makes it.
const packDir = mkdtempSync(join(tmpdir(), 'gatepass-release-'));
let tarball;
try {
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
    cwd: root,
    encoding: 'utf8',
  });
  tarball = readFileSync(join(packDir, packed.trim().split('\n').at(-1)));
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
const sha256 = createHash('sha256').update(tarball).digest('hex');

mkdirSync(out, { recursive: true });
for (const entry of ['templates', 'README.md', '.gitlab-ci.yml']) {
  cpSync(join(root, 'gitlab', entry), join(out, entry), { recursive: true });
}
writeFileSync(join(out, 'gatepass.tgz'), tarball);

/** Replaces the one `default:` of a template input, or fails. */
function pin(text, input, from, to) {
  const block = new RegExp(`(\\n    ${input}:\\n(?:      .*\\n)*?      default: )(.*)\\n`);
  const match = block.exec(text);
  if (match === null || match[2] !== from) {
    throw new Error(`${TEMPLATE}: input ${input} has no default ${from}`);
  }
  return text.replace(block, `$1${to}\n`);
}

const templatePath = join(out, TEMPLATE);
let template = readFileSync(templatePath, 'utf8');
template = pin(template, 'gatepass-version', version, version);
template = pin(template, 'gatepass-sha256', "''", sha256);
const registry = (project) => `$CI_API_V4_URL/projects/${project}/packages/generic/gatepass`;
template = pin(
  template,
  'gatepass-registry',
  registry(PLACEHOLDER_PROJECT),
  registry(encodeURIComponent(values.project)),
);
writeFileSync(templatePath, template);

console.log(
  `gatepass ${version}: gatepass.tgz, ${String(tarball.length)} bytes, SHA-256 ${sha256}`,
);
console.log(`pinned in ${join(out, TEMPLATE)} for ${values.project}. Next, in ${out}:`);
console.log(`  git add -A && git commit -m "gatepass ${version}" && git tag ${version}`);
console.log(`  git push origin HEAD ${version}`);
