// bench:sync's `server` and `server-pg` cases: the same corpus replicated through the service path, as users of
// the native, SWR and ACR APIs reach the copy engine. `server`: a Regatta server on embedded PGlite with its
// workers in the process, as `regatta serve` runs them; `server-pg`: an API-only server and two `regatta worker`
// processes on one PostgreSQL (DATABASE_URL), as a scale-out runs. Both registries connected, one INITIATIVE rule
// over the namespace, `POST /rules/{id}/run` (its 202 timed on its own: the selection runs in the background),
// timed until the batch has finished; then the same rule run again (nothing changed). skopeo sync of the same
// corpus into a fresh target is timed in the same run, for the ratio. Fair share: once a tenth of the first run's
// tasks have ended, a second project runs a rule of 5 small images (`side/app`) and its batch is timed from the
// run request to its end, noting whether the big batch was still running then.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { startWorkerProcess, type WorkerProcess } from '../../test/integration/serve-process.js';
import { addRegistry, apiCall, type Json, startServer, type TestServer } from '../../test/integration/server.js';
import { freshPostgresDatabase } from '../../test/support/database.js';
import { buildImage, pushImage } from '../../test/support/fixtures.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { type CpuSeconds, cpuWindow, embeddedDatabase } from './crawl-cpu.js';
import { type DbWrites, writesWindow } from './db-writes.js';
import { type Measured, timed } from './processes.js';
import { manifestDigestAt } from './raw-stream.js';
import { type CorpusImage, NAMESPACE } from './sync-corpus.js';
import { skopeoSyncArgs, type Tools } from './tools.js';

export interface ServerRun {
  run: number;
  /** Milliseconds until the rule run's 202 (first run, then re-run). */
  acceptMs: number[];
  firstS: number;
  resyncS: number;
  skopeoS: number;
  /** The second project's 5-task batch, started during the first run: seconds from its run request to its end. */
  sideS?: number;
  /** Whether the big batch still had tasks open when the side batch ended. */
  sideBeforeBig?: boolean;
  /** CPU seconds of the first run: Regatta (server and workers), the embedded database, both registries. */
  cpu?: CpuSeconds;
  /** With --writes: what the first run (and the side batch) wrote, and its task count. */
  writes?: DbWrites & { tasks: number };
}

/** The second project of the fair-share measurement, and its 5 images. */
const SIDE = { project: 'b3nchside0project01', token: 'bench-side-project-token-01', repository: 'side/app', tags: 5 };

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

async function batchOf(url: string, batch: string, token?: string): Promise<Json> {
  const { json } = await apiCall(url, 'GET', `/batches/${batch}`, { token });
  if (json.selection === 'FAILED') throw new Error(`selection failed: ${json.selection_detail}`);
  return json;
}

/**
 * How often the bench asks for a batch's state: every 50 ms, its own requests were a fifth of the embedded
 * database's statements (a token check and the batch's counts each time); a console polls every few seconds.
 * The end is seen up to this late, which counts against Regatta.
 */
const POLL_MS = 200;

