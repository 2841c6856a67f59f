/**
 * The npm package as `npm pack` makes it: exactly the CLI bundle (no source
 * maps, no sources, no tests), the metadata a registry page shows, and a
 * README whose links work from that page, where only the packed files exist:
 * every link is absolute (to a file of this repository that exists) or an
 * anchor of the README itself.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);

interface Packed {
  name: string;
  version: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

const REPOSITORY = 'https://github.com/gatepass/gatepass';
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown>;

let packed: Packed;
let paths: string[];

beforeAll(async () => {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--silent'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const [first] = JSON.parse(stdout) as Packed[];
  if (first === undefined) throw new Error('npm pack listed no package');
  packed = first;
  paths = packed.files.map((f) => f.path).sort();
}, 60_000);

describe('npm pack', () => {
  it('holds the CLI bundle, its licences, README, LICENSE and package.json, nothing else', () => {
    const bundle = readdirSync('dist/cli')
      .filter((file) => !file.endsWith('.map'))
      .map((file) => `dist/cli/${file}`);
    expect(bundle).toContain('dist/cli/index.js');
    expect(bundle).toContain('dist/cli/licenses.txt');
    expect(paths).toEqual(['LICENSE', 'README.md', ...bundle, 'package.json'].sort());
  });

  it('leaves the source maps out, and stays under 4.6 MB unpacked', () => {
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(readdirSync('dist/cli').some((file) => file.endsWith('.map'))).toBe(true);
    // 4.2 MB without them, 1.7 MB of it the PostgreSQL parser's WebAssembly (README § The CLI).
    expect(packed.unpackedSize).toBeLessThan(4.6e6);
  });

  it('has every chunk the bundle loads', () => {
    const chunks = new Set<string>();
    for (const file of paths.filter((p) => p.endsWith('.js') || p.endsWith('.cjs'))) {
      const code = readFileSync(file, 'utf8');
      for (const [, chunk] of code.matchAll(/["'](\.\/[\w.-]+\.c?js)["']/g)) {
        if (chunk !== undefined) chunks.add(join('dist/cli', chunk));
      }
      for (const [, id] of code.matchAll(/\b\w+\.e\((\d+)\)/g)) {
        if (id !== undefined) chunks.add(`dist/cli/${id}.index.js`);
      }
    }
    expect(chunks.size).toBeGreaterThan(1);
    for (const chunk of chunks) expect([chunk, paths.includes(chunk)]).toEqual([chunk, true]);
  });

  it('has the metadata the registry page shows', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git` });
    expect(pkg.homepage).toBe(`${REPOSITORY}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPOSITORY}/issues` });
    expect(pkg.keywords).toEqual(expect.arrayContaining(['oidc', 'github-actions', 'gitlab-ci']));
    expect(pkg.license).toBe('MIT');
    expect(pkg.bin).toEqual({ gatepass: 'dist/cli/index.js' });
    expect(readFileSync('dist/cli/index.js', 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const slugs = new Set<string>();
  for (const [, heading = ''] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    slugs.add(
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return slugs;
}

function linkProblems(markdown: string): string[] {
  const problems: string[] = [];
  const slugs = anchors(markdown);
  // Inline links and images, outside code spans and blocks.
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (target.startsWith('#')) {
      if (!slugs.has(target.slice(1))) problems.push(`no heading for ${target}`);
    } else if (target.startsWith(`${REPOSITORY}/blob/main/`)) {
      const file = target.slice(`${REPOSITORY}/blob/main/`.length).split('#')[0] ?? '';
      if (!existsSync(file)) problems.push(`no file ${file} in the repository`);
    } else if (!/^https:\/\//.test(target)) {
      problems.push(`relative link ${target}`);
    }
  }
  return problems;
}

describe("the packed README's links", () => {
  it('are absolute links to files that exist, or anchors of the README', () => {
    expect(paths).toContain('README.md');
    expect(linkProblems(readFileSync('README.md', 'utf8'))).toEqual([]);
  });

  it('the check finds a relative link, a missing file and a missing anchor', () => {
    const broken = [
      '# Use it',
      '[a](docs/vault.md) [b](#use-it) [c](#nowhere)',
      `[d](${REPOSITORY}/blob/main/docs/nowhere.md) \`[e](docs/x.md)\``,
    ].join('\n');
    expect(linkProblems(broken)).toEqual([
      'relative link docs/vault.md',
      'no heading for #nowhere',
      'no file docs/nowhere.md in the repository',
    ]);
  });
});
