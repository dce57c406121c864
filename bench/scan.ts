// `npm run bench:scan`: how fast Regatta scans real images. Two cases (--cases single,batch; default both), both
// on a real Debian 12 image: about a hundred bookworm packages (bench/lib/debian-image.ts), pushed to a
// Distribution registry on loopback.
//
// single: one image's scan time against the time needed only to pull and decompress its layers, cold and warm.
//   pull+gunzip   GET every layer through Regatta's client and gunzip it, counting bytes (the floor a scan stands on)
//   scan, cold    scanImage(): pull, decompress, tar, catalog, match the advisories, hash files, check settings
//   job, cold     the worker's scan job (runScanJob) with the server's store: the same scan plus storing the result
//   job, warm     the same digest again: the stored result made with the current advisory database is reused
// Also `skopeo copy` of the image to a directory, the peer's pull alone. Medians of --runs (default 3); the
// advisory database loads once (its time printed apart).
//
// batch: scans per minute of --images distinct images (default 50) through the service path, at each of
// --concurrency (default 1,4 scans at once). The images share the Debian layer and each adds a small layer of
// its own with npm packages and Python distributions (bench/lib/scan-batch-images.ts), as tags of one repository.
// Per concurrency c a fresh server (in-process workers, scanConcurrency c, scan-on-sync off, embedded PGlite):
// HSS AddRegistry, an inventory sync, then CreateManualImageScanTask is_all, timed from the POST until
// ListImageScanTask says finished (bench/lib/scan-batch.ts). Reported: seconds, scans/min, the median and longest
// scan (scan_results.duration_ms), peak RSS of this process during the task and of the database process, and
// the speed-up over c=1. The advisory database is loaded before the clock starts, once for the whole process.
//
// Needs ../shared/vulndb (or --vulndb). Prints tables and writes bench/out/scan-<date>.json. Only loopback; every
// process started is stopped by PID, also when the benchmark fails.
// Options: --cases single,batch  --runs N  --images N  --concurrency 1,4  --vulndb DIR
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { connectorFor } from '../src/inventory/connect.js';
import { RegistryClient } from '../src/oci/client.js';
import { loadScanDatabases } from '../src/scanning/databases.js';
import { scanImage } from '../src/scanning/scan.js';
import { crawl } from '../src/services/inventory.js';
import { requestScans, runScanJob } from '../src/services/scanning.js';
import { PROJECT } from '../test/integration/server.js';
import { type BuiltImage, pushImage } from '../test/support/fixtures.js';
import { startRegistry } from '../test/support/registry.js';
import { buildDebianImage } from './lib/debian-image.js';
import { installKillHook } from './lib/processes.js';
import { realVulndb } from './lib/real-vulndb.js';
import { median } from './lib/report.js';
import { type BatchResult, batchTable, runBatch, withSpeedUps } from './lib/scan-batch.js';
import { pushBatchImages, TOP_LAYER_CONTENT } from './lib/scan-batch-images.js';
import { startBenchServer } from './lib/scan-batch-server.js';

