// bench:scan's batch mode, one concurrency at a time, through the service path: a fresh server (in-process
// workers with scanConcurrency c and scan-on-sync off, embedded PGlite), the loopback registry added with HSS
// AddRegistry, an inventory sync, then one CreateManualImageScanTask with is_all: true, timed from the POST until
// ListImageScanTask says the task is finished. The advisory database is loaded before the clock starts (the
// first scan of a process would load it; the cache is per process, so it loads once for all concurrencies and
// its time is reported apart).

import { scanDatabases } from '../../src/services/scanning.js';
import { addRegistry, hssCall, inventorySync, type Json } from '../../test/integration/server.js';
import type { TestRegistry } from '../../test/support/registry.js';
import { median } from './report.js';
import { type BenchServer, peakRssMiB, resetPeakRss, startBenchServer } from './scan-batch-server.js';

export interface BatchOptions {
  registry: TestRegistry;
  vulndb: string;
  /** Images in the registry: the scan task must cover exactly this many digests. */
  images: number;
  /** Scans at once (workerOptions.scanConcurrency). */
  concurrency: number;
  log: (msg: string) => void;
}

export interface BatchResult {
  concurrency: number;
  images: number;
  /** From the POST of the scan task until the task was seen finished (polled every POLL_MS). */
  seconds: number;
  /** The task's own end_time - begin_time. */
  taskSeconds: number;
  scansPerMinute: number;
  /** scan_results.duration_ms of the batch's digests, seconds. */
  scanMedianS: number;
  scanMaxS: number;
  /** Time to load the advisory database before the clock started (0 when this process had it already). */
  advisoryLoadS: number;
  /** Peak RSS of this process (server, workers, scans) during the scan task, MiB. */
  peakRssMiB: number | null;
  /** 'run': reset before the task; 'process': the lifetime peak (the reset was refused). */
  peakRssOf: 'run' | 'process';
  /** Peak RSS of the embedded database process over the server's life, MiB. */
  databasePeakRssMiB: number | null;
  packagesMedian: number;
  vulnerabilitiesMedian: number;
  /** seconds at concurrency 1 / seconds here; set once both ran. */
  speedUp?: number;
}

const POLL_MS = 100;
/** The longest a scan task may take per image before the benchmark gives up. */
const TIMEOUT_PER_IMAGE_MS = 120_000;

async function secondsOf<T>(run: () => Promise<T>): Promise<{ s: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await run();
  return { s: Number(process.hrtime.bigint() - t) / 1e9, value };
}

export async function runBatch(o: BatchOptions): Promise<BatchResult> {
  const workerOptions = { vulndb: o.vulndb, scanConcurrency: o.concurrency, scanOnSync: false };
  const server = await startBenchServer({ workerOptions });
  try {
    await crawlRegistry(server, o.registry);
    await expectNoScanTask(server);
    const advisories = await secondsOf(() => scanDatabases(o.vulndb));
    const resetWorked = resetPeakRss();
    o.log(`c=${o.concurrency}: ${o.images} images in the inventory, scanning them all`);
    const scan = await secondsOf(() => scanAll(server, o.images));
    const peak = peakRssMiB('self');
    const findings = await scanFindings(server);
    return {
      concurrency: o.concurrency,
      images: o.images,
      seconds: scan.s,
      taskSeconds: scan.value.taskSeconds,
      scansPerMinute: (o.images / scan.s) * 60,
      scanMedianS: median(findings.durationsS),
      scanMaxS: Math.max(...findings.durationsS),
      advisoryLoadS: advisories.s,
      peakRssMiB: peak,
      peakRssOf: resetWorked ? 'run' : 'process',
      databasePeakRssMiB: server.databasePids.length === 1 ? peakRssMiB(server.databasePids[0]!) : null,
      packagesMedian: median(findings.packages),
      vulnerabilitiesMedian: median(findings.vulnerabilities),
    };
  } finally {
    await server.stop();
  }
}

