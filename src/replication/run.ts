// The second half of the one replication pipeline (the first is select.ts): what `regatta sync`, `copy
// --all-tags` and the rule preview run, and what the worker's tasks share per batch (run-task.ts). Runs many
// image copies as one sync: `jobs` images at once, one blob ledger for the run (a layer shared by many images
// crosses once per target registry, then is mounted), one outcome per image. One image failing, a tag
// conflict included, does not stop the others. With `dryRun`, each image is only planned (HEADs, nothing
// written) and its outcome says what a real run would do.
import pLimit from 'p-limit';
import { RegattaError } from '../oci/errors.js';
import type { Platform } from '../oci/manifest.js';
import { BlobLedger } from './blob-ledger.js';
import { TagConflictError } from './conflict.js';
import { addStats, type CopyListener, type CopyStats, emptyStats } from './copy-events.js';
import type { ImageEndpoint } from './image-copy.js';
import { planImage } from './plan.js';
import { copyWithReferrers } from './referrers.js';
import { TargetCensus } from './target-census.js';
import { taskIssueOf } from './task-issue.js';

export interface SyncItem {
  src: ImageEndpoint;
  dst: ImageEndpoint;
  override: boolean;
  platform?: Platform;
  /** Set: the image's referrers are copied after it (replication/referrers.ts). */
  referrers?: { tags?: string[] };
  /** Which rule of a rules file it came from (0-based). */
  rule?: number;
}

/** copied / skipped / failed after a run; copy / skip / conflict / blocked / failed after a dry run. */
export type SyncStatus = 'copied' | 'skipped' | 'failed' | 'copy' | 'skip' | 'conflict' | 'blocked';

/**
 * A check an image must pass before it is copied (`regatta sync --require-signature`): undefined to pass, else
 * why not (the outcome is POLICY_BLOCKED with that detail, and nothing is written).
 */
export type SyncGate = (src: ImageEndpoint, digest: string, signal?: AbortSignal) => Promise<string | undefined>;

export interface SyncOutcome {
  source: string;
  destination: string;
  rule?: number;
  status: SyncStatus;
  /** The digest the target has (or would get). */
  digest?: string;
  /** What the target named before (a conflict, or a replaced tag). */
  targetDigest?: string;
  code?: string;
  message?: string;
  stats?: CopyStats;
  /** Referrers (signatures, SBOMs, attestations) now at the target with the image. */
  referrers?: number;
}

export interface SyncOptions {
  /** Images at once. */
  jobs: number;
  dryRun?: boolean;
  /** Blobs at once per image. */
  concurrency?: number;
  chunkSize?: number;
  onEvent?: CopyListener;
  /** Told as each image finishes. */
  onImage?: (outcome: SyncOutcome) => void;
  gate?: SyncGate;
  signal?: AbortSignal;
}

export interface SyncTotals extends CopyStats {
  images: number;
  copied: number;
  skipped: number;
  failed: number;
  conflicts: number;
  /** Referrers at the target with their images (copied or already there). */
  referrers: number;
}

/** Runs every item; resolves with one outcome per item, in item order. Rejects only when `signal` aborts. */
export async function syncImages(items: SyncItem[], opts: SyncOptions): Promise<SyncOutcome[]> {
  const limit = pLimit(opts.jobs);
  const blobs = new BlobLedger();
  const census = new TargetCensus();
  return Promise.all(
    items.map((item) =>
      limit(async () => {
        const blocked = opts.gate ? await gateOne(item, opts, opts.gate).catch((err) => failure(item, err)) : undefined;
        const run = blocked
          ? Promise.resolve(blocked)
          : opts.dryRun
            ? planOne(item, opts)
            : copyOne(item, opts, blobs, census);
        const outcome = await run.catch((err) => {
          if (opts.signal?.aborted) throw err;
          return failure(item, err);
        });
        opts.onImage?.(outcome);
        return outcome;
      }),
    ),
  );
}