const REPO = 'debian/minbase';
const TAG = '12';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ALL_CASES = ['single', 'batch'] as const;
type CaseId = (typeof ALL_CASES)[number];

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: ALL_CASES.join(',') },
    runs: { type: 'string', default: '3' },
    images: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '1,4' },
    vulndb: { type: 'string' },
  },
});
const cases = parseCases(values.cases);
const runs = positiveInteger('--runs', values.runs);
const images = positiveInteger('--images', values.images);
const concurrencies = values.concurrency.split(',').map((c) => positiveInteger('--concurrency', c));
const vulndb = values.vulndb ? givenVulndb(values.vulndb) : realVulndb();
const started = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}`);

function parseCases(list: string): Set<CaseId> {
  const ids = list.split(',').map((c) => c.trim());
  for (const id of ids) {
    if (!(ALL_CASES as readonly string[]).includes(id)) fail(`--cases: unknown case ${id} (${ALL_CASES.join(', ')})`);
  }
  return new Set(ids as CaseId[]);
}

function positiveInteger(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`${option}: ${text} is not a positive integer`);
  return n;
}

/** --vulndb, refused like realVulndb() refuses a missing default: timings without the real data would mislead. */
function givenVulndb(dir: string): string {
  if (!existsSync(dir)) {
    process.stderr.write(`bench: no real advisory data at ${dir}; set REGATTA_TEST_VULNDB or pass --vulndb\n`);
    process.exit(2);
  }
  return dir;
}

function fail(message: string): never {
  process.stderr.write(`bench:scan: ${message}\n`);
  process.exit(2);
}

async function timed<T>(run: () => Promise<T>): Promise<{ s: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await run();
  return { s: Number(process.hrtime.bigint() - t) / 1e9, value };
}

interface DebianBase {
  image: BuiltImage;
  packages: number;
  tarBytes: number;
  layerBytes: number;
}

async function main(): Promise<void> {
  installKillHook();
  const dir = await mkdtemp(join(tmpdir(), 'regatta-bench-scan-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true })); // also when interrupted
  const loadBefore = loadavg()[0];
  const record: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
  };
  try {
    const base = await buildBase(dir);
    record.image = { packages: base.packages, layerBytes: base.layerBytes, tarBytes: base.tarBytes };
    record.vulndb = vulndb;
    if (cases.has('single')) record.single = await benchSingle(base, dir);
    if (cases.has('batch')) record.batch = await benchBatch(base);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  record.loadAverage = { before: loadBefore, after: loadavg()[0] };
  record.totalSeconds = (Date.now() - started) / 1000;
  await writeRecord(record);
}

async function buildBase(dir: string): Promise<DebianBase> {
  const built = await timed(() => buildDebianImage(dir));
  const { image, packages, tarBytes } = built.value;
  const layerBytes = image.blobs.slice(1).reduce((n, b) => n + b.size, 0);
  log(`built ${packages} packages in ${built.s.toFixed(1)} s: layer ${mib(layerBytes)} gzip, ${mib(tarBytes)} tar`);
  return { image, packages, tarBytes, layerBytes };
}

type SingleMedians = Record<'pull' | 'cold' | 'jobCold' | 'jobWarm' | 'skopeo', number>;

async function benchSingle(base: DebianBase, dir: string): Promise<SingleMedians & { runs: number; found: string }> {
  const registry = await startRegistry();
  const server = await startBenchServer({ workers: false });
  try {
    const { image, packages, tarBytes, layerBytes } = base;
    await pushImage(registry, REPO, TAG, image);
    const db = await timed(() => loadScanDatabases(vulndb));
    log(
      `advisory database: ${db.value.advisories.records} records, ${db.value.hashes.size} hashes, loaded in ${db.s.toFixed(2)} s`,
    );

    const client = new RegistryClient(registry.host);
    const ctx = server.runtime.ctx;
    const scope = { projectId: PROJECT, enterpriseProjectId: '0' };
    const reg = await ctx.registries.add(scope, {
      registry_name: 'bench',
      registry_type: 'Other',
      protocol: 'http',
      registry_addr: registry.host,
    });
    const target = (await connectorFor(ctx.registries, reg.id))!;
    await crawl(ctx, target);
    await target.connector.close();
    const targets = await ctx.images.unscanned(reg.id);
    const digest = targets[0]!.image_digest;
    const job = { digest, registryId: reg.id, repository: REPO };

    const times: Record<string, number[]> = { pull: [], cold: [], jobCold: [], jobWarm: [], skopeo: [] };
    let summary = '';
    for (let i = 1; i <= runs; i++) {
      const manifest = await client.manifestGet(REPO, TAG);
      const pull = await timed(() => pullAndGunzip(client, manifest));
      const cold = await timed(() => scanImage({ client, repository: REPO, manifest }, db.value));
      const s = cold.value.summary;
      summary = `${cold.value.packages.length} packages, ${s.vul_num} vulnerabilities, ${s.unsafe_setting_num} unsafe settings, severity ${s.severity_level}`;
      await ctx.db.deleteFrom('scan_results').where('digest', '=', digest).execute();
      await requestScans(ctx, scope, { taskType: 'manual', isAll: false, targets });
      const jobCold = await timed(() => runScanJob(ctx, job, { vulndb }));
      await requestScans(ctx, scope, { taskType: 'manual', isAll: false, targets });
      const jobWarm = await timed(() => runScanJob(ctx, job, { vulndb }));
      const skopeo = await timed(async () => skopeoPull(registry.host, join(dir, `skopeo-${i}`)));
      for (const [k, v] of Object.entries({ pull, cold, jobCold, jobWarm, skopeo })) times[k]!.push(v.s);
      log(
        `run ${i}: pull+gunzip ${pull.s.toFixed(2)} s, scan cold ${cold.s.toFixed(2)} s, job cold ${jobCold.s.toFixed(2)} s, job warm ${(jobWarm.s * 1000).toFixed(1)} ms, skopeo copy ${skopeo.s.toFixed(2)} s`,
      );
    }
    await client.close();
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as SingleMedians;
    console.log(
      `\nDebian 12 image, ${packages} packages, ${mib(layerBytes)} compressed / ${mib(tarBytes)} tar, medians of ${runs}`,
    );
    console.log(`  found: ${summary}`);
    console.log(`  pull + gunzip only    ${m.pull.toFixed(2)} s   (${mib(tarBytes / m.pull)}/s of tar)`);
    console.log(`  skopeo copy to dir    ${m.skopeo.toFixed(2)} s   (the peer's pull alone, no decompression)`);
    console.log(
      `  scan, cold            ${m.cold.toFixed(2)} s   ratio ${(m.cold / m.pull).toFixed(2)} of pull + gunzip (target ≤ 1.5)`,
    );
    console.log(
      `  scan job, cold        ${m.jobCold.toFixed(2)} s   ratio ${(m.jobCold / m.pull).toFixed(2)} (with storing the result)`,
    );
    console.log(
      `  scan job, warm        ${(m.jobWarm * 1000).toFixed(1)} ms  (same digest, current database: reused)\n`,
    );
    return { ...m, runs, found: summary };
  } finally {
    await server.stop();
    await registry.stop();
  }
}

