// Where updated feeds live inside the advisory folder, and how a new set replaces the live one at once:
//   <vulndb>/feeds/current       a symlink to the live generation, replaced by rename(2) (atomic on POSIX)
//   <vulndb>/feeds/gen-<time>/   one generation: osv/<Ecosystem>/…, malware/<feed>/…, rules/<feed>/…, state.json
//   <vulndb>/feeds/.tmp-…        a generation being built; never read, removed when its update ends
// A reader resolves `current` once and reads that generation; the previous generation is kept until the next
// update so a reader that resolved it just before a swap can finish. Files are hard-linked from the previous
// generation when a feed is unchanged, so an update that changes one ecosystem copies no other.
import { randomBytes } from 'node:crypto';
import {
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { Validators } from './fetch.js';

export type FeedKind = 'osv' | 'malware' | 'rules';

/** What the last update learnt of one feed. */
export interface FeedState {
  name: string;
  kind: FeedKind;
  source: string;
  /** Validators of the main file (all.zip, the hash list, the rule file). */
  validators?: Validators;
  /** Validators and newest `modified` of the OSV modified-ids listing, for incremental updates. */
  idsValidators?: Validators;
  newestModified?: string;
  /** The source has no modified-ids listing (a plain mirror): all.zip alone is asked for. */
  noListing?: boolean;
  /** Records (OSV), hashes or rules in the last full file, and single records fetched since. */
  records: number;
  delta?: number;
  /** When the data last changed, and when the source was last asked. */
  fetchedAt: string;
  checkedAt: string;
  /** The last update's failure, kept until an update of this feed succeeds. */
  lastError?: { code: string; message: string; at: string };
}

export interface FeedsState {
  updatedAt: string;
  checkedAt: string;
  feeds: Record<string, FeedState>;
}

export const feedsDir = (vulndb: string) => join(vulndb, 'feeds');

/** The live generation's folder, or undefined before the first update. */
export async function currentGeneration(vulndb: string): Promise<string | undefined> {
  return realpath(join(feedsDir(vulndb), 'current')).catch(() => undefined);
}

/** The symlink's target name: what changes when a new generation goes live (cheap to compare). */
export async function currentGenerationName(vulndb: string): Promise<string | undefined> {
  return readlink(join(feedsDir(vulndb), 'current')).catch(() => undefined);
}

export async function readState(generation: string | undefined): Promise<FeedsState | undefined> {
  if (!generation) return undefined;
  try {
    return JSON.parse(await readFile(join(generation, 'state.json'), 'utf8')) as FeedsState;
  } catch {
    return undefined;
  }
}

/** Writes state.json whole or not at all (a temporary file renamed over it). */
export async function writeState(generation: string, state: FeedsState): Promise<void> {
  const tmp = join(generation, `.state-${randomBytes(4).toString('hex')}.json`);
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, join(generation, 'state.json'));
}

/** A new, empty generation being built. */
export async function startGeneration(vulndb: string): Promise<string> {
  await mkdir(feedsDir(vulndb), { recursive: true, mode: 0o700 });
  return mkdtemp(join(feedsDir(vulndb), '.tmp-'));
}

/**
 * Makes `building` the live generation: renamed to gen-<time>, then `current` re-pointed by renaming a new
 * symlink over it. Generations older than the one it replaces are removed.
 */
export async function commitGeneration(vulndb: string, building: string, now: Date): Promise<string> {
  const dir = feedsDir(vulndb);
  const name = `gen-${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  await rename(building, join(dir, name));
  const previous = await currentGenerationName(vulndb);
  const tmpLink = join(dir, `.current-${randomBytes(4).toString('hex')}`);
  await symlink(name, tmpLink);
  await rename(tmpLink, join(dir, 'current'));
  for (const entry of await readdir(dir)) {
    const stale = entry.startsWith('gen-') && entry !== name && entry !== previous;
    if (stale) await rm(join(dir, entry), { recursive: true, force: true });
  }
  return join(dir, name);
}

/** Removes what interrupted updates left behind (a crash mid-download). */
export async function removeLeftovers(vulndb: string): Promise<void> {
  const entries = await readdir(feedsDir(vulndb)).catch(() => [] as string[]);
  for (const e of entries) {
    if (e.startsWith('.tmp-') || e.startsWith('.current-'))
      await rm(join(feedsDir(vulndb), e), { recursive: true, force: true });
  }
}

/** Hard-links every file under `from` to the same place under `to` (a feed carried over unchanged). */
export async function linkTree(from: string, to: string): Promise<void> {
  const entries = await readdir(from, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  await mkdir(to, { recursive: true, mode: 0o700 });
  for (const e of entries) {
    if (e.isDirectory()) await linkTree(join(from, e.name), join(to, e.name));
    else if (e.isFile()) await link(join(from, e.name), join(to, e.name));
  }
}
