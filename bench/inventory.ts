// `npm run bench:inventory`: ListRegistryImages (store `listImages`) latency over a large inventory, on
// PostgreSQL and on embedded PGlite.
//   1. Per engine, a fresh database: PostgreSQL `regatta_bench_<random>` on DATABASE_URL (default
//      postgres://postgres@127.0.0.1:5432/postgres), dropped at the end; PGlite in a temp data dir through
//      openDatabase (the embedded child process + socket, as the app runs it). Migrated, then seeded with
//      --rows image rows (default 1,000,000; see lib/inventory-data.ts for the shape) and VACUUM ANALYZEd.
//   2. Each case of lib/inventory-cases.ts (every seed-003 filter, sorts, deep offsets, combinations): warm-up
//      runs, then ≥ --runs timed calls of listImages (more while the case is under its time budget).
//      Reported: total_num, p50 / p99 / max ms, and the median time of the count and page queries inside.
//   3. The console dashboard's read (projectOverview) timed the same way.
//   4. A table per engine; JSON in bench/out/inventory-<date>.json; unless --no-explain, the EXPLAIN (ANALYZE,
//      BUFFERS) of each case's count and page queries in bench/out/inventory-<date>-explain.txt.
// It measures src/ as it is (the migrations and listImages of the checkout). To try an index, pass --sql FILE:
// it is applied after seeding (then VACUUM ANALYZE), before the cases.
//
// Options: --rows N  --engines pg,pglite  --runs N  --cases id,id  --no-explain  --sql FILE
//          --load copy|insert (PostgreSQL only; PGlite always inserts)
//          --keep (PostgreSQL only: leave the seeded database for EXPLAIN experiments; drop it yourself)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kysely, type LogEvent, PostgresDialect } from 'kysely';
import { type Database, openDatabase } from '../src/store/database.js';
import { type ImageFilter, listImages } from '../src/store/images-query.js';
import { migrate } from '../src/store/migrate.js';
import { projectOverview } from '../src/store/overview.js';
import type { Schema } from '../src/store/schema.js';
import { ALL_ENTERPRISE_PROJECTS, type Scope } from '../src/store/scope.js';
import { admin, databaseUrlFor, freshDataDir } from '../test/support/database.js';
import { type BenchCase, inventoryCases } from './lib/inventory-cases.js';
import { Inventory, type InventoryStats, PROJECT_ID } from './lib/inventory-data.js';
import { type LoadMethod, type SeedTimings, seedInventory } from './lib/inventory-seed.js';
import { fmt, type LatencySummary, median, sample, summarize, textTable } from './lib/latency.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'bench', 'out');
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

type EngineId = 'pg' | 'pglite';

interface Settings {
  rows: number;
  engines: EngineId[];
  sql?: string;
  runs: number;
  cases?: Set<string>;
  explain: boolean;
  load: LoadMethod;
  keep: boolean;
}

