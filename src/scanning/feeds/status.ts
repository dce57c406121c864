// How fresh the scan data is, read cheaply (the live generation's state.json, no records loaded) for /readyz,
// /metrics, the native API and the console: when the feeds last changed and were last checked, each feed's
// record count, age and last error, and whether the data is older than the staleness threshold (default 48 h,
// REGATTA_VULNDB_STALE_HOURS): a scanner whose data stopped updating should say so, not go quiet.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { currentGeneration, currentGenerationName, type FeedKind, readState } from './generations.js';

export const DEFAULT_STALE_HOURS = 48;

export interface FeedStatus {
  name: string;
  kind: FeedKind;
  records: number;
  updated_at: string;
  checked_at: string;
  age_seconds: number;
  error: { code: string; message: string; at: string } | null;
}

export interface VulndbStatus {
  dir: string | null;
  /** The live feed generation (changes with every update that changed data). */
  generation: string | null;
  updated_at: string | null;
  checked_at: string | null;
  /** When advisories placed in the folder by hand (`osv/`, `regatta vulndb import`) last changed, if any. */
  hand_placed_at: string | null;
  /** Seconds since the data last changed (the feeds', else the hand-placed advisories'); null without data. */
  age_seconds: number | null;
  stale: boolean;
  stale_after_hours: number;
  feeds: FeedStatus[];
}

const secondsSince = (iso: string, now: number) => Math.max(0, Math.round((now - Date.parse(iso)) / 1000));

export async function vulndbStatus(
  dir: string | undefined,
  staleAfterHours = DEFAULT_STALE_HOURS,
  now = Date.now(),
): Promise<VulndbStatus> {
  const state = dir ? await readState(await currentGeneration(dir)) : undefined;
  const feeds: FeedStatus[] = Object.values(state?.feeds ?? {}).map((f) => ({
    name: f.name,
    kind: f.kind,
    records: f.records + (f.delta ?? 0),
    updated_at: f.fetchedAt,
    checked_at: f.checkedAt,
    age_seconds: secondsSince(f.fetchedAt, now),
    error: f.lastError ?? null,
  }));
  // The data is as old as its oldest feed: one feed that stopped updating makes the whole set stale.
  const oldest = feeds.reduce<string | undefined>((o, f) => (!o || f.updated_at < o ? f.updated_at : o), undefined);
  const handPlaced = dir ? await newestChange(join(dir, 'osv')) : undefined;
  const since = oldest ?? handPlaced;
  const age = since ? secondsSince(since, now) : null;
  return {
    dir: dir ?? null,
    generation: dir ? ((await currentGenerationName(dir)) ?? null) : null,
    updated_at: state?.updatedAt ?? null,
    checked_at: state?.checkedAt ?? null,
    hand_placed_at: handPlaced ?? null,
    age_seconds: age,
    stale: age === null || age > staleAfterHours * 3600,
    stale_after_hours: staleAfterHours,
    feeds,
  };
}

/** The newest modification time of a folder and its direct children (what an import or a copy changes). */
async function newestChange(dir: string): Promise<string | undefined> {
  const top = await stat(dir).catch(() => undefined);
  if (!top) return undefined;
  let newest = top.mtimeMs;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s && s.mtimeMs > newest) newest = s.mtimeMs;
  }
  return new Date(newest).toISOString();
}