/** Adds the registry through HSS AddRegistry and runs an inventory sync of it. */
async function crawlRegistry(server: BenchServer, registry: TestRegistry): Promise<void> {
  const registryId = await addRegistry(server.url, { name: 'bench', host: registry.host });
  await inventorySync(server.url, [registryId]);
}

/** With scan-on-sync off the crawl must have started no scan: otherwise the timing would not be the task's. */
async function expectNoScanTask(server: BenchServer): Promise<void> {
  const tasks = await hssCall(server.url, 'GET', '/image/tasks', { query: { type: 'image_scan' } });
  if (tasks.json.total_num !== 0) throw new Error(`scan tasks before the batch: ${JSON.stringify(tasks.json)}`);
}

/** POSTs an is_all scan task and waits until it is finished; fails unless it scanned `images` digests, all well. */
async function scanAll(server: BenchServer, images: number): Promise<{ taskSeconds: number }> {
  const created = await hssCall(server.url, 'POST', '/image/image-scan/tasks', { body: { is_all: true } });
  if (created.status !== 200)
    throw new Error(`CreateManualImageScanTask: ${created.status} ${JSON.stringify(created.json)}`);
  const task = await finishedTask(server, String(created.json.task_id), images * TIMEOUT_PER_IMAGE_MS);
  if (task.total_num !== images) throw new Error(`the scan task covered ${task.total_num} digests, not ${images}`);
  if (task.failed_num !== 0 || task.success_num !== images) {
    throw new Error(`scans failed: ${task.failed_num} of ${images}: ${JSON.stringify(task.failed_images)}`);
  }
  return { taskSeconds: (Number(task.end_time) - Number(task.begin_time)) / 1000 };
}

/** Polls ListImageScanTask until the task is no longer running; resolves with its row. */
async function finishedTask(server: BenchServer, taskId: string, timeoutMs: number): Promise<Json> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const list = await hssCall(server.url, 'GET', '/image/tasks', { query: { type: 'image_scan', task_id: taskId } });
    const task = list.json.data_list?.[0] as Json | undefined;
    if (!task) throw new Error(`scan task ${taskId} not listed: ${list.status} ${JSON.stringify(list.json)}`);
    if (task.task_status === 'finished') return task;
    if (task.task_status !== 'running') throw new Error(`scan task ${taskId}: ${task.task_status}`);
    if (Date.now() > end) throw new Error(`scan task ${taskId} still running after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Per stored result (the server is fresh: every result is the batch's): duration, packages, vulnerabilities. */
async function scanFindings(server: BenchServer) {
  const rows = await server.runtime.ctx.db
    .selectFrom('scan_results')
    .select(['duration_ms', 'vul_num', 'packages'])
    .execute();
  return {
    durationsS: rows.map((r) => r.duration_ms / 1000),
    packages: rows.map((r) => r.packages.length),
    vulnerabilities: rows.map((r) => r.vul_num),
  };
}

/** Fills each result's speed-up over the concurrency-1 run, when there is one. */
export function withSpeedUps(results: BatchResult[]): BatchResult[] {
  const serial = results.find((r) => r.concurrency === 1);
  return results.map((r) => (serial ? { ...r, speedUp: serial.seconds / r.seconds } : r));
}

export function batchTable(results: BatchResult[]): string {
  const head = [
    'scans at once',
    'images',
    'seconds',
    'scans/min',
    'median scan s',
    'max scan s',
    'RSS MiB',
    'db RSS MiB',
    'speed-up',
  ];
  const mib = (v: number | null) => (v === null ? '-' : v.toFixed(0));
  const body = results.map((r) => [
    String(r.concurrency),
    String(r.images),
    r.seconds.toFixed(1),
    r.scansPerMinute.toFixed(1),
    r.scanMedianS.toFixed(2),
    r.scanMaxS.toFixed(2),
    `${mib(r.peakRssMiB)}${r.peakRssOf === 'process' ? '*' : ''}`,
    mib(r.databasePeakRssMiB),
    r.speedUp === undefined ? '-' : `${r.speedUp.toFixed(2)}×`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
