// `regatta vulndb update` and the server's schedule: every feed brought up to date into a new generation, which
// then replaces the live one atomically (generations.ts). A feed that fails (source down, body cut off, corrupt
// zip, a record of the wrong shape) keeps its previous data in the new generation and is reported; when nothing
// changed, no generation is made and the live one only records when it was checked. One update at a time per
// folder (a lock file naming the process; a dead holder's lock is taken over).
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RegattaError } from '../../errors.js';
import { DEFAULT_FETCH_LIMITS, type FetchLimits, type FetchOutcome, fetchToFile, type Validators } from './fetch.js';
import { updateFileFeed } from './file-feed.js';
import {
  commitGeneration,
  currentGeneration,
  type FeedState,
  type FeedsState,
  feedsDir,
  linkTree,
  readState,
  removeLeftovers,
  startGeneration,
  writeState,
} from './generations.js';
import { updateOsvFeed } from './osv-feed.js';
import type { FeedSource } from './sources.js';

export interface FeedProgress {
  feed: string;
  phase: 'check' | 'download' | 'validate' | 'records' | 'done' | 'failed';
  bytes?: number;
  records?: number;
  invalid?: number;
  total?: number;
}

/** What one feed's update needs: where its previous data is, where its new data goes, how to fetch. */
export interface FeedContext {
  feed: FeedSource;
  index: number;
  prev?: FeedState;
  /** The feed's folder in the live generation, when it has one. */
  prevDir?: string;
  /** The feed's folder in the generation being built. */
  dir: string;
  /** For listings and other files not kept. */
  scratch: string;
  now: string;
  fetch(
    source: string,
    dest: string,
    prev: Validators | undefined,
    limits?: Partial<FetchLimits>,
  ): Promise<FetchOutcome>;
  progress(p: Omit<FeedProgress, 'feed'>): void;
}

export interface FeedResult {
  state: FeedState;
  status: 'unchanged' | 'updated';
}

export interface FeedReport {
  name: string;
  kind: FeedSource['kind'];
  status: 'unchanged' | 'updated' | 'failed';
  records: number;
  /** Requests sent for this feed, and bytes received. */
  requests: number;
  bytes: number;
  error?: { code: string; message: string };
}

export interface UpdateReport {
  /** Whether a new generation went live. */
  changed: boolean;
  ok: boolean;
  feeds: FeedReport[];
  durationMs: number;
}

export interface UpdateOptions {
  onProgress?: (p: FeedProgress) => void;
  limits?: Partial<FetchLimits>;
  now?: () => Date;
}

const folderOf = (root: string, feed: FeedSource) => join(root, feed.kind, feed.name);

export async function updateFeeds(
  vulndb: string,
  feeds: FeedSource[],
  opts: UpdateOptions = {},
): Promise<UpdateReport> {
  const started = Date.now();
  const now = (opts.now ?? (() => new Date()))();
  const release = await lock(vulndb);
  try {
    await removeLeftovers(vulndb);
    const live = await currentGeneration(vulndb);
    const prevState = await readState(live);
    const building = await startGeneration(vulndb);
    const scratch = join(building, '.scratch');
    const reports: FeedReport[] = [];
    const states: Record<string, FeedState> = {};
    try {
      for (const [index, feed] of feeds.entries()) {
        const { report, state } = await updateOne(feed, index, { live, prevState, building, scratch, now, opts });
        reports.push(report);
        if (state) states[feed.name] = state;
      }
      await rm(scratch, { recursive: true, force: true });
      const changed = reports.some((r) => r.status === 'updated');
      const iso = now.toISOString();
      if (changed) {
        await writeState(building, { updatedAt: iso, checkedAt: iso, feeds: states });
        await commitGeneration(vulndb, building, now);
      } else if (live && prevState) {
        await writeState(live, { ...prevState, checkedAt: iso, feeds: { ...prevState.feeds, ...states } });
      }
      return {
        changed,
        ok: reports.every((r) => r.status !== 'failed'),
        feeds: reports,
        durationMs: Date.now() - started,
      };
    } finally {
      await rm(building, { recursive: true, force: true });
    }
  } finally {
    await release();
  }
}

interface Run {
  live?: string;
  prevState?: FeedsState;
  building: string;
  scratch: string;
  now: Date;
  opts: UpdateOptions;
}

async function updateOne(
  feed: FeedSource,
  index: number,
  run: Run,
): Promise<{ report: FeedReport; state?: FeedState }> {
  const prev = run.prevState?.feeds[feed.name];
  const prevDir = run.live && prev ? folderOf(run.live, feed) : undefined;
  const report: FeedReport = {
    name: feed.name,
    kind: feed.kind,
    status: 'unchanged',
    records: 0,
    requests: 0,
    bytes: 0,
  };
  const progress = (p: Omit<FeedProgress, 'feed'>) => run.opts.onProgress?.({ feed: feed.name, ...p });
  const ctx: FeedContext = {
    feed,
    index,
    ...(prev ? { prev } : {}),
    ...(prevDir ? { prevDir } : {}),
    dir: folderOf(run.building, feed),
    scratch: run.scratch,
    now: run.now.toISOString(),
    progress,
    fetch: async (source, dest, validators, limits) => {
      report.requests++;
      await ensureDir(dest);
      const out = await fetchToFile(
        source,
        dest,
        validators,
        { ...DEFAULT_FETCH_LIMITS, ...run.opts.limits, ...limits },
        (n) => {
          report.bytes += n;
          progress({ phase: 'download', bytes: report.bytes });
        },
      );
      return out;
    },
  };
  progress({ phase: 'check' });
  try {
    const result = feed.kind === 'osv' ? await updateOsvFeed(ctx) : await updateFileFeed(ctx);
    const { lastError: _cleared, ...state } = result.state;
    Object.assign(report, { status: result.status, records: state.records + (state.delta ?? 0) });
    progress({ phase: 'done', records: report.records });
    return { report, state };
  } catch (err) {
    const code = err instanceof RegattaError ? err.code : 'VULNDB_UPDATE_FAILED';
    report.status = 'failed';
    report.error = { code, message: err instanceof Error ? err.message : String(err) };
    progress({ phase: 'failed' });
    // The previous data of this feed stays: carried into the new generation unchanged.
    await rm(ctx.dir, { recursive: true, force: true });
    if (prev && prevDir) {
      await linkTree(prevDir, ctx.dir);
      report.records = prev.records + (prev.delta ?? 0);
      return { report, state: { ...prev, checkedAt: ctx.now, lastError: { ...report.error, at: ctx.now } } };
    }
    return { report };
  }
}

async function ensureDir(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
}

/** Takes `<vulndb>/feeds/.lock` (holding this process's pid); a lock whose process is gone is taken over. */
async function lock(vulndb: string): Promise<() => Promise<void>> {
  await mkdir(feedsDir(vulndb), { recursive: true, mode: 0o700 });
  const path = join(feedsDir(vulndb), '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (holder && alive(holder)) {
        throw new RegattaError('VULNDB_UPDATE_RUNNING', `an update of ${vulndb} is running (process ${holder})`);
      }
      await rm(path, { force: true });
    }
  }
  throw new RegattaError('VULNDB_UPDATE_RUNNING', `cannot take the update lock of ${vulndb}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
