// What `regatta sync` prints: with --json one document (every image's outcome, totals, the failed ones again);
// for people, a line per image on a dry run, else a summary, and in both cases the failed images with their codes.
import { type SyncOutcome, type SyncTotals, totals } from '../replication/run.js';
import { formatBytes } from './output.js';

export interface SyncReport {
  dryRun: boolean;
  seconds: number;
  totals: SyncTotals;
  images: SyncOutcome[];
  /** The outcomes with status failed or conflict, for a reader who wants only what went wrong. */
  failed: SyncOutcome[];
}

export function buildReport(outcomes: SyncOutcome[], dryRun: boolean, seconds: number): SyncReport {
  const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'conflict' || o.status === 'blocked');
  return { dryRun, seconds: Number(seconds.toFixed(3)), totals: totals(outcomes), images: outcomes, failed };
}

const short = (digest?: string) => (digest ? digest.slice(0, 19) : '?');

/** One line per image of a dry run: what a real run would do. */
export function planLines(outcomes: SyncOutcome[]): string[] {
  return outcomes.map((o) => {
    const what = `${o.status.padEnd(9)} ${o.source} → ${o.destination}`;
    if (o.status === 'skip') return `${what} (has ${short(o.digest)})`;
    if (o.status === 'conflict') return `${what} (target is ${short(o.targetDigest)}, source ${short(o.digest)})`;
    if (o.status === 'copy' && o.targetDigest) return `${what} (replaces ${short(o.targetDigest)})`;
    if (o.status === 'failed' || o.status === 'blocked') return `${what}: ${o.code}: ${o.message}`;
    return what;
  });
}

export function summaryLine(r: SyncReport): string {
  const t = r.totals;
  const conflicts = t.conflicts > 0 ? ` (${t.conflicts} tag conflict${t.conflicts === 1 ? '' : 's'})` : '';
  if (r.dryRun) {
    return `dry run, ${t.images} images: ${t.copied} to copy, ${t.skipped} unchanged, ${t.failed} failing${conflicts}`;
  }
  const referrers = t.referrers > 0 ? `, ${t.referrers} referrers (signatures, SBOMs) with them` : '';
  const blobs = `blobs: ${t.blobsCopied} sent (${formatBytes(t.bytesCopied)}), ${t.blobsMounted} mounted, ${t.blobsExisting} already there`;
  return `synced ${t.images} images in ${r.seconds.toFixed(1)} s: ${t.copied} copied, ${t.skipped} unchanged, ${t.failed} failed${conflicts}${referrers}; ${blobs}`;
}

/** The failed images, one line each: image, code, message. */
export function failedLines(r: SyncReport): string[] {
  if (r.failed.length === 0) return [];
  return [
    `failed (${r.failed.length}):`,
    ...r.failed.map((o) => `  ${o.source} → ${o.destination}: ${o.code}: ${o.message}`),
  ];
}
