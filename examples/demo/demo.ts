/**
 * `npm start`: the whole story on one machine. A GitLab-style job gets an ID
 * token, asks the gateway for a database credential, waits for a human (the
 * demo approves itself after a pause), runs a "migration" with the
 * credential while gatepass masks its output, and revokes it; then the demo
 * checks, at the gateway and the database, that nothing is left.
 *
 * It runs the committed `dist/cli` bundle as a child process, exactly as a
 * CI job runs `gatepass run`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { closest } from '../../src/common/suggest.js';
import { stringify } from 'yaml';
import { tokenExchangeBackend, vaultBackend, type Backend } from './backends.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'index.js');
const APPROVER = 'alice (demo reviewer)';
const PAUSE_MS = 3_000;

const HELP = `Usage: npm start [-- options]

Runs gatepass end to end on this machine: local OIDC issuer, reference
gateway, a real PostgreSQL role when PostgreSQL is installed, approval,
masked output, revocation, audit record. Nothing needs an account or network.

Options:
  --no-approval         skip the approval step
  --provider NAME       token-exchange (default: the reference gateway) or
                        vault (a Vault double: JWT login, dynamic DB secret)
  --fail                make the migration fail, to show revocation after a failure
  --no-postgres         use a token credential even when PostgreSQL is installed
  --help                this text
`;

const OPTIONS = {
  'no-approval': { type: 'boolean', default: false },
  provider: { type: 'string', default: 'token-exchange' },
  fail: { type: 'boolean', default: false },
  'no-postgres': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

/** The options, or a one-line error that suggests the closest option and points at --help. */
function options(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS }).values;
  } catch (err) {
    const reason = err instanceof Error ? (err.message.split('.')[0] ?? '') : 'bad options';
    const unknown = /^Unknown option '--?([^']+)'/.exec(reason)?.[1];
    const near = unknown === undefined ? undefined : closest(unknown, Object.keys(OPTIONS));
    const suggestion = near === undefined ? '' : ` (did you mean --${near}?)`;
    throw new Error(`${reason}${suggestion}. Run "npm start -- --help" for the options`, {
      cause: err,
    });
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const values = options(argv);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.provider !== 'token-exchange' && values.provider !== 'vault') {
    process.stderr.write(`demo: --provider must be token-exchange or vault\n${HELP}`);
    return 2;
  }
  const approval = values.provider === 'token-exchange' && !values['no-approval'];
  const backend =
    values.provider === 'vault'
      ? await vaultBackend()
      : await tokenExchangeBackend({ approval, usePostgres: !values['no-postgres'] });
  const work = mkdtempSync(join(tmpdir(), 'gatepass-demo-'));
  try {
    return await story(backend, work, { fail: values.fail });
  } finally {
    await backend.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function story(backend: Backend, work: string, options: { fail: boolean }): Promise<number> {
  heading('0. What runs here (all on 127.0.0.1, stopped at the end)');
  for (const line of backend.description) say(line);

  heading('1. The job starts: GitLab gives it an ID token (`id_tokens:`)');
  const idToken = await backend.idToken();
  say('claims (the signature is never printed):');
  for (const [name, value] of Object.entries(claimsOf(idToken))) say(`  ${name}: ${value}`);

  heading('2. The job runs `gatepass run -- ./migrate.sh` with this gatepass.yml');
  const project = join(work, 'builds', 'payments');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'gatepass.yml'), stringify(backend.config));
  writeFileSync(join(project, 'migrate.sh'), migration(backend, options.fail), {
    mode: 0o755,
  });
  for (const line of readFileSync(join(project, 'gatepass.yml'), 'utf8').trimEnd().split('\n')) {
    say(`  ${line}`);
  }
  say('everything below marked │ is what the job log shows');

  const job = runJob({ project, idToken, script: './migrate.sh' });
  if (backend.approval !== undefined) await approveWhenAsked(backend.approval, job, '3.');
  const code = await job.done;

  heading('4. After the job');
  say(`gatepass exited ${String(code)}${options.fail ? ' (the migration was told to fail)' : ''}`);
  for (const line of await backend.verifyRevoked()) say(line);
  const expected = options.fail ? 3 : 0;
  if (code !== expected) {
    say(`unexpected: the job should have exited ${String(expected)}`);
    return 1;
  }
  if (backend.dataPath === undefined || options.fail) return 0;
  return dataPathStory(backend, backend.dataPath, project);
}