async function benchBatch(base: DebianBase): Promise<{ images: number; topLayer: string; runs: BatchResult[] }> {
  const registry = await startRegistry();
  try {
    const pushed = await timed(() => pushBatchImages(registry, base.image, images));
    log(`batch: ${images} images (Debian + ${TOP_LAYER_CONTENT} each) pushed in ${pushed.s.toFixed(1)} s`);
    const results: BatchResult[] = [];
    for (const concurrency of concurrencies) {
      const r = await runBatch({ registry, vulndb, images, concurrency, log });
      log(`c=${concurrency}: ${r.seconds.toFixed(1)} s, ${r.scansPerMinute.toFixed(1)} scans/min`);
      results.push(r);
    }
    const withSpeedUp = withSpeedUps(results);
    printBatch(withSpeedUp);
    return { images, topLayer: TOP_LAYER_CONTENT, runs: withSpeedUp };
  } finally {
    await registry.stop();
  }
}

function printBatch(results: BatchResult[]): void {
  const first = results[0]!;
  console.log(`\nBatch: ${first.images} distinct images (Debian 12 + ${TOP_LAYER_CONTENT}), one is_all scan task`);
  console.log(
    `  found per image (median): ${first.packagesMedian} packages, ${first.vulnerabilitiesMedian} vulnerabilities`,
  );
  console.log(`  advisory database loaded before the clock: ${first.advisoryLoadS.toFixed(2)} s\n`);
  console.log(batchTable(results));
  if (results.some((r) => r.peakRssOf === 'process')) console.log("  * the process's lifetime peak (no per-run reset)");
}

async function writeRecord(record: Record<string, unknown>): Promise<void> {
  const out = join(ROOT, 'bench', 'out');
  await mkdir(out, { recursive: true });
  const stamp = new Date()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const file = join(out, `scan-${stamp}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nwrote ${file} (${(record.totalSeconds as number).toFixed(0)} s in all)`);
}

async function pullAndGunzip(client: RegistryClient, manifest: Awaited<ReturnType<RegistryClient['manifestGet']>>) {
  if (manifest.kind !== 'image') throw new Error('expected an image manifest');
  let bytes = 0;
  for (const layer of manifest.body.layers) {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done();
      },
    });
    await pipeline(client.blobGet(REPO, layer), createGunzip(), sink);
  }
  return bytes;
}

function skopeoPull(host: string, dest: string): void {
  const r = spawnSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${host}/${REPO}:${TAG}`, `dir:${dest}`], {
    stdio: 'ignore',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error('skopeo copy failed');
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

await main();
