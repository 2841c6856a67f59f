/**
 * The runner's side of the action contract, for tests that run the bundles
 * as child processes: `INPUT_*` with action.yml's defaults, spawning an
 * entry point, and reading the file commands it wrote.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const MAIN = 'dist/main/index.js';
export const POST = 'dist/post/index.js';
export const CLI = 'dist/cli/index.js';

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  startedAt: number;
}

/** INPUT_<NAME> for every input of action.yml: its default unless given. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const action = parse(readFileSync('action.yml', 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    // The runner evaluates `${{ github.token }}`; a placeholder token stands in.
    const fallback = (spec.default ?? '').replace(
      '${{ github.token }}',
      'ghs_placeholderTokenForTests0000000000',
    );
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = inputs[name] ?? fallback;
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  }
  return env;
}

export function launch(entry: string, env: Record<string, string>, args: readonly string[] = []) {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [entry, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const result = new Promise<Result>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        startedAt,
      });
    });
  });
  return { child, result, stdout: () => Buffer.concat(out).toString() };
}

/** Parses a file-command file (`name<<delimiter` blocks); the last value of a key wins. */
export function readCommands(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (m === null) continue;
    const [, name = '', delimiter] = m;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '');
    values[name] = body.join('\n');
  }
  return values;
}