function settings(): Settings {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      engines: { type: 'string', default: 'pg,pglite' },
      sql: { type: 'string' },
      runs: { type: 'string', default: '30' },
      cases: { type: 'string' },
      'no-explain': { type: 'boolean', default: false },
      load: { type: 'string', default: 'copy' },
      keep: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string, min: number) => {
    const n = Number(v.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} wants an integer ≥ ${min}, got "${v}"`);
    return n;
  };
  const list = <T extends string>(name: string, v: string, allowed: readonly T[]) => {
    const items = v.split(',').map((x) => x.trim()) as T[];
    for (const x of items) if (!allowed.includes(x)) throw new Error(`--${name}: unknown "${x}"`);
    return items;
  };
  if (values.load !== 'copy' && values.load !== 'insert') throw new Error('--load wants copy or insert');
  return {
    rows: int('rows', values.rows, 100),
    engines: list('engines', values.engines, ['pg', 'pglite'] as const),
    sql: values.sql ? resolve(values.sql) : undefined,
    runs: int('runs', values.runs, 1),
    cases: values.cases ? new Set(values.cases.split(',').map((c) => c.trim())) : undefined,
    explain: !values['no-explain'],
    load: values.load,
    keep: values.keep,
  };
}

const started = performance.now();
function progress(message: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

// ---- engines -------------------------------------------------------------------------------------------------

interface Engine {
  id: EngineId;
  database: Database;
  version: string;
  /** Closes the database and deletes it. Idempotent. */
  cleanup(): Promise<void>;
}

/** Cleanups still to run, also on SIGINT/SIGTERM. */
const cleanups = new Set<() => Promise<void>>();

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}

async function openEngine(id: EngineId, keep: boolean): Promise<Engine> {
  let database: Database;
  let cleanup: () => Promise<void>;
  if (id === 'pg') {
    const base = process.env.DATABASE_URL || DEFAULT_URL;
    const name = `regatta_bench_${randomBytes(6).toString('hex')}`;
    await admin(base, `CREATE DATABASE ${name}`);
    const drop = keep
      ? async () => progress(`pg: kept database ${name} (DROP DATABASE ${name} WITH (FORCE) when done)`)
      : () => admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    cleanups.add(drop);
    try {
      database = await openDatabase({ databaseUrl: databaseUrlFor(base, name), dataDir: tmpdir(), poolSize: 4 });
    } catch (err) {
      await drop();
      cleanups.delete(drop);
      throw err;
    }
    cleanup = once(async () => {
      try {
        await database.close();
      } finally {
        await drop();
      }
    });
    cleanups.delete(drop);
    progress(`pg: database ${name}`);
  } else {
    const dir = await freshDataDir();
    cleanups.add(dir.remove);
    try {
      database = await openDatabase({ dataDir: dir.dataDir, poolSize: 4 });
    } catch (err) {
      await dir.remove();
      cleanups.delete(dir.remove);
      throw err;
    }
    cleanup = once(async () => {
      try {
        await database.close();
      } finally {
        await dir.remove();
      }
    });
    cleanups.delete(dir.remove);
    progress(`pglite: data dir ${dir.dataDir} (server pid ${database.serverPid})`);
  }
  cleanups.add(cleanup);
  const version = (await database.pool.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;
  await migrate(database.pool);
  return {
    id,
    database,
    version,
    cleanup: async () => {
      await cleanup();
      cleanups.delete(cleanup);
    },
  };
}

// ---- measuring -----------------------------------------------------------------------------------------------

interface Captured {
  sql: string;
  parameters: readonly unknown[];
  ms: number;
}

/** What a query of listImages does, from its SQL (an EXPLAIN is the row estimate of a capped count). */
function kind(sql: string): 'registries' | 'count' | 'estimate' | 'page' | 'platforms' {
  if (/^explain/i.test(sql)) return 'estimate';
  if (/from "registries"/.test(sql)) return 'registries';
  if (/count\(/.test(sql)) return 'count';
  if (/from "image_platforms"/.test(sql)) return 'platforms';
  return 'page';
}

interface CaseResult {
  id: string;
  title: string;
  filter: ImageFilter;
  allEnterpriseProjects: boolean;
  totalNum: number;
  pageRows: number;
  latency: LatencySummary;
  /** Median ms per phase inside listImages (registries, count incl. the estimate, page, platforms), client-side. */
  queryMedians: Record<string, number>;
  samplesMs: number[];
  /** 1-minute load average when the case ended: the bench alone makes about 1; well above, something competed. */
  load1: number;
}

async function runCases(engine: Engine, cases: BenchCase[], s: Settings, explain: string[]): Promise<CaseResult[]> {
  let captured: Captured[] = [];
  const log = (e: LogEvent) => {
    if (e.level === 'query')
      captured.push({ sql: e.query.sql, parameters: e.query.parameters, ms: e.queryDurationMillis });
  };
  // A second Kysely on the same pool, logging its queries; never destroyed (that would end the shared pool).
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: engine.database.pool }), log });
  const results: CaseResult[] = [];
  for (const c of cases) {
    const scope: Scope = {
      projectId: PROJECT_ID,
      enterpriseProjectId: c.allEnterpriseProjects ? ALL_ENTERPRISE_PROJECTS : '0',
    };
    const perKind: Record<string, number[]> = {};
    const { ms, last } = await sample(
      async () => {
        captured = [];
        const out = await listImages(db, scope, c.filter);
        // Per call: ms by phase, the estimate counted with the count it completes.
        const phases: Record<string, number> = {};
        for (const q of captured) {
          const k = kind(q.sql) === 'estimate' ? 'count' : kind(q.sql);
          phases[k] = (phases[k] ?? 0) + q.ms;
        }
        for (const [k, ms] of Object.entries(phases)) {
          perKind[k] ??= [];
          perKind[k].push(ms);
        }
        return out;
      },
      { warmup: 3, minRuns: s.runs, maxRuns: Math.max(s.runs, 200), budgetMs: 3_000, slowMs: 500 },
    );
    const latency = summarize(ms);
    const queryMedians = Object.fromEntries(Object.entries(perKind).map(([k, v]) => [k, median(v)]));
    results.push({
      id: c.id,
      title: c.title,
      filter: c.filter,
      allEnterpriseProjects: !!c.allEnterpriseProjects,
      totalNum: last.total,
      pageRows: last.rows.length,
      latency,
      queryMedians,
      samplesMs: ms.map((x) => Number(x.toFixed(3))),
      load1: Number(loadavg()[0]!.toFixed(2)),
    });
    progress(
      `  ${engine.id} ${c.id}: total ${last.total}, p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms (${ms.length} runs, load ${loadavg()[0]!.toFixed(2)})`,
    );
    if (s.explain) {
      captured = [];
      await listImages(db, scope, c.filter);
      for (const q of captured.filter((x) => ['count', 'page'].includes(kind(x.sql)))) {
        const plan = await engine.database.pool.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`,
          q.parameters as unknown[],
        );
        explain.push(
          `==== ${engine.id} / ${c.id} (${c.title}) — ${kind(q.sql)} query`,
          q.sql,
          `-- parameters: ${JSON.stringify(q.parameters)}`,
          ...plan.rows.map((r) => r['QUERY PLAN']),
          '',
        );
      }
    }
  }
  return results;
}

