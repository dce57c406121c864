// The data dir lock: PGlite does not lock its files, and two processes writing one data dir silently lose
// commits, so embedded mode holds `${dataDir}/regatta.lock` while it runs. The file holds PIDs, one a line: the
// owning process first, then its embedded database process once started (so that a new owner cannot start
// while an orphaned database process of a killed owner is still closing PGlite). The lock is held while any of
// them is alive; when all are gone (a crash, a kill -9) it is stale and taken over, otherwise a new taker gets
// DATA_DIR_LOCKED. The lock is created atomically with its content (write a private temp file, then link(2) it
// into place, which fails if the lock exists), and a stale lock is replaced under a small mkdir(2) mutex so that
// two processes taking over the same stale lock cannot both win. PIDs only mean something on one machine: a data
// dir on a network share used from two hosts is not protected.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataDirLockedError } from './errors.js';

/** File name of the lock inside the data dir. */
export const LOCK_FILE = 'regatta.lock';

/** A held data dir lock. */
export interface DataDirLock {
  /** Path of the lock file. */
  readonly path: string;
  /** Records a helper process (the embedded database) as a holder too, until release. */
  addPid(pid: number): Promise<void>;
  /** Removes the lock if this process still holds it. Idempotent. */
  release(): Promise<void>;
}

/** A takeover mutex older than this belongs to a process that died mid-takeover. */
const MUTEX_STALE_MS = 10_000;

/**
 * Takes `${dataDir}/regatta.lock` for this process, creating `dataDir` if needed.
 * @throws DataDirLockedError (`DATA_DIR_LOCKED`, naming a live holder's PID) when a live process (this one
 * included) holds it.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  const deadline = Date.now() + 2 * MUTEX_STALE_MS;
  for (;;) {
    if (await tryCreate(path)) return heldLock(path);
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    const live = holder.pids.find(isAlive);
    if (live !== undefined) throw new DataDirLockedError(path, live);
    if (Date.now() > deadline) throw new Error(`could not take over the stale lock ${path}`);
    await takeOver(path, holder.text);
  }
}

function heldLock(path: string): DataDirLock {
  const pids = [process.pid];
  return {
    path,
    async addPid(pid) {
      pids.push(pid);
      // Replace the content atomically: readers see the old or the new list, never a partial one.
      const temp = tempName(path);
      await writeFile(temp, pids.map((p) => `${p}\n`).join(''), { mode: 0o600 });
      await rename(temp, path);
    },
    release: () => releaseLock(path),
  };
}

function tempName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Creates the lock file with our PID in it, atomically; false when it already exists. */
async function tryCreate(path: string): Promise<boolean> {
  const temp = tempName(path);
  await writeFile(temp, `${process.pid}\n`, { mode: 0o600 });
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** The lock's PIDs (none when the content is not PIDs) and raw text; 'gone' when the file vanished. */
async function readHolder(path: string): Promise<{ pids: number[]; text: string } | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'gone';
    throw err;
  }
  const pids = text
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isSafeInteger(pid) && pid > 0);
  return { pids, text };
}

/**
 * True while a process with this PID runs (EPERM: it exists, owned by another user). A zombie (exited, not yet
 * reaped, which for an orphan can take a while when PID 1 is slow to reap) counts as gone on Linux.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    // /proc/PID/stat: "PID (comm) STATE ..."; comm may contain spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // vanished meanwhile
  }
}

/** Removes a stale lock whose content is `staleText`, unless it changed meanwhile; the caller then retries. */
async function takeOver(path: string, staleText: string): Promise<void> {
  const mutex = `${path}.takeover`;
  try {
    await mkdir(mutex);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
    const age = await stat(mutex).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > MUTEX_STALE_MS) await rmdir(mutex).catch(() => {});
    else await new Promise((resolve) => setTimeout(resolve, 50));
    return;
  }
  try {
    // Re-read under the mutex: another process may have taken the lock over since we looked.
    const now = await readHolder(path);
    if (now !== 'gone' && now.text === staleText) await unlink(path).catch(() => {});
  } finally {
    await rmdir(mutex).catch(() => {});
  }
}

async function releaseLock(path: string): Promise<void> {
  const holder = await readHolder(path);
  if (holder !== 'gone' && holder.pids[0] === process.pid) await unlink(path).catch(() => {});
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}
