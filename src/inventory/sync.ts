// Inventory sync of one registry: every repository and tag into the images table. Incremental: a tag whose
// digest is unchanged costs one HEAD, a new tag one manifest GET (no HEAD first); tags and repositories that disappeared are deleted; each repository's
// newest tag is flagged latest_version. Tags are read a few at a time per registry. One bad tag or repository
// (an endless or oversized manifest, a wrong digest, a redirect loop, a deadline passed) does not fail the crawl:
// it is recorded with its code, its rows from earlier crawls are kept, and the crawl goes on with the rest.
import pLimit, { type LimitFunction } from 'p-limit';
import type { Connector, RepositoryRef } from '../connectors/connector.js';
import { RegattaError, RegistryError } from '../oci/errors.js';
import type { ImageStore, RepositoryKey } from '../store/images.js';
import type { RegistryView } from '../store/registries.js';
import { describeTag, type TagDescription } from './describe.js';
import { referrerOf } from './referrer-kinds.js';
import type { ScanSizeLimits } from './scannable.js';

export interface SyncContext {
  registry: RegistryView;
  connector: Connector;
  images: ImageStore;
  /** Tags read at once from this registry. */
  concurrency?: number;
  /** Told of each tag that is new or points at another digest than at the last crawl (the polling trigger). */
  onChanged?: (repo: RepositoryRef, tag: string, digest: string) => void;
  /** The scanner's size limits: a tag over them is recorded as not scannable (scannable.ts). */
  scanLimits?: ScanSizeLimits;
  signal?: AbortSignal;
}

export interface SyncOutcome {
  images: number;
  repositories: number;
  changed: number;
  unchanged: number;
  /** Tags skipped because their manifest cannot be read as an image (schema1, unknown formats). */
  skipped: number;
  /** Tags (or whole repositories, tag `*`) that could not be read, with why; the first 100. */
  failed: TagFailure[];
  failedCount: number;
}

export interface TagFailure {
  repository: string;
  tag: string;
  code: string;
}

const MAX_FAILURES_KEPT = 100;

/** Records a failure to read `tag` of `repo`, unless the crawl itself was cancelled (that fails the crawl). */
function recordFailure(ctx: SyncContext, outcome: SyncOutcome, repo: RepositoryRef, tag: string, err: unknown): void {
  if (ctx.signal?.aborted || !(err instanceof RegattaError)) throw err;
  outcome.failedCount++;
  if (outcome.failed.length < MAX_FAILURES_KEPT)
    outcome.failed.push({ repository: repo.repository, tag, code: err.code });
}

export async function syncRegistry(ctx: SyncContext): Promise<SyncOutcome> {
  const syncStart = Date.now();
  const outcome: SyncOutcome = {
    images: 0,
    repositories: 0,
    changed: 0,
    unchanged: 0,
    skipped: 0,
    failed: [],
    failedCount: 0,
  };
  const limit = pLimit(ctx.concurrency ?? 8);
  for await (const repo of ctx.connector.listRepositories({ signal: ctx.signal })) {
    outcome.repositories++;
    await syncRepository(ctx, repo, syncStart, limit, outcome);
  }
  outcome.images = await ctx.images.finishRegistry(ctx.registry.id, syncStart);
  return outcome;
}

async function syncRepository(
  ctx: SyncContext,
  repo: RepositoryRef,
  syncStart: number,
  limit: LimitFunction,
  outcome: SyncOutcome,
) {
  const key: RepositoryKey = { registryId: ctx.registry.id, namespace: repo.namespace, imageName: repo.name };
  let tags: string[];
  try {
    tags = await ctx.connector.listTags(repo, ctx.signal);
  } catch (err) {
    recordFailure(ctx, outcome, repo, '*', err);
    // The repository's rows stay as the last crawl left them: touched, and the repository not finished.
    const known = await ctx.images.digests(key);
    await ctx.images.touch(
      [...known.values()].map((r) => r.id),
      syncStart,
    );
    return;
  }
  const known = await ctx.images.digests(key);
  const unchanged: number[] = [];
  const present: string[] = [];
  await Promise.all(
    tags.map((tag) =>
      limit(async () => {
        try {
          await syncTag(ctx, key, repo, tag, syncStart, { known, unchanged, present, outcome });
        } catch (err) {
          recordFailure(ctx, outcome, repo, tag, err);
          // Unreadable now: kept as the last crawl saw it (touched, so neither this repository's nor the
          // registry's end of crawl deletes it), and reported.
          present.push(tag);
          const row = known.get(tag);
          if (row) unchanged.push(row.id);
        }
      }),
    ),
  );
  await ctx.images.touch(unchanged, syncStart);
  await ctx.images.finishRepository(key, present);
}

