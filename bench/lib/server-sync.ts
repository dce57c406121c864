// bench:sync's `server` case: the same corpus replicated through the service path, as users of the native, SWR
// and ACR APIs reach the copy engine: a Regatta server (embedded PGlite, workers in the process, as `regatta
// serve` runs them) with both registries connected, one INITIATIVE rule over the namespace, `POST
// /rules/{id}/run`, timed until no task of the batch is open; then the same rule run again (nothing changed).
// skopeo sync of the same corpus into a fresh target is timed in the same run, for the ratio.
import { join } from 'node:path';
import pLimit from 'p-limit';
import { addRegistry, apiCall, startServer } from '../../test/integration/server.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { type Measured, timed } from './processes.js';
import { manifestDigestAt } from './raw-stream.js';
import { type CorpusImage, NAMESPACE } from './sync-corpus.js';
import { skopeoSyncArgs, type Tools } from './tools.js';

export interface ServerRun {
  run: number;
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

async function runRule(url: string, ruleId: string): Promise<number> {
  const t = process.hrtime.bigint();
  const run = await apiCall(url, 'POST', `/rules/${ruleId}/run`);
  if (run.status !== 202) throw new Error(`rule run: ${run.status} ${JSON.stringify(run.json)}`);
  await untilBatchDone(url, run.json.batch_id);
  const failed = await apiCall(url, 'GET', `/tasks?batch_id=${run.json.batch_id}&status=ERROR&limit=1`);
  if (failed.json.total > 0) throw new Error(`rule run: ${failed.json.total} tasks failed`);
  return Number(process.hrtime.bigint() - t) / 1e9;
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
}): Promise<ServerRun[]> {
  const out: ServerRun[] = [];
  for (let n = 1; n <= opts.runs; n++) {
    const dst = await startRegistry();
    // The polling interval `regatta serve` uses (the test harness polls faster).
    const server = await startServer({ workerOptions: { pollingIntervalSeconds: 1 } });
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
      const firstS = await runRule(server.url, rule.json.id);
      await verify(dst, opts.corpus);
      const resyncS = await runRule(server.url, rule.json.id);
      opts.progress(`  server run ${n}: first ${firstS.toFixed(2)} s, re-run ${resyncS.toFixed(2)} s`);
      out.push({ run: n, firstS, resyncS, skopeoS: 0 });
    } finally {
      await server.stop();
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
