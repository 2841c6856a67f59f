// The guardrail layer's costs (#15): loading the PostgreSQL parser (its
// WebAssembly compiled on first use), classifying a statement, evaluating it
// against the built-in rules. Run unbuilt:
//   npm exec -- node --import ./bench/ts-hook.mjs bench/guardrails.ts
// Medians of BENCH_RUNS rounds (default 5) of N statements each.
import { classifySql, loadSqlParser } from '../src/guardrails/sql.js';
import { evaluateSql } from '../src/guardrails/evaluate.js';
import { DEFAULT_SQL_GUARDRAILS } from '../src/guardrails/rules.js';

const SAMPLES: Record<string, string> = {
  'point select': 'SELECT * FROM users WHERE id = $1',
  'insert … select': `INSERT INTO audit.log (a, b) SELECT x, y FROM public.events WHERE id > 10 ON CONFLICT DO NOTHING`,
  'psql \\dt': `SELECT n.nspname as "Schema", c.relname as "Name" FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p','') AND n.nspname <> 'pg_catalog' AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1,2`,
  'migration (3 DDL)': `CREATE TABLE public.users (id integer NOT NULL, email text, created_at timestamptz DEFAULT now()); CREATE INDEX i ON public.users (email); ALTER TABLE public.users ADD CONSTRAINT pk PRIMARY KEY (id)`,
  '100 inserts': Array.from(
    { length: 100 },
    (_, i) => `INSERT INTO t${i} VALUES (${i}, 'x${i}')`,
  ).join(';'),
};
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const N = 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function perCall(run: () => unknown): Promise<number> {
  for (let i = 0; i < N / 10; i++) await run(); // warm up
  const rounds: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    for (let i = 0; i < N; i++) await run();
    rounds.push(((performance.now() - started) / N) * 1000);
  }
  return median(rounds);
}

const rss = process.memoryUsage().rss;
const started = performance.now();
await loadSqlParser();
const load = performance.now() - started;
const grown = (process.memoryUsage().rss - rss) / 1e6;
process.stdout.write(
  `${process.version}: parser load ${load.toFixed(1)} ms, resident memory +${grown.toFixed(0)} MB\n`,
);
for (const [name, sql] of Object.entries(SAMPLES)) {
  const classification = await classifySql({ sql });
  const classify = await perCall(() => classifySql({ sql }));
  const evaluate = await perCall(() =>
    evaluateSql({ guardrails: DEFAULT_SQL_GUARDRAILS, classification }),
  );
  process.stdout.write(
    `${name} (${sql.length} chars): classify ${classify.toFixed(1)} µs, evaluate ${evaluate.toFixed(1)} µs\n`,
  );
}
process.stdout.write(
  `resident memory after the runs: +${((process.memoryUsage().rss - rss) / 1e6).toFixed(0)} MB\n`,
);