interface RepositoryState {
  known: Awaited<ReturnType<ImageStore['digests']>>;
  unchanged: number[];
  present: string[];
  outcome: SyncOutcome;
}

async function syncTag(
  ctx: SyncContext,
  key: RepositoryKey,
  repo: RepositoryRef,
  tag: string,
  syncStart: number,
  st: RepositoryState,
): Promise<void> {
  const row = st.known.get(tag);
  if (!row) return syncNewTag(ctx, key, repo, tag, syncStart, st);
  const head = await ctx.connector.client.manifestHead(repo.repository, tag, ctx.signal);
  if (!head) return; // deleted between the tag list and now
  st.present.push(tag);
  if (row.digest === head.digest) {
    st.unchanged.push(row.id);
    st.outcome.unchanged++;
    return;
  }
  ctx.onChanged?.(repo, tag, head.digest);
  if (await writeTag(ctx, key, repo, tag, head.digest, syncStart)) st.outcome.changed++;
  else st.outcome.skipped++;
}

/**
 * A tag the last crawl did not see: its manifest is read by tag at once (the GET says its digest, checked against
 * Docker-Content-Digest), without a HEAD first: one request fewer per tag on a first crawl (bench:crawl).
 */
async function syncNewTag(
  ctx: SyncContext,
  key: RepositoryKey,
  repo: RepositoryRef,
  tag: string,
  syncStart: number,
  st: RepositoryState,
): Promise<void> {
  let described: TagDescription;
  try {
    described = await describeTag(ctx.connector.client, repo.repository, tag, ctx.signal, ctx.scanLimits);
  } catch (err) {
    if (err instanceof RegistryError && err.isNotFound) return; // deleted between the tag list and now
    if (!(err instanceof RegattaError && err.code === 'UNSUPPORTED_FORMAT')) throw err;
    // Not an image: skipped, but a trigger still hears of the tag (as a HEAD would have told it).
    const head = await ctx.connector.client.manifestHead(repo.repository, tag, ctx.signal);
    if (!head) return;
    st.present.push(tag);
    ctx.onChanged?.(repo, tag, head.digest);
    st.outcome.skipped++;
    return;
  }
  st.present.push(tag);
  ctx.onChanged?.(repo, tag, described.image_digest);
  await storeTag(ctx, key, tag, described, syncStart);
  st.outcome.changed++;
}

/** Describes and stores one tag; false when its manifest is of a format we do not inventory. */
async function writeTag(
  ctx: SyncContext,
  key: RepositoryKey,
  repo: RepositoryRef,
  tag: string,
  digest: string,
  syncTime: number,
): Promise<boolean> {
  let d: TagDescription;
  try {
    d = await describeTag(ctx.connector.client, repo.repository, digest, ctx.signal, ctx.scanLimits);
  } catch (err) {
    // Not an image (schema1, another artifact's format): skipped. Anything else (an oversized or malformed
    // manifest among them) is a failure the caller records.
    if (err instanceof RegattaError && err.code === 'UNSUPPORTED_FORMAT') return false;
    throw err;
  }
  await storeTag(ctx, key, tag, d, syncTime);
  return true;
}

async function storeTag(ctx: SyncContext, key: RepositoryKey, tag: string, d: TagDescription, syncTime: number) {
  const { platforms, created, artifact_hints, ...fields } = d;
  const referrer = referrerOf(tag, artifact_hints);
  await ctx.images.upsert(
    {
      ...fields,
      subject_digest: referrer?.subject ?? null,
      referrer_kinds: referrer ? JSON.stringify(referrer.kinds) : null,
      project_id: ctx.registry.project_id,
      enterprise_project_id: ctx.registry.enterprise_project_id,
      registry_id: key.registryId,
      namespace: key.namespace,
      image_name: key.imageName,
      image_version: tag,
      latest_update_time: created ?? syncTime,
      latest_sync_time: syncTime,
      // Over the scanner's limits: the seed's own status and code, never queued.
      ...(fields.unscannable_reason && fields.unscannable_reason !== 'not_a_container_image'
        ? { scan_status: 'image_oversized', scan_failed_code: fields.unscannable_reason }
        : {}),
    },
    platforms,
  );
}
