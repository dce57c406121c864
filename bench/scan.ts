// `npm run bench:scan`: scan time of a real Debian 12 image against the time needed only to pull and decompress
// its layers, cold and warm. The image: about a hundred bookworm packages (bench/lib/debian-image.ts), pushed to a
// Distribution registry on loopback. Per run:
//   pull+gunzip   GET every layer through Regatta's client and gunzip it, counting bytes (the floor a scan stands on)
//   scan, cold    scanImage(): pull, decompress, tar, catalog, match the advisories, hash files, check settings
//   job, cold     the worker's scan job (runScanJob) with the server's store: the same scan plus storing the result
//   job, warm     the same digest again: the stored result made with the current advisory database is reused
// Also `skopeo copy` of the image to a directory, the peer's pull alone. Medians of --runs (default 3); the advisory
// database loads once (its time printed apart). Needs ../shared/vulndb (or --vulndb). Only loopback; every
// process started is stopped.
// Options: --runs N  --vulndb DIR
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { connectorFor } from '../src/inventory/connect.js';
import { RegistryClient } from '../src/oci/client.js';
import { loadScanDatabases } from '../src/scanning/databases.js';
import { scanImage } from '../src/scanning/scan.js';
import { crawl } from '../src/services/inventory.js';
import { requestScans, runScanJob } from '../src/services/scanning.js';
import { PROJECT, startServer } from '../test/integration/server.js';
import { pushImage } from '../test/support/fixtures.js';
import { startRegistry } from '../test/support/registry.js';
import { buildDebianImage } from './lib/debian-image.js';
import { installKillHook } from './lib/processes.js';
import { realVulndb } from './lib/real-vulndb.js';
import { median } from './lib/report.js';

const REPO = 'debian/minbase';
const TAG = '12';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, vulndb: { type: 'string' } } });
const runs = Number(values.runs);
const vulndb = values.vulndb ?? realVulndb();
const started = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}`);

async function timed<T>(run: () => Promise<T>): Promise<{ s: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await run();
  return { s: Number(process.hrtime.bigint() - t) / 1e9, value };
}

async function main(): Promise<void> {
  installKillHook();
  const dir = await mkdtemp(join(tmpdir(), 'regatta-bench-scan-'));
  const registry = await startRegistry();
  const server = await startServer({ workers: false });
  try {
    const built = await timed(() => buildDebianImage(dir));
    const { image, packages, tarBytes } = built.value;
    await pushImage(registry, REPO, TAG, image);
    const layerBytes = image.blobs.slice(1).reduce((n, b) => n + b.size, 0);
    log(`built ${packages} packages in ${built.s.toFixed(1)} s: layer ${mib(layerBytes)} gzip, ${mib(tarBytes)} tar`);
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
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<string, number>;
    console.log(
      `\nDebian 12 image, ${packages} packages, ${mib(layerBytes)} compressed / ${mib(tarBytes)} tar, medians of ${runs}`,
    );
    console.log(`  found: ${summary}`);
    console.log(`  pull + gunzip only    ${m.pull!.toFixed(2)} s   (${mib(tarBytes / m.pull!)}/s of tar)`);
    console.log(`  skopeo copy to dir    ${m.skopeo!.toFixed(2)} s   (the peer's pull alone, no decompression)`);
    console.log(
      `  scan, cold            ${m.cold!.toFixed(2)} s   ratio ${(m.cold! / m.pull!).toFixed(2)} of pull + gunzip (target ≤ 1.5)`,
    );
    console.log(
      `  scan job, cold        ${m.jobCold!.toFixed(2)} s   ratio ${(m.jobCold! / m.pull!).toFixed(2)} (with storing the result)`,
    );
    console.log(
      `  scan job, warm        ${(m.jobWarm! * 1000).toFixed(1)} ms  (same digest, current database: reused)`,
    );
  } finally {
    await server.stop();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
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
