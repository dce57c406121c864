// One OSV ecosystem brought up to date inside a generation being built. OSV publishes per ecosystem `all.zip`
// (every record) and `modified_id.csv` (`<modified>,<id>` per record, newest first). With a previous download
// the listing is asked for first, conditionally: 304 means nothing changed (one request). Otherwise the records
// modified since the newest one we hold are fetched one by one into `records/` beside the previous all.zip (the
// loader keeps the later `modified` of two copies), unless there are so many that the whole zip is cheaper.
// A source without the listing (a plain mirror) gets a conditional GET of all.zip alone. Every downloaded
// record is checked against the OSV schema; a zip with no usable record, or with far fewer than before, is refused.
// https://google.github.io/osv.dev/data/#data-dumps
import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RegattaError } from '../../errors.js';
import { parseOsvRecord } from '../vulndb/osv-schema.js';
import { readOsvZip } from '../vulndb/osv-zip.js';
import { type FetchLimits, joinSource } from './fetch.js';
import { type FeedState, linkTree } from './generations.js';
import type { FeedContext, FeedResult } from './update.js';

/** More changed records than this: download all.zip again instead of one request per record. */
export const INCREMENTAL_LIMIT = 500;
/** A new all.zip with fewer than this share of the previous record count is refused as truncated. */
const MIN_RECORD_RATIO = 0.5;
/** One record fetched on its own is a small document. */
const RECORD_LIMITS: Partial<FetchLimits> = { maxBytes: 8 * 1024 * 1024 };
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export async function updateOsvFeed(ctx: FeedContext): Promise<FeedResult> {
  const { feed, prev, dir, prevDir } = ctx;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const listing = join(ctx.scratch, `${ctx.index}-modified_id.csv`);
  // A source known to have no listing is not asked for it again: an unchanged feed then costs one request too.
  const ids = prev?.noListing
    ? ({ status: 'missing' } as const)
    : await ctx.fetch(joinSource(feed.source, 'modified_id.csv'), listing, prev?.idsValidators);
  if (ids.status === 'unchanged' && prev && prevDir) return carryOver(ctx, prev);
  // Without a listing (a plain mirror) all.zip is asked for conditionally; with a changed one, whole.
  let zipValidators = prevDir ? prev?.validators : undefined;
  let listed: Partial<FeedState> = ids.status === 'missing' ? { noListing: true } : {};
  if (ids.status === 'fetched') {
    const changed = await modifiedSince(listing, prev?.newestModified);
    listed = { idsValidators: ids.validators, newestModified: changed.newest ?? prev?.newestModified };
    const incremental = prev && prevDir && prev.newestModified;
    if (incremental && changed.ids.length === 0) return carryOver(ctx, { ...prev, ...listed });
    if (incremental && changed.ids.length <= INCREMENTAL_LIMIT) {
      await linkTree(prevDir, dir);
      await fetchRecords(ctx, changed.ids);
      const delta = (prev.delta ?? 0) + changed.ids.length;
      return { state: { ...prev, ...listed, delta, fetchedAt: ctx.now, checkedAt: ctx.now }, status: 'updated' };
    }
    zipValidators = undefined;
  }
  const full = await fetchZip(ctx, zipValidators);
  if (full === 'unchanged') return carryOver(ctx, { ...prev!, ...listed });
  return { state: { ...full, ...listed }, status: 'updated' };
}

function carryOver(ctx: FeedContext, prev: FeedState): Promise<FeedResult> {
  return linkTree(ctx.prevDir!, ctx.dir).then(() => ({ state: { ...prev, checkedAt: ctx.now }, status: 'unchanged' }));
}

async function fetchZip(ctx: FeedContext, validators: FeedState['validators']): Promise<FeedState | 'unchanged'> {
  const { feed, prev } = ctx;
  const zipPath = join(ctx.dir, 'all.zip');
  const got = await ctx.fetch(joinSource(feed.source, 'all.zip'), zipPath, validators);
  if (got.status === 'unchanged') return 'unchanged';
  if (got.status === 'missing') throw new RegattaError('VULNDB_FETCH_FAILED', `${feed.source}: no all.zip there`);
  ctx.progress({ phase: 'validate' });
  let valid = 0;
  let invalid = 0;
  await readOsvZip(zipPath, (json) => {
    if (parseOsvRecord(json)) valid++;
    else invalid++;
  });
  if (valid === 0) throw new RegattaError('VULNDB_INVALID', `${feed.name}: all.zip holds no usable OSV record`);
  if (prev && prev.records > 0 && valid < prev.records * MIN_RECORD_RATIO) {
    throw new RegattaError(
      'VULNDB_INVALID',
      `${feed.name}: all.zip holds ${valid} records where the last one held ${prev.records}: refused as truncated`,
    );
  }
  ctx.progress({ phase: 'validate', records: valid, invalid });
  return {
    name: feed.name,
    kind: 'osv',
    source: feed.source,
    validators: got.validators,
    records: valid,
    delta: 0,
    fetchedAt: ctx.now,
    checkedAt: ctx.now,
  };
}

/** Ids listed as modified after `since` (all of them when undefined), and the newest time listed. */
async function modifiedSince(path: string, since: string | undefined): Promise<{ ids: string[]; newest?: string }> {
  const ids: string[] = [];
  let newest: string | undefined;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const comma = line.indexOf(',');
    if (comma < 0) continue;
    const modified = line.slice(0, comma).trim();
    const id = line.slice(comma + 1).trim();
    if (!ID.test(id) || Number.isNaN(Date.parse(modified))) continue;
    if (!newest || modified > newest) newest = modified;
    if (since === undefined || modified > since) ids.push(id);
    if (since === undefined && ids.length > INCREMENTAL_LIMIT) ids.length = INCREMENTAL_LIMIT + 1;
  }
  return { ids: [...new Set(ids)], ...(newest ? { newest } : {}) };
}

/** Fetches `<id>.json` for each id into records/, each checked against the schema. */
async function fetchRecords(ctx: FeedContext, ids: string[]): Promise<void> {
  const dir = join(ctx.dir, 'records');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let done = 0;
  const next = async (): Promise<void> => {
    const id = ids[done++];
    if (id === undefined) return;
    const path = join(dir, `${id}.json`);
    const got = await ctx.fetch(joinSource(ctx.feed.source, `${id}.json`), path, undefined, RECORD_LIMITS);
    // Listed but gone (withdrawn and removed): nothing to add.
    if (got.status === 'fetched') {
      if (!parseOsvRecord(await readFile(path, 'utf8'))) {
        throw new RegattaError('VULNDB_INVALID', `${ctx.feed.name}: ${id}.json is not a usable OSV record`);
      }
    }
    ctx.progress({ phase: 'records', records: Math.min(done, ids.length), total: ids.length });
    return next();
  };
  await Promise.all(Array.from({ length: Math.min(8, ids.length) }, next));
}