function resultTable(results: CaseResult[]): string {
  return textTable(
    ['case', 'total_num', 'p50 ms', 'p99 ms', 'max ms', 'count ms', 'page ms', 'runs'],
    results.map((r) => [
      `${r.id}: ${r.title}`,
      String(r.totalNum),
      fmt(r.latency.p50),
      fmt(r.latency.p99),
      fmt(r.latency.max),
      r.queryMedians.count === undefined ? '-' : fmt(r.queryMedians.count),
      r.queryMedians.page === undefined ? '-' : fmt(r.queryMedians.page),
      String(r.latency.runs),
    ]),
  );
}

// ---- main ----------------------------------------------------------------------------------------------------

interface EngineRecord {
  engine: EngineId;
  version: string;
  seed: SeedTimings;
  /** --sql applied after seeding (file and ms, VACUUM ANALYZE included). */
  sql?: { file: string; ms: number };
  cases: CaseResult[];
  /** The console dashboard's one read (store projectOverview: counts by state over every image row). */
  overview: LatencySummary;
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

async function benchEngine(id: EngineId, s: Settings, now: number, explain: string[]): Promise<EngineRecord> {
  const engine = await openEngine(id, s.keep);
  try {
    progress(`${id}: ${engine.version}`);
    const inventory = new Inventory({ rows: s.rows, now });
    const method: LoadMethod = id === 'pglite' ? 'insert' : s.load;
    const seed = await seedInventory(engine.database, inventory, method, progress);
    const stats: InventoryStats = inventory.stats();
    progress(
      `${id}: seeded ${stats.rows.toLocaleString('en-US')} rows (${stats.repositories.toLocaleString('en-US')} repositories, ` +
        `${stats.namespaces} namespaces) in ${(seed.totalMs / 1000).toFixed(1)} s: load ${(seed.loadMs / 1000).toFixed(1)} s, ` +
        `platforms ${(seed.platformsMs / 1000).toFixed(1)} s, findings ${(seed.findingsMs / 1000).toFixed(1)} s, indexes ${(seed.indexMs / 1000).toFixed(1)} s, ` +
        `vacuum analyze ${(seed.vacuumAnalyzeMs / 1000).toFixed(1)} s; images ${(seed.imagesBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    lastStats = stats;
    const cases = inventoryCases(stats, now).filter((c) => !s.cases || s.cases.has(c.id));
    let sqlApplied: EngineRecord['sql'];
    if (s.sql) {
      const t = performance.now();
      await engine.database.pool.query(await readFile(s.sql, 'utf8'));
      await engine.database.pool.query('VACUUM ANALYZE images');
      sqlApplied = { file: relative(ROOT, s.sql), ms: performance.now() - t };
      progress(`${id}: applied ${sqlApplied.file} + VACUUM ANALYZE in ${(sqlApplied.ms / 1000).toFixed(1)} s`);
    }
    const results = await runCases(engine, cases, s, explain);
    console.log(`\n${id} (${stats.rows.toLocaleString('en-US')} rows)\n${resultTable(results)}\n`);
    const overview = await benchOverview(engine, s);
    console.log(
      `${id} dashboard overview: p50 ${fmt(overview.p50)} ms, p99 ${fmt(overview.p99)} ms (${overview.runs} runs)\n`,
    );
    const record: EngineRecord = {
      engine: id,
      version: engine.version,
      seed,
      ...(sqlApplied ? { sql: sqlApplied } : {}),
      cases: results,
      overview,
    };
    return record;
  } finally {
    await engine.cleanup();
    progress(`${id}: database closed${s.keep && id === 'pg' ? '' : ' and deleted'}`);
  }
}

/** GET /api/v1/overview's store read: group-bys over every image, task and registry row of the project. */
async function benchOverview(engine: Engine, s: Settings): Promise<LatencySummary> {
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: engine.database.pool }) });
  const scope: Scope = { projectId: PROJECT_ID, enterpriseProjectId: ALL_ENTERPRISE_PROJECTS };
  const { ms } = await sample(() => projectOverview(db, scope), {
    warmup: 2,
    minRuns: s.runs,
    maxRuns: Math.max(s.runs, 50),
    budgetMs: 3_000,
    slowMs: 2_000,
  });
  return summarize(ms);
}

let lastStats: InventoryStats | undefined;

/** The commit whose src/ is measured, "+changes" when src/ differs from it. */
function checkout(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--', 'src') ? `${commit}+changes` : commit;
}

async function main(): Promise<void> {
  const s = settings();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}, deleting the bench databases`);
      // Queries still running fail as their connections go; that is expected now, not a crash.
      process.on('uncaughtException', (err) => console.error(`bench: while stopping: ${err.message}`));
      void Promise.allSettled([...cleanups].map((c) => c())).then(() => process.exit(130));
    });
  }
  const when = new Date();
  const now = when.getTime();
  const source = checkout();
  const loadAtStart = loadavg();
  if (loadAtStart[0]! > 0.7)
    progress(`warning: load average ${loadAtStart[0]!.toFixed(2)} before the start; latencies will be noisy`);
  const explain: string[] = [];
  const engines: EngineRecord[] = [];
  progress(
    `bench:inventory: ${s.rows.toLocaleString('en-US')} rows, engines ${s.engines.join(',')}, src at ${source}` +
      (s.sql ? `, then ${relative(ROOT, s.sql)}` : ''),
  );
  for (const id of s.engines) engines.push(await benchEngine(id, s, now, explain));

  const record = {
    date: when.toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      loadavgAtStart: loadAtStart,
      loadavgAtEnd: loadavg(),
    },
    source,
    settings: { ...s, cases: s.cases ? [...s.cases] : undefined },
    data: lastStats,
    engines,
  };
  await mkdir(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `inventory-${stamp(when)}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  progress(`wrote ${relative(ROOT, file)}`);
  if (s.explain) {
    const plans = join(OUT_DIR, `inventory-${stamp(when)}-explain.txt`);
    await writeFile(plans, `${explain.join('\n')}\n`);
    progress(`wrote ${relative(ROOT, plans)}`);
  }
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  await Promise.allSettled([...cleanups].map((c) => c()));
  process.exit(1);
});
