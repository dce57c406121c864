// Scan work: a request records a scan task over digests and queues one job per digest (pg-boss singleton by
// digest, so a digest asked for by several tasks at once is scanned once); a worker scans it unless a result made
// with the current advisory database exists, stores the result and writes its summary onto every row with that
// digest. Inventory syncs request scans of the digests they found new (REGATTA_SCAN_ON_SYNC, on by default).

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppContext } from '../app/context.js';
import { Queues, type ScanJob } from '../app/queue.js';
import { emitEvent } from '../app/webhooks.js';
import { RegattaError } from '../errors.js';
import { connectorFor } from '../inventory/connect.js';
import { loadScanDatabases, type ScanDatabases } from '../scanning/databases.js';
import { ScanError, type ScanFailure } from '../scanning/errors.js';
import { type AdapterConfig, scanWithAdapter } from '../scanning/external/harbor-adapter.js';
import { currentGenerationName } from '../scanning/feeds/generations.js';
import type { LayerCache } from '../scanning/layer-cache.js';
import { type ScanReport, scanImage, summarize } from '../scanning/scan.js';
import { type ScanTarget, scanTargets } from '../store/images-query.js';
import type { ScanResultInput } from '../store/scan-results.js';
import type { ScanTaskRow } from '../store/scan-tasks.js';
import { ALL_ENTERPRISE_PROJECTS, type Scope } from '../store/scope.js';
import { reopenBlocked, SCAN_GATES } from './gates.js';
import { expandPlatforms, summarizeIndexesOf } from './platform-scans.js';

/** Records a scan task over `targets` and queues their digests. */
export async function requestScans(
  ctx: AppContext,
  scope: Scope,
  t: { taskType: 'manual' | 'autoSync' | 'cycle'; isAll: boolean; targets: ScanTarget[] },
): Promise<ScanTaskRow> {
  // A multi-arch tag is scanned platform by platform (platform-scans.ts); artifacts are never queued.
  const { targets, indexes } = await expandPlatforms(ctx, t.targets);
  const digests = [...new Set(targets.map((x) => x.image_digest))];
  const task = await ctx.scanTasks.create(scope, { taskType: t.taskType, isAll: t.isAll, digests });
  await ctx.scanResults.markImages([...digests, ...indexes], 'waiting_for_scan');
  const seen = new Set<string>();
  const jobs = targets
    .filter((x) => !seen.has(x.image_digest) && seen.add(x.image_digest))
    .map((x) => ({
      data: {
        digest: x.image_digest,
        registryId: x.registry_id,
        repository: x.namespace ? `${x.namespace}/${x.image_name}` : x.image_name,
      } satisfies ScanJob,
      singletonKey: x.image_digest,
    }));
  for (let i = 0; i < jobs.length; i += 500) await ctx.jobs.insert(Queues.imageScan, jobs.slice(i, i + 500));
  return task;
}

/**
 * The advisory database of this process, loaded from `dir` (REGATTA_VULNDB) and loaded again when the folder
 * changed (`regatta vulndb import`): its version changes with it, so results made before are scanned again.
 */
const databases = new Map<string, { signature: string; loaded: Promise<ScanDatabases> }>();
export async function scanDatabases(dir: string | undefined): Promise<ScanDatabases> {
  const key = dir ?? '';
  const signature = dir ? await folderSignature(dir) : '';
  const cached = databases.get(key);
  if (cached && cached.signature === signature) return cached.loaded;
  const loaded = loadScanDatabases(dir);
  loaded.then(
    (dbs) => loadedVersions.set(key, dbs.version),
    () => databases.delete(key),
  );
  databases.set(key, { signature, loaded });
  return loaded;
}

const loadedVersions = new Map<string, string>();
/** The version of the data this process last loaded from `dir` (what its next results record), if any. */
export function loadedDataVersion(dir: string | undefined): string | undefined {
  return loadedVersions.get(dir ?? '');
}

/** Modification times of the folder's parts and their direct children (what an import or a copy changes), and the live feed generation. */
async function folderSignature(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const sub of ['osv', 'malware', 'rules']) {
    const path = join(dir, sub);
    try {
      parts.push(`${sub}:${(await stat(path)).mtimeMs}`);
      for (const child of await readdir(path, { withFileTypes: true })) {
        parts.push(`${child.name}:${(await stat(join(path, child.name))).mtimeMs}`);
      }
    } catch {
      parts.push(`${sub}:-`);
    }
  }
  // A feed update goes live by re-pointing feeds/current at a new generation.
  parts.push(`feeds:${(await currentGenerationName(dir)) ?? '-'}`);
  return parts.join(',');
}