/**
 * The same migration on the data path: the job gets gatepass's loopback
 * endpoint, never the password; a DROP is refused by rule, the session log
 * counts every statement, and the job cannot log in to the server itself.
 */
async function dataPathStory(
  backend: Backend,
  dataPath: NonNullable<Backend['dataPath']>,
  project: string,
): Promise<number> {
  heading('5. The data path: the same job with `proxy: postgres` (gatepass holds the password)');
  writeFileSync(join(project, 'gatepass.yml'), stringify(dataPath.config));
  writeFileSync(join(project, 'migrate-data-path.sh'), DATA_PATH_MIGRATION, { mode: 0o755 });
  for (const line of readFileSync(join(project, 'gatepass.yml'), 'utf8').trimEnd().split('\n')) {
    say(`  ${line}`);
  }
  const job = runJob({
    project,
    idToken: await backend.idToken(),
    script: './migrate-data-path.sh',
    env: { DEMO_SERVER_PORT: String(dataPath.serverPort) },
  });
  if (backend.approval !== undefined) await approveWhenAsked(backend.approval, job, '5.');
  const code = await job.done;

  heading('6. After the data-path job');
  say(`gatepass exited ${String(code)}`);
  for (const line of sessionLogLines(project)) say(line);
  for (const line of await backend.verifyRevoked()) say(line);
  if (code !== 0) {
    say('unexpected: the data-path job should have exited 0');
    return 1;
  }
  return 0;
}

/** The session log's lines, shortened: when, kind, outcome, rule. */
function sessionLogLines(project: string): string[] {
  const dir = `${project}.tmp`;
  const file = readdirSync(dir).find((f) => f.startsWith('gatepass-sessions-'));
  if (file === undefined) return ['no session log was written'];
  const entries = readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return [
    `session log ${join(dir, file)} (${String(entries.length)} statements, one JSON line each):`,
    ...entries.map((e) => {
      const kinds = Array.isArray(e.kinds) ? e.kinds.join('+') : '';
      const rule = typeof e.rule === 'string' ? ` by ${e.rule}` : '';
      const tag = typeof e.commandTag === 'string' ? ` ${e.commandTag}` : '';
      return `  ${String(e.time)}  ${kinds.padEnd(14)} ${String(e.outcome)}${rule}${tag}`;
    }),
  ];
}

/**
 * Connects through the endpoint, migrates, tries a DROP (refused, the session
 * goes on), then tries every value of its own environment as the role's
 * password against the server's real port: none logs in.
 */
const DATA_PATH_MIGRATION = `#!/usr/bin/env bash
set -uo pipefail
echo "migration: connecting to $PGHOST:$PGPORT/$PGDATABASE as $PGUSER (gatepass's loopback endpoint)"
role=$(psql -Atc "select current_user")
echo "migration: the server sees the role $role"
psql -v ON_ERROR_STOP=1 -q -c "create table if not exists invoices (id serial primary key, amount numeric not null)"
psql -v ON_ERROR_STOP=1 -q -c "insert into invoices (amount) values (12.50), (99.00)"
psql -Atc "select count(*) || ' invoices' from invoices"
echo "migration: a careless cleanup step runs DROP TABLE"
psql -c "drop table invoices" || echo "migration: refused; the session goes on"
psql -Atc "select count(*) || ' invoices still there' from invoices"
tried=0
while IFS= read -r -d '' entry; do
  value=\${entry#*=}
  [ \${#value} -ge 8 ] || continue
  tried=$((tried + 1))
  if PGPASSWORD="$value" psql -h 127.0.0.1 -p "$DEMO_SERVER_PORT" -U "$role" -d app -Atc 'select 1' >/dev/null 2>&1; then
    echo "migration: a value in this job's environment logs in to the server: the password leaked"
    exit 1
  fi
done < <(env -0)
echo "migration: none of the $tried values in this job's environment logs in to the server (port $DEMO_SERVER_PORT) as $role"
`;

