// bench:sync's `server` and `server-pg` cases: the same corpus replicated through the service path, as users of
// the native, SWR and ACR APIs reach the copy engine. `server`: a Regatta server on embedded PGlite with its
// workers in the process, as `regatta serve` runs them; `server-pg`: an API-only server and two `regatta worker`
// processes on one PostgreSQL (DATABASE_URL), as a scale-out runs. Both registries connected, one INITIATIVE rule
// over the namespace, `POST /rules/{id}/run` (its 202 timed on its own: the selection runs in the background),
// timed until the batch has finished; then the same rule run again (nothing changed). skopeo sync of the same
// corpus into a fresh target is timed in the same run, for the ratio.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { startWorkerProcess, type WorkerProcess } from '../../test/integration/serve-process.js';
import { addRegistry, apiCall, startServer, type TestServer } from '../../test/integration/server.js';
import { freshPostgresDatabase } from '../../test/support/database.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
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
}

async function untilBatchDone(url: string, batch: string): Promise<void> {
  for (;;) {
    const { json } = await apiCall(url, 'GET', `/batches/${batch}`);
    if (json.selection === 'FAILED') throw new Error(`selection failed: ${json.selection_detail}`);
    if (json.finished_at) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runRule(url: string, ruleId: string, acceptMs: number[]): Promise<number> {
  const t = process.hrtime.bigint();
  const run = await apiCall(url, 'POST', `/rules/${ruleId}/run`);
  acceptMs.push(Number(process.hrtime.bigint() - t) / 1e6);
  if (run.status !== 202) throw new Error(`rule run: ${run.status} ${JSON.stringify(run.json)}`);
  await untilBatchDone(url, run.json.batch_id);
  const failed = await apiCall(url, 'GET', `/tasks?batch_id=${run.json.batch_id}&status=ERROR&limit=1`);
  if (failed.json.total > 0) {
    const t = failed.json.tasks[0];
    throw new Error(
      `rule run: ${failed.json.total} tasks failed, e.g. ${t.source.repository}:${t.source.tag} ${t.issue}: ${t.issue_detail}`,
    );
  }
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** The service under test: embedded with in-process workers, or API-only on PostgreSQL with two worker processes. */
async function startService(databaseUrl: string | undefined): Promise<{ server: TestServer; stop(): Promise<void> }> {
  if (!databaseUrl) {
    // The polling interval `regatta serve` uses (the test harness polls faster).
    const server = await startServer({ workerOptions: { pollingIntervalSeconds: 1 } });
    return { server, stop: () => server.stop() };
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
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await server.stop();
      await db.drop();
    },
  };
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
}): Promise<ServerRun[]> {
  const out: ServerRun[] = [];
  for (let n = 1; n <= opts.runs; n++) {
    const dst = await startRegistry();
    const service = await startService(opts.databaseUrl);
    const { server } = service;
    const acceptMs: number[] = [];
    try {
      const srcId = await addRegistry(server.url, { name: 'src', host: opts.src.host });
      const dstId = await addRegistry(server.url, { name: 'dst', host: dst.host });
      const rule = await apiCall(server.url, 'POST', '/rules', {
        body: {
          source: { registry_id: srcId, namespace: NAMESPACE },
          target: { registry_id: dstId, namespace: 'mirror' },
        },
      });
      if (rule.status !== 201) throw new Error(`rule: ${rule.status} ${JSON.stringify(rule.json)}`);
      const firstS = await runRule(server.url, rule.json.id, acceptMs);
      await verify(dst, opts.corpus);
      const resyncS = await runRule(server.url, rule.json.id, acceptMs);
      const accepted = acceptMs.map((ms) => ms.toFixed(0)).join('/');
      opts.progress(
        `  server run ${n}: first ${firstS.toFixed(2)} s, re-run ${resyncS.toFixed(2)} s, 202 in ${accepted} ms`,
      );
      out.push({ run: n, acceptMs, firstS, resyncS, skopeoS: 0 });
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