/** Told of every scan this process ran to its end (metrics). */
const scanListeners = new Set<(s: { status: 'success' | 'failed'; durationMs: number }) => void>();
export function onScanFinished(
  listener: (s: { status: 'success' | 'failed'; durationMs: number }) => void,
): () => void {
  scanListeners.add(listener);
  return () => scanListeners.delete(listener);
}
async function scanFinished(ctx: AppContext, digest: string, status: 'success' | 'failed', started: number) {
  for (const l of scanListeners) l({ status, durationMs: Date.now() - started });
  if (!ctx.webhook) return;
  const r = await ctx.scanResults.get(digest);
  await emitEvent(ctx, 'io.regatta.scan.finished', digest, {
    digest,
    status,
    failed_code: r?.failed_code ?? null,
    vul_num: r?.vul_num ?? 0,
    malicious_file_num: r?.malicious_file_num ?? 0,
    unsafe_setting_num: r?.unsafe_setting_num ?? 0,
    severity_level: r?.severity_level ?? null,
  });
}

export interface ScanJobOptions {
  /** The advisory folder (REGATTA_VULNDB). */
  vulndb?: string;
  /** An external scanner adapter that finds the vulnerabilities instead of the advisory folder. */
  adapter?: AdapterConfig;
  /** The process's layers already read (shared base layers are read once). */
  layerCache?: LayerCache;
}

export async function runScanJob(ctx: AppContext, job: ScanJob, opts: ScanJobOptions = {}): Promise<void> {
  if (!(await ctx.scanTasks.wanted(job.digest))) return; // every task that asked was stopped
  const dbs = await scanDatabases(opts.vulndb);
  // With an adapter the findings are its own: a result is reused only while the adapter is the same.
  const version = opts.adapter ? `${dbs.version}+adapter:${opts.adapter.url}` : dbs.version;
  const stored = await ctx.scanResults.get(job.digest);
  if (stored?.status === 'success' && !stored.stale && stored.db_version === version) {
    // Checked again against the same data: the result is as current as a new scan would be (a gate's maximum
    // scan age reads it so).
    await ctx.scanResults.touch(job.digest);
    await ctx.scanResults.applyStored(job.digest);
    await ctx.scanTasks.digestStatus(job.digest, 'success');
    await summarizeIndexesOf(ctx, job.digest);
    return;
  }
  await ctx.scanTasks.digestStatus(job.digest, 'scanning');
  await ctx.scanResults.markImages([job.digest, ...(await ctx.images.indexesOf(job.digest))], 'scanning');
  const started = Date.now();
  try {
    const result = await scanDigest(ctx, job, dbs, opts);
    const noAdvisories = dbs.advisories.records === 0 && !opts.adapter;
    const failed: ScanFailure | undefined = noAdvisories ? 'failed_to_scan_vulnerability' : undefined;
    await ctx.scanResults.save(
      resultRow(
        job.digest,
        result,
        version,
        Date.now() - started,
        // Without advisories the packages are still listed and the other checks still ran; say why vul_num is 0.
        failed ? { code: failed, detail: 'no advisory database: set REGATTA_VULNDB to a folder with osv/' } : undefined,
      ),
    );
    await ctx.scanTasks.digestStatus(job.digest, failed ? 'failed' : 'success', failed);
    await summarizeIndexesOf(ctx, job.digest);
    await scanFinished(ctx, job.digest, failed ? 'failed' : 'success', started);
    // Sync tasks a gate blocked on this image's last result are decided again on this one.
    await reopenBlocked(ctx, { digests: [job.digest], gates: SCAN_GATES });
  } catch (err) {
    const code: ScanFailure = err instanceof ScanError ? err.code : failureOf(err);
    await ctx.scanResults.save({
      digest: job.digest,
      status: 'failed',
      failed_code: code,
      failed_detail: err instanceof Error ? err.message.slice(0, 500) : String(err),
      db_version: version,
      duration_ms: Date.now() - started,
    });
    await ctx.scanTasks.digestStatus(job.digest, 'failed', code);
    await summarizeIndexesOf(ctx, job.digest);
    await scanFinished(ctx, job.digest, 'failed', started);
  }
}