async function untilBatch(url: string, batch: string, done: (b: Json) => boolean, token?: string): Promise<Json> {
  for (;;) {
    const b = await batchOf(url, batch, token);
    if (done(b)) return b;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Starts a run of the rule; its 202 time goes to `acceptMs`. */
async function startRun(url: string, ruleId: string, acceptMs: number[], token?: string) {
  const started = process.hrtime.bigint();
  const run = await apiCall(url, 'POST', `/rules/${ruleId}/run`, { token });
  acceptMs.push(Number(process.hrtime.bigint() - started) / 1e6);
  if (run.status !== 202) throw new Error(`rule run: ${run.status} ${JSON.stringify(run.json)}`);
  return { started, batchId: run.json.batch_id as string };
}

/** Waits for the run's end; seconds since its request. Any failed task fails the bench. */
async function endOfRun(url: string, run: { started: bigint; batchId: string }, token?: string): Promise<number> {
  await untilBatch(url, run.batchId, (b) => !!b.finished_at, token);
  const s = seconds(run.started);
  const failed = await apiCall(url, 'GET', `/tasks?batch_id=${run.batchId}&status=ERROR&limit=1`, { token });
  if (failed.json.total > 0) {
    const t = failed.json.tasks[0];
    throw new Error(
      `rule run: ${failed.json.total} tasks failed, e.g. ${t.source.repository}:${t.source.tag} ${t.issue}: ${t.issue_detail}`,
    );
  }
  return s;
}

/** A rule from `src` to `dst` of the caller's project; its id. */
async function createRule(url: string, body: Json, token?: string): Promise<string> {
  const rule = await apiCall(url, 'POST', '/rules', { body, token });
  if (rule.status !== 201) throw new Error(`rule: ${rule.status} ${JSON.stringify(rule.json)}`);
  return rule.json.id;
}

/**
 * The second project's batch, started once a tenth of the big batch's tasks have ended: its seconds to the end, and
 * whether the big batch was still running then.
 */
async function sideBatch(server: TestServer, src: TestRegistry, dst: TestRegistry, bigBatch: string) {
  await untilBatch(server.url, bigBatch, (b) => b.tasks > 0 && (b.by_status.SUCCESS ?? 0) >= b.tasks / 10);
  await server.runtime.ctx.identities.ensure({ projectId: SIDE.project, name: 'side', token: SIDE.token });
  const as = { project: SIDE.project, token: SIDE.token };
  const srcId = await addRegistry(server.url, { name: 'side-src', host: src.host, as, wait: false });
  const dstId = await addRegistry(server.url, { name: 'side-dst', host: dst.host, as, wait: false });
  const [namespace, repository] = SIDE.repository.split('/');
  const body = {
    source: { registry_id: srcId, namespace, repository },
    target: { registry_id: dstId, namespace: 'side-copy' },
  };
  const run = await startRun(server.url, await createRule(server.url, body, SIDE.token), [], SIDE.token);
  const sideS = await endOfRun(server.url, run, SIDE.token);
  const big = await batchOf(server.url, bigBatch);
  return { sideS, sideBeforeBig: !big.finished_at };
}

/** The second project's images: small, distinct. */
async function pushSideImages(src: TestRegistry): Promise<void> {
  for (let i = 0; i < SIDE.tags; i++) {
    await pushImage(src, SIDE.repository, `s${i}`, await buildImage({ format: 'oci', seed: `bench-side-${i}` }));
  }
}

/** The service under test: embedded with in-process workers, or API-only on PostgreSQL with two worker processes. */
interface Service {
  server: TestServer;
  /** What to count the CPU of: the embedded database, the worker processes. */
  pids: { database?: number; workers?: number[] };
  stop(): Promise<void>;
}

async function startService(databaseUrl: string | undefined): Promise<Service> {
  if (!databaseUrl) {
    // The polling interval `regatta serve` uses (the test harness polls faster).
    const server = await startServer({ workerOptions: { pollingIntervalSeconds: 1 } });
    return { server, pids: { database: (await embeddedDatabase())?.pid }, stop: () => server.stop() };
  }
  const db = await freshPostgresDatabase(databaseUrl);
  const secretKey = randomBytes(32).toString('base64');
  const server = await startServer({ databaseUrl: db.url, workers: false, secretKey });
  const workers: WorkerProcess[] = [];
  try {
    for (let w = 0; w < 2; w++) workers.push(await startWorkerProcess(db.url, secretKey));
  } catch (err) {
    await Promise.all(workers.map((w) => w.stop()));
    throw err;
  }
  return {
    server,
    pids: { workers: workers.map((w) => w.child.pid!) },
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await server.stop();
      await db.drop();
    },
  };
}

/** A run's writes per task, in words. */
export function perTask(w: DbWrites & { tasks: number }): string {
  const each = (n: number) => (n / w.tasks).toFixed(1);
  return (
    `per task ${each(w.transactions)} transactions, rows ${each(w.inserted)} inserted, ${each(w.updated)} updated, ` +
    `${each(w.deleted)} deleted (${w.tasks} tasks)`
  );
}

async function verify(dst: TestRegistry, corpus: CorpusImage[]): Promise<void> {
  const limit = pLimit(8);
  const wrong: string[] = [];
  await Promise.all(
    corpus.map((c) =>
      limit(async () => {
        // The rule maps corpus/<repo> to mirror/<repo>.
        const repo = `mirror/${c.repository.split('/').slice(1).join('/')}`;
        const got = await manifestDigestAt(dst, repo, c.tag);
        if (got !== c.image.digest) wrong.push(`${repo}:${c.tag}`);
      }),
    ),
  );
  if (wrong.length) throw new Error(`${wrong.length} images wrong at the target, e.g. ${wrong[0]}`);
}

export async function benchServerSync(opts: {
  runs: number;
  work: string;
  tools: Tools;
  src: TestRegistry;
  corpus: CorpusImage[];
  skopeoYaml: string;
  progress: (m: string) => void;
  /** PostgreSQL for the `server-pg` case; the embedded default without. */
  databaseUrl?: string;
  /** Count the first run's database writes (adds 11 s per run for the statistics to settle). */
  writes?: boolean;
}): Promise<ServerRun[]> {
  const out: ServerRun[] = [];
  await pushSideImages(opts.src);
  for (let n = 1; n <= opts.runs; n++) {
    const dst = await startRegistry();
    const service = await startService(opts.databaseUrl);
    const { server } = service;
    const acceptMs: number[] = [];
    try {
      const srcId = await addRegistry(server.url, { name: 'src', host: opts.src.host });
      const dstId = await addRegistry(server.url, { name: 'dst', host: dst.host });
      const ruleId = await createRule(server.url, {
        source: { registry_id: srcId, namespace: NAMESPACE },
        target: { registry_id: dstId, namespace: 'mirror' },
      });
      const endWrites = opts.writes ? await writesWindow(server.runtime.ctx.db as never) : undefined;
      const endCpu = await cpuWindow({ registry: [opts.src.pid, dst.pid], ...service.pids });
      const first = await startRun(server.url, ruleId, acceptMs);
      const side = await sideBatch(server, opts.src, dst, first.batchId);
      const firstS = await endOfRun(server.url, first);
      const cpu = await endCpu();
      const writes = endWrites && { ...(await endWrites()), tasks: opts.corpus.length + SIDE.tags };
      await verify(dst, opts.corpus);
      const resyncS = await endOfRun(server.url, await startRun(server.url, ruleId, acceptMs));
      const accepted = acceptMs.map((ms) => ms.toFixed(0)).join('/');
      const during = side.sideBeforeBig ? 'before the big batch ended' : 'after the big batch';
      opts.progress(
        `  server run ${n}: first ${firstS.toFixed(2)} s, re-run ${resyncS.toFixed(2)} s, 202 in ${accepted} ms; ` +
          `second project's 5 tasks ${side.sideS.toFixed(2)} s (${during})`,
      );
      if (writes) opts.progress(`    database: ${perTask(writes)}`);
      out.push({ run: n, acceptMs, firstS, resyncS, skopeoS: 0, ...side, cpu, ...(writes ? { writes } : {}) });
    } finally {
      await service.stop();
      await dst.stop();
    }
    const target = await startRegistry();
    try {
      const skopeo = opts.tools.skopeo(skopeoSyncArgs(opts.skopeoYaml, `${target.host}/mirror/${NAMESPACE}`));
      const m: Measured = await timed(skopeo.cmd, skopeo.args, {
        env: skopeo.env,
        timeFile: join(opts.work, `server-skopeo-${n}.txt`),
      });
      out[out.length - 1]!.skopeoS = m.wallS;
      opts.progress(`  skopeo sync run ${n}: ${m.wallS.toFixed(2)} s`);
    } finally {
      await target.stop();
    }
  }
  return out;
}
