// Scale-out on PostgreSQL: an API-only server and two real `regatta worker` processes share one database; an
// inventory sync over several registries is split between the workers and no registry is crawled twice.
// Registries sit behind fault proxies that slow every response a little, so one worker cannot drain the
// queue before the other polls. Skipped without DATABASE_URL (the embedded mode is one process by design).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { freshPostgresDatabase } from '../support/database.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { until } from '../support/until.js';
import { startWorkerProcess, type WorkerProcess } from './serve-process.js';
import { hssCall, PROJECT, startServer, type TestServer, TOKEN } from './server.js';

const url = process.env.DATABASE_URL;
const REGISTRIES = 4;
const secretKey = randomBytes(32).toString('base64');

let db: { url: string; drop(): Promise<void> } | undefined;
let server: TestServer | undefined;
const registries: TestRegistry[] = [];
const proxies: FaultProxy[] = [];
const workers: WorkerProcess[] = [];

before(async () => {
  if (!url) return;
  db = await freshPostgresDatabase(url);
  server = await startServer({ databaseUrl: db.url, workers: false, secretKey });
  for (let i = 0; i < REGISTRIES; i++) {
    const reg = await startRegistry();
    registries.push(reg);
    for (let t = 0; t < 3; t++)
      await pushImage(reg, `r${i}/app`, `v${t}`, await buildImage({ format: 'oci', seed: `w${i}-${t}` }));
    proxies.push(await startFaultProxy({ target: reg.url, rate: 1, faults: ['slow'] }));
  }
  for (let w = 0; w < 2; w++) workers.push(await startWorkerProcess(db.url, secretKey));
});

after(async () => {
  for (const w of workers) await w.stop();
  await server?.stop();
  await Promise.all([...proxies.map((p) => p.stop()), ...registries.map((r) => r.stop())]);
  await db?.drop();
});

async function api(method: 'GET' | 'POST', path: string, body?: unknown) {
  return (await hssCall(server!.url, method, path, { body })).json;
}

test('two regatta worker processes share one inventory sync without crawling any registry twice', {
  skip: !url && 'needs DATABASE_URL (PostgreSQL)',
}, async () => {
  for (const [i, proxy] of proxies.entries()) {
    const added = await api('POST', '/image/registries', {
      registry_name: `reg${i}`,
      registry_type: 'Other',
      protocol: 'http',
      registry_addr: proxy.host,
    });
    assert.ok(added.id, JSON.stringify(added));
  }
  const { task_id } = await api('POST', '/image/image-sync/tasks', { sync_all_registries: true });
  const done = await until('sync finished', async () => {
    const r = await api('GET', `/image/image-sync/tasks/${task_id}/registries`);
    return r.data_list.every((x: { sync_status: string }) => x.sync_status !== 'running') ? r : undefined;
  });
  assert.equal(done.total_num, REGISTRIES);
  assert.ok(
    done.data_list.every((x: { sync_status: string }) => x.sync_status === 'finished'),
    JSON.stringify(done),
  );
  const listed = await request(`${server!.url}/v5/${PROJECT}/image/registries/images?limit=200`, {
    headers: { 'x-auth-token': TOKEN },
  });
  assert.equal(((await listed.body.json()) as { total_num: number }).total_num, REGISTRIES * 3);

  const crawls = workers.flatMap((w, index) =>
    w.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { queue: string; data: { taskId: string; registryId: string } })
      .filter((e) => e.queue === 'inventory-sync' && e.data.taskId === task_id)
      .map((e) => ({ worker: index, registryId: e.data.registryId })),
  );
  assert.equal(crawls.length, REGISTRIES, JSON.stringify(crawls));
  assert.equal(new Set(crawls.map((c) => c.registryId)).size, REGISTRIES, 'no registry crawled twice');
  assert.deepEqual([...new Set(crawls.map((c) => c.worker))].sort(), [0, 1], 'both workers took part');
});