async function scanDigest(ctx: AppContext, job: ScanJob, dbs: ScanDatabases, opts: ScanJobOptions) {
  const adapter = opts.adapter;
  const source = await connectorFor(ctx.registries, job.registryId);
  if (!source) throw new ScanError('get_detail_info_not_found', 'the registry of the image was removed');
  let report: ScanReport;
  try {
    const manifest = await source.connector.client.manifestGet(job.repository, job.digest);
    const image = { client: source.connector.client, repository: job.repository, manifest };
    // Layers are reused within the registry they were read from (scan.ts says why).
    const layerCache = opts.layerCache && { cache: opts.layerCache, scope: job.registryId };
    report = await scanImage(image, dbs, layerCache ? { layerCache } : {});
  } finally {
    await source.connector.close();
  }
  if (!adapter) return report;
  // Files, settings and secrets are Regatta's own findings; the vulnerabilities are the adapter's.
  const conn = (await ctx.registries.connectionOf(job.registryId))!;
  const basic = conn.registry_username
    ? `Basic ${Buffer.from(`${conn.registry_username}:${conn.password ?? ''}`).toString('base64')}`
    : undefined;
  const vulnerabilities = await scanWithAdapter(adapter, {
    registryUrl: `${conn.protocol === 'http' ? 'http' : 'https'}://${conn.registry_addr}`,
    ...(basic ? { authorization: basic } : {}),
    repository: job.repository,
    digest: job.digest,
  });
  return {
    ...report,
    vulnerabilities,
    summary: summarize(vulnerabilities, report.maliciousFiles, report.unsafeSettings, report.sensitiveFiles),
  };
}

/** The stored form of a scan report. */
export function resultRow(
  digest: string,
  report: ScanReport,
  dbVersion: string,
  durationMs: number,
  failed?: { code: ScanFailure; detail: string },
): ScanResultInput {
  return {
    digest,
    status: failed ? 'failed' : 'success',
    failed_code: failed?.code ?? null,
    failed_detail: failed?.detail ?? null,
    db_version: dbVersion,
    scanned_digest: report.digest,
    os: report.os ? `${report.os.id} ${report.os.versionId}` : null,
    vul_num: report.summary.vul_num,
    malicious_file_num: report.summary.malicious_file_num,
    unsafe_setting_num: report.summary.unsafe_setting_num,
    sensitive_file_num: report.summary.sensitive_file_num,
    severity_level: report.summary.severity_level,
    vulnerabilities: report.vulnerabilities,
    malicious_files: report.maliciousFiles,
    unsafe_settings: report.unsafeSettings,
    sensitive_files: report.sensitiveFiles,
    packages: report.packages,
    duration_ms: durationMs,
  };
}

/** Registry errors before the layers are read (the manifest GET) in the seed's codes. */
function failureOf(err: unknown): ScanFailure {
  if (!(err instanceof RegattaError)) return 'unknown_error';
  const status = (err as { status?: number }).status;
  if (status === 401 || status === 403) return 'authentication_failed';
  if (status === 404 || err.code === 'MANIFEST_UNKNOWN') return 'get_detail_info_not_found';
  if (err.code === 'UNSUPPORTED_FORMAT') return 'schema_v1_not_support';
  return 'download_failed';
}

/** The dead letter of a scan whose worker died on every try. */
export async function runScanJobFailed(ctx: AppContext, job: ScanJob): Promise<void> {
  await ctx.scanTasks.digestStatus(job.digest, 'failed', 'unknown_error');
  await summarizeIndexesOf(ctx, job.digest);
}

/** After a crawl: scan the registry's rows that were never scanned (new or changed digests). */
export async function scanNewDigests(ctx: AppContext, registryId: string, scope: Scope): Promise<void> {
  const targets = await ctx.images.unscanned(registryId);
  if (targets.length) await requestScans(ctx, scope, { taskType: 'autoSync', isAll: false, targets });
}

/** The schedule: one `cycle` task per project over all its digests (bounded like is_all). */
export async function scheduledScans(ctx: AppContext): Promise<void> {
  for (const project_id of (await ctx.registries.idsByProject()).keys()) {
    const scope = { projectId: project_id, enterpriseProjectId: ALL_ENTERPRISE_PROJECTS };
    const targets = await scanTargets(ctx.db, scope, {}, 100_000);
    if (targets.length) await requestScans(ctx, scope, { taskType: 'cycle', isAll: true, targets });
  }
}
