// `regatta scan` of a multi-arch tag (issue 17): every platform image of the index scanned by its own digest, as
// the server's scans do, so a CI job sees the arm64 image's findings even when amd64 is clean. Attestations
// (`unknown/unknown`) and artifacts riding in the index are no platforms and are skipped; an oversized image is
// not skipped but fails, as it would scanned alone. The overall summary counts each distinct finding once, with
// the same keys as the server's index summary (services/platform-scans.ts), so both say the same vul_num.
import { extname } from 'node:path';
import { RegattaError } from '../errors.js';
import { unscannableImage } from '../inventory/scannable.js';
import type { RegistryClient } from '../oci/client.js';
import { type Descriptor, formatPlatform, type ParsedIndex, type Platform, platformMatches } from '../oci/manifest.js';
import type { ScanDatabases } from '../scanning/databases.js';
import { ScanError } from '../scanning/errors.js';
import { mergeFindings } from '../scanning/merge.js';
import { type ScanReport, type ScanSummary, scanImage, summarize } from '../scanning/scan.js';

/** Two at once: each scan holds a layer stream and the files it keeps in memory, so more mostly costs memory. */
const AT_ONCE = 2;

export interface PlatformReport extends ScanReport {
  platform: Platform;
}

/** The index's entries that are platforms: attestations and signatures say `unknown/unknown` (or nothing). */
function platformEntries(index: ParsedIndex): Array<Descriptor & { platform: Platform }> {
  return index.body.manifests.filter(
    (d): d is Descriptor & { platform: Platform } => d.platform !== undefined && d.platform.os !== 'unknown',
  );
}

/** A USAGE error, naming the platforms the index has, when none of them is `want`. */
export function requirePlatform(index: ParsedIndex, want: Platform): void {
  const entries = platformEntries(index);
  if (entries.some((d) => platformMatches(d.platform, want))) return;
  const have = entries.map((d) => formatPlatform(d.platform)).join(', ') || 'none';
  throw new RegattaError('USAGE', `--platform ${formatPlatform(want)}: the index has no such image (it has ${have})`);
}

/** Every platform image of `index` scanned, in the index's order; the first failure stops the others. */
export async function scanPlatforms(
  client: RegistryClient,
  repository: string,
  index: ParsedIndex,
  dbs: ScanDatabases,
): Promise<PlatformReport[]> {
  const reports = await mapLimited(platformEntries(index), AT_ONCE, async (d, signal) => {
    const child = await client.manifestGet(repository, d.digest, signal);
    if (child.kind !== 'image' || unscannableImage(child.body) === 'not_a_container_image') return undefined;
    const report = await scanImage({ client, repository, manifest: child }, dbs, { signal });
    const { os, architecture, variant } = d.platform;
    return { platform: variant ? { os, architecture, variant } : { os, architecture }, ...report };
  });
  const scanned = reports.filter((r): r is PlatformReport => r !== undefined);
  if (scanned.length === 0) throw new ScanError('get_detail_info_not_found', 'the index names no container image');
  return scanned;
}

/** The index's summary: each distinct finding of its platforms once, and so the worst platform's severity. */
export function overallSummary(reports: readonly PlatformReport[]): ScanSummary {
  const merged = mergeFindings(reports);
  return summarize(
    [...merged.vulnerabilities],
    [...merged.maliciousFiles],
    [...merged.unsafeSettings],
    [...merged.sensitiveFiles],
  );
}

/**
 * `sbom.json` → `sbom-linux-arm64-v8.json`. The platform's words come from the registry, so anything but
 * `[A-Za-z0-9._]` becomes `_`: a hostile index cannot steer the file into another directory.
 */
export function sbomPathFor(file: string, p: Platform): string {
  const ext = extname(file);
  const words = [p.os, p.architecture, p.variant].filter(Boolean).map((w) => w!.replace(/[^A-Za-z0-9._]/g, '_'));
  return `${file.slice(0, file.length - ext.length)}-${words.join('-')}${ext}`;
}

/** `fn` over `items`, `limit` at once, results in order; the first failure aborts the rest and is thrown. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const abort = new AbortController();
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && !abort.signal.aborted) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, abort.signal);
      } catch (err) {
        // The first reason is kept: the others' aborted reads fail because of it.
        if (!abort.signal.aborted) abort.abort(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (abort.signal.aborted) throw abort.signal.reason;
  return results;
}