/** The gate's refusal of an image as its outcome, or undefined when it passes (one HEAD at the source). */
async function gateOne(item: SyncItem, opts: SyncOptions, gate: SyncGate): Promise<SyncOutcome | undefined> {
  const head = await item.src.client.manifestHead(item.src.repository, item.src.reference, opts.signal);
  if (!head) throw new RegattaError('MANIFEST_UNKNOWN', `${item.src.reference} is not in ${item.src.repository}`);
  const refusal = await gate(item.src, head.digest, opts.signal);
  if (refusal === undefined) return undefined;
  const status = opts.dryRun ? 'blocked' : 'failed';
  return { ...names(item), status, digest: head.digest, code: 'POLICY_BLOCKED', message: refusal };
}

async function copyOne(item: SyncItem, opts: SyncOptions, blobs: BlobLedger, census: TargetCensus) {
  const targetAbsent = await census.absent(item.dst, opts.signal);
  const r = await copyWithReferrers(
    item.src,
    item.dst,
    {
      targetAbsent,
      override: item.override,
      platform: item.platform,
      concurrency: opts.concurrency,
      chunkSize: opts.chunkSize,
      blobs,
      platformsOfUnchanged: false,
      onEvent: opts.onEvent,
      signal: opts.signal,
    },
    item.referrers,
  );
  // An unchanged image whose signature is new counts as copied: something was written.
  const wrote = !r.unchanged || (r.referrers?.copied ?? 0) > 0;
  const outcome: SyncOutcome = { ...names(item), status: wrote ? 'copied' : 'skipped', digest: r.digest };
  if (r.referrers && r.referrers.copied + r.referrers.unchanged > 0)
    outcome.referrers = r.referrers.copied + r.referrers.unchanged;
  return { ...outcome, stats: r.stats };
}

async function planOne(item: SyncItem, opts: SyncOptions): Promise<SyncOutcome> {
  const plan = await planImage(item.src, item.dst, {
    override: item.override,
    platform: item.platform,
    signal: opts.signal,
  });
  const outcome: SyncOutcome = { ...names(item), status: plan.action, digest: plan.sourceDigest };
  if (plan.targetDigest) outcome.targetDigest = plan.targetDigest;
  if (plan.action === 'conflict') {
    outcome.code = 'TAG_CONFLICT';
    outcome.message = `the target is ${plan.targetDigest}, the source ${plan.sourceDigest} (override is off)`;
  }
  return outcome;
}

function failure(item: SyncItem, err: unknown): SyncOutcome {
  const { source, destination, rule } = names(item);
  return failedOutcome(source, destination, err, rule);
}

/** A failed outcome; also for what fails before there are images (a catalog or tag list that cannot be read). */
export function failedOutcome(source: string, destination: string, err: unknown, rule?: number): SyncOutcome {
  // A RegattaError says its own code; anything else is classified as a task would be (NETWORK_ERROR …).
  const code = err instanceof RegattaError ? err.code : taskIssueOf(err);
  const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
  const targetDigest = err instanceof TagConflictError ? err.targetDigest : undefined;
  return {
    source,
    destination,
    ...(rule === undefined ? {} : { rule }),
    status: 'failed',
    code,
    message,
    ...(targetDigest ? { targetDigest } : {}),
  };
}

function names(item: Pick<SyncItem, 'src' | 'dst' | 'rule'>): Pick<SyncOutcome, 'source' | 'destination' | 'rule'> {
  const name = (e: ImageEndpoint) =>
    `${e.client.registry}/${e.repository}${e.reference.includes(':') ? '@' : ':'}${e.reference}`;
  return {
    source: name(item.src),
    destination: name(item.dst),
    ...(item.rule === undefined ? {} : { rule: item.rule }),
  };
}

/** Counts of a run; a conflict (real or predicted) counts as failed, as the exit code does. */
export function totals(outcomes: SyncOutcome[]): SyncTotals {
  const t: SyncTotals = {
    images: outcomes.length,
    copied: 0,
    skipped: 0,
    failed: 0,
    conflicts: 0,
    referrers: 0,
    ...emptyStats(),
  };
  for (const o of outcomes) {
    if (o.status === 'copied' || o.status === 'copy') t.copied++;
    else if (o.status === 'skipped' || o.status === 'skip') t.skipped++;
    else t.failed++;
    if (o.status === 'conflict' || o.code === 'TAG_CONFLICT') t.conflicts++;
    t.referrers += o.referrers ?? 0;
    if (o.stats) addStats(t, o.stats);
  }
  return t;
}
