// Multi-arch tags are scanned platform by platform (issue 17, seed 003's association_images): a request for a tag
// that names an index queues each platform image by its own digest, so a platform shared by many tags (or many
// indexes) is scanned once, in parallel within the scan workers' budget, and its result is cached by digest like
// any other. When the last platform of an index has its result, the index gets a summary of them all: the
// distinct findings of its platforms, the worst severity, and failed (naming the platform) if any platform's
// latest scan failed. Attestation manifests (`unknown/unknown`) are not platforms: the crawl leaves them out.
import type { AppContext } from '../app/context.js';
import { mergeFindings } from '../scanning/merge.js';
import { summarize } from '../scanning/scan.js';
import type { StoredVulnerability } from '../store/findings.js';
import type { PlatformOfIndex } from '../store/images.js';
import type { ScanTarget } from '../store/images-query.js';
import type { ScanResultInput, ScanResultRow } from '../store/scan-results.js';

/** The targets to queue: every multi-arch tag replaced by its scannable platforms; unscannable ones dropped. */
export async function expandPlatforms(
  ctx: AppContext,
  targets: readonly ScanTarget[],
): Promise<{ targets: ScanTarget[]; indexes: string[] }> {
  const digests = targets.map((t) => t.image_digest);
  const [platforms, unscannable] = await Promise.all([
    ctx.images.platformsOfIndexes(digests),
    ctx.images.unscannable(digests),
  ]);
  const out: ScanTarget[] = [];
  for (const t of targets) {
    if (unscannable.has(t.image_digest)) continue;
    const children = platforms.get(t.image_digest);
    if (!children) out.push(t);
    else for (const p of children.filter((c) => c.scannable)) out.push({ ...t, image_digest: p.digest });
  }
  return { targets: out, indexes: [...platforms.keys()].filter((d) => !unscannable.has(d)) };
}

/** After a platform image's scan ended: the summary of every multi-arch tag holding it whose platforms are all done. */
export async function summarizeIndexesOf(ctx: AppContext, digest: string): Promise<void> {
  const indexes = await ctx.images.indexesOf(digest);
  if (indexes.length === 0) return;
  const platforms = await ctx.images.platformsOfIndexes(indexes);
  for (const [index, children] of platforms) await summarizeIndex(ctx, index, children);
}

async function summarizeIndex(ctx: AppContext, index: string, children: PlatformOfIndex[]): Promise<void> {
  const scannable = children.filter((c) => c.scannable);
  if (scannable.length === 0) return;
  // A platform some task still waits for: the summary comes when it is done.
  for (const c of scannable) if (await ctx.scanTasks.wanted(c.digest)) return;
  const results = await Promise.all(scannable.map((c) => ctx.scanResults.get(c.digest)));
  if (results.some((r) => r === undefined)) return;
  const vulnerabilities = await Promise.all(scannable.map((c) => ctx.scanResults.vulnerabilities(c.digest)));
  const platforms = scannable.map((c, i) => ({
    label: c.label,
    result: results[i]!,
    vulnerabilities: vulnerabilities[i]!.items,
  }));
  await ctx.scanResults.save(mergeResults(index, platforms));
}

interface PlatformResult {
  label: string;
  result: ScanResultRow;
  vulnerabilities: StoredVulnerability[];
}

const RANK = { Critical: 0, High: 1, Medium: 2, Unknown: 3, Low: 4 } as const;

/** One result for the index: its platforms' findings, each distinct finding once; failed if any platform failed. */
export function mergeResults(index: string, platforms: readonly PlatformResult[]): ScanResultInput {
  const merged = mergeFindings(
    platforms.map((p) => ({
      vulnerabilities: p.vulnerabilities,
      maliciousFiles: p.result.malicious_files,
      unsafeSettings: p.result.unsafe_settings,
      sensitiveFiles: p.result.sensitive_files,
      packages: p.result.packages,
    })),
  );
  // Most severe first, as a single image's report lists them.
  const vulnerabilities = [...merged.vulnerabilities].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const malicious = [...merged.maliciousFiles];
  const settings = [...merged.unsafeSettings];
  const sensitive = [...merged.sensitiveFiles];
  const packages = [...merged.packages];
  // A stale result is one whose latest scan failed: the platform counts as failed.
  const failed = platforms.find((p) => p.result.status !== 'success' || p.result.stale);
  const summary = summarize(vulnerabilities, malicious, settings, sensitive);
  const versions = [...new Set(platforms.map((p) => p.result.db_version))].sort();
  return {
    digest: index,
    status: failed ? 'failed' : 'success',
    failed_code: failed ? (failed.result.failed_code ?? 'unknown_error') : null,
    failed_detail: failed ? `${failed.label}: ${failed.result.failed_detail ?? 'the scan failed'}`.slice(0, 500) : null,
    db_version: versions.join(' '),
    scanned_digest: index,
    os: platforms.find((p) => p.result.os)?.result.os ?? null,
    ...summary,
    vulnerabilities,
    malicious_files: malicious,
    unsafe_settings: settings,
    sensitive_files: sensitive,
    packages,
    duration_ms: platforms.reduce((n, p) => n + (p.result.duration_ms ?? 0), 0),
  };
}