/** `gatepass run` as a GitLab job runs it; its output goes to the terminal behind a bar. */
function runJob(job: {
  project: string;
  idToken: string;
  script: string;
  env?: Record<string, string>;
}): RunningJob {
  const { project, idToken } = job;
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--config', 'gatepass.yml', '--', 'bash', job.script],
    {
      cwd: project,
      env: {
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? project,
        GITLAB_CI: 'true',
        CI_PROJECT_DIR: project,
        CI_PROJECT_PATH: 'demo-group/payments',
        CI_COMMIT_SHA: '3f1c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
        CI_COMMIT_REF_NAME: 'main',
        CI_PIPELINE_ID: '4242',
        CI_JOB_ID: '90001',
        CI_JOB_NAME: 'migrate',
        GITLAB_USER_LOGIN: 'contractor-bob',
        GATEPASS_ID_TOKEN: idToken,
        ...job.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let announced = (): void => undefined;
  const waiting = new Promise<void>((resolve) => (announced = resolve));
  const out = bar();
  const err = bar((line) => {
    if (line.includes('Waiting for approval')) announced();
  });
  child.stdout.on('data', out.write);
  child.stderr.on('data', err.write);
  const done = new Promise<number>((resolve) => {
    child.on('close', (code) => {
      out.end();
      err.end();
      resolve(code ?? 1);
    });
  });
  return { done, waiting };
}

interface RunningJob {
  done: Promise<number>;
  /** Resolves once the job has said that it waits for an approval. */
  waiting: Promise<void>;
}

/** Waits for the request to be pending at the gateway, pauses visibly, approves it. */
async function approveWhenAsked(
  approval: NonNullable<Backend['approval']>,
  job: RunningJob,
  step: string,
): Promise<void> {
  const state = { finished: false };
  void job.done.then(() => (state.finished = true));
  // The reviewer comes in after the job log says it waits, so the story reads
  // in order however slowly the job gets there.
  await Promise.race([job.waiting, job.done]);
  while (!state.finished) {
    await sleep(200);
    const id = await approval.pending();
    if (id === undefined) continue;
    heading(`${step} Request ${id} waits at the gateway; a reviewer looks at it`);
    say(`${APPROVER} approves in ${String(PAUSE_MS / 1000)} s (POST /approvals/${id})`);
    await sleep(PAUSE_MS);
    await approval.approve(id, APPROVER);
    return;
  }
}

function migration(backend: Backend, fail: boolean): string {
  const { postgres } = backend;
  const query = postgres
    ? `psql -v ON_ERROR_STOP=1 -c "select current_user as role, rolvaliduntil as valid_until from pg_roles where rolname = current_user"`
    : `echo "${backend.noDatabase}"`;
  return `#!/usr/bin/env bash
set -euo pipefail
echo "migration: connecting to \${PGHOST:-db}:\${PGPORT:-5432}/\${PGDATABASE:-app} as \${PGUSER:-migrator}"
# A careless script prints its secret in every way scripts do; none of it reaches the log.
echo "password:     $PGPASSWORD"
echo "base64:       $(printf %s "$PGPASSWORD" | base64 -w0)"
echo "url-encoded:  $(node -e 'process.stdout.write(encodeURIComponent(process.env.PGPASSWORD))')"
echo "json:         $(node -e 'process.stdout.write(JSON.stringify({password: process.env.PGPASSWORD}))')"
echo "in pieces:    \${PGPASSWORD:0:10}" "\${PGPASSWORD:10}"
echo "to stderr:    $PGPASSWORD" >&2
${postgres ? 'echo "url:          $DATABASE_URL"\n' : ''}${query}
${fail ? 'echo "migration: step 3 of 5 failed" >&2\nexit 3' : 'echo "migration: done"'}
`;
}

function claimsOf(jwt: string): Record<string, string> {
  const payload = JSON.parse(
    Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'),
  ) as Record<string, unknown>;
  const shown: Record<string, string> = {};
  for (const name of ['iss', 'sub', 'aud', 'project_path', 'ref', 'user_login', 'exp']) {
    const value = payload[name];
    if (value === undefined) continue;
    shown[name] =
      name === 'exp' && typeof value === 'number'
        ? new Date(value * 1000).toISOString()
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
  }
  return shown;
}

/** Writes whole lines behind a bar; one per stream, so their partial lines never mix. */
function bar(onLine: (line: string) => void = () => undefined): {
  write: (chunk: Buffer) => void;
  end: () => void;
} {
  let partial = '';
  const show = (lines: string[]): void => {
    for (const line of lines) {
      process.stdout.write(`  │ ${line}\n`);
      onLine(line);
    }
  };
  return {
    write: (chunk) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      show(lines);
    },
    end: () => {
      if (partial !== '') show([partial]);
      partial = '';
    },
  };
}

function heading(text: string): void {
  process.stdout.write(`\n▶ ${text}\n`);
}

function say(text: string): void {
  process.stdout.write(`  ${text}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
