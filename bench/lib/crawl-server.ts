// bench:crawl's Regatta side: a server through the service path, as `regatta serve` runs (test/integration/server.ts
// startServer: the API and the workers in this process, polling every second), on the embedded database (PGlite,
// a fresh data dir) or on PostgreSQL (a fresh database on DATABASE_URL, dropped afterwards). The registry is
// added through HSS AddRegistry (its access check awaited), then an inventory sync is requested through HSS
// (POST /image/image-sync/tasks) and timed from the request until the task's registry is finished, polled every
// 50 ms; then a second one with nothing changed. Scans of new digests are off: the crawl is measured, not the
// scans it would queue. Each crawl is checked: finished without a failed reason, images_num is the corpus's tags.
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, relative } from 'node:path';
import { addRegistry, hssCall, type Json, startServer, type TestServer } from '../../test/integration/server.js';
import { freshPostgresDatabase } from '../../test/support/database.js';
import type { TestRegistry } from '../../test/support/registry.js';
import { type CpuSeconds, cpuWindow, embeddedDatabase } from './crawl-cpu.js';
import { type CpuProfile, type SelfTime, startProfile, topSelfTime } from './crawl-profile.js';
import { type RegistryTraffic, TrafficLog } from './crawl-requests.js';

export type CaseId = 'embedded' | 'pg';
export const CASE_TITLES: Record<CaseId, string> = {
  embedded: 'embedded PGlite, in-process workers',
  pg: 'PostgreSQL, in-process workers',
};

const REGISTRY_NAME = 'crawl';
const POLL_MS = 50;
const CRAWL_TIMEOUT_MS = 60 * 60 * 1000;

export interface CrawlMeasure {
  seconds: number;
  traffic: RegistryTraffic;
  cpu: CpuSeconds;
  /** The top self-time functions of this process during the crawl (--profile). */
  profile?: { file: string; top: SelfTime[] };
}

export interface ServerCrawlRun {
  run: number;
  case: CaseId;
  first: CrawlMeasure;
  again: CrawlMeasure;
}

export interface ServerCrawlOptions {
  run: number;
  case: CaseId;
  registry: TestRegistry;
  expectedImages: number;
  pollIntervalSeconds: number;
  /** Where --profile writes its .cpuprofile files (prefix of their names); no profile when absent. */
  profilePrefix?: string;
  root: string;
  progress: (message: string) => void;
}

interface Service {
  server: TestServer;
  databasePid?: number;
  stop(): Promise<void>;
}

async function startService(c: CaseId, pollIntervalSeconds: number): Promise<Service> {
  const workerOptions = { pollingIntervalSeconds: pollIntervalSeconds, scanOnSync: false };
  if (c === 'embedded') {
    const server = await startServer({ workerOptions });
    const database = await embeddedDatabase();
    if (database) removeOnExit(dirname(database.pgdata));
    return { server, databasePid: database?.pid, stop: () => server.stop() };
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('the pg case needs DATABASE_URL (a PostgreSQL it may create databases in)');
  const db = await freshPostgresDatabase(databaseUrl);
  try {
    const server = await startServer({ databaseUrl: db.url, workerOptions });
    return {
      server,
      stop: async () => {
        await server.stop();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

/** The server's data dir, should the bench be interrupted before `stop()` removes it. */
function removeOnExit(dir: string): void {
  if (!dir.startsWith(tmpdir())) return;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}

/** Polls the task's registries until none is running; throws when one failed or finished with a reason. */
async function untilTaskDone(url: string, taskId: string): Promise<void> {
  const deadline = Date.now() + CRAWL_TIMEOUT_MS;
  for (;;) {
    const r = await hssCall(url, 'GET', `/image/image-sync/tasks/${taskId}/registries`);
    const rows = (r.json.data_list ?? []) as Json[];
    if (rows.length > 0 && rows.every((x) => x.sync_status !== 'running')) {
      const bad = rows.find((x) => x.sync_status !== 'finished' || x.failed_reason);
      if (bad) throw new Error(`inventory sync: ${bad.sync_status} ${bad.failed_reason ?? ''}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`inventory sync not done after ${CRAWL_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** POST /image/image-sync/tasks for one registry; resolves with the seconds until its task was done. */
async function timedInventorySync(url: string, registryId: string): Promise<number> {
  const t = process.hrtime.bigint();
  const task = await hssCall(url, 'POST', '/image/image-sync/tasks', {
    body: { registry_info: [{ registry_id: registryId }] },
  });
  if (task.status !== 200) throw new Error(`CreateImageSynchronizeTask: ${task.status} ${JSON.stringify(task.json)}`);
  await untilTaskDone(url, String(task.json.task_id));
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function checkInventory(url: string, expected: number): Promise<void> {
  const list = await hssCall(url, 'GET', '/image/registries', { query: { registry_name: REGISTRY_NAME } });
  const got = list.json.data_list?.[0]?.images_num;
  if (got !== expected) throw new Error(`inventory holds ${got} images, the registry ${expected} tags`);
}

async function measureCrawl(
  o: ServerCrawlOptions,
  service: Service,
  registryId: string,
  phase: string,
): Promise<CrawlMeasure> {
  const log = new TrafficLog(o.registry);
  const mark = await log.mark();
  const endCpu = await cpuWindow({ registry: o.registry.pid, database: service.databasePid });
  const stopProfile = o.profilePrefix ? await startProfile() : undefined;
  const seconds = await timedInventorySync(service.server.url, registryId);
  const profile = stopProfile
    ? await saveProfile(await stopProfile(), `${o.profilePrefix}-${phase}`, o.root)
    : undefined;
  const cpu = await endCpu();
  const traffic = await log.read(mark);
  await checkInventory(service.server.url, o.expectedImages);
  return { seconds, traffic, cpu, ...(profile ? { profile } : {}) };
}

async function saveProfile(profile: CpuProfile, prefix: string, root: string) {
  const file = `${prefix}.cpuprofile`;
  await writeFile(file, JSON.stringify(profile));
  return { file: relative(root, file), top: topSelfTime(profile, root) };
}

const perTag = (m: CrawlMeasure, tags: number) =>
  `${m.seconds.toFixed(2)} s, ${(tags / m.seconds).toFixed(0)} tags/s, ${(m.traffic.total / tags).toFixed(2)} requests/tag`;

/** One run of a case: a fresh service, the registry added, a first crawl and a no-change re-crawl. */
export async function benchServerCrawl(o: ServerCrawlOptions): Promise<ServerCrawlRun> {
  const service = await startService(o.case, o.pollIntervalSeconds);
  try {
    const registryId = await addRegistry(service.server.url, { name: REGISTRY_NAME, host: o.registry.host });
    const first = await measureCrawl(o, service, registryId, 'first');
    o.progress(`  ${o.case} run ${o.run}, first crawl: ${perTag(first, o.expectedImages)}`);
    const again = await measureCrawl(o, service, registryId, 'again');
    o.progress(`  ${o.case} run ${o.run}, re-crawl:    ${perTag(again, o.expectedImages)}`);
    return { run: o.run, case: o.case, first, again };
  } finally {
    await service.stop();
  }
}
