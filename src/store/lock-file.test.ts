// The data dir lock on its own (no database): refusal while held, release, stale and garbage takeover, races.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isAlive, LOCK_FILE, lockDataDir } from './lock-file.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'regatta-lock-'));
  dirs.push(dir);
  return dir;
}

/** The PID of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.equal(child.status, 0);
  assert.ok(!isAlive(child.pid!));
  return child.pid!;
}

test('a held lock refuses a second taker with DATA_DIR_LOCKED naming the PID, until released', async () => {
  const dir = await tempDir();
  const lock = await lockDataDir(dir);
  assert.equal((await readFile(join(dir, LOCK_FILE), 'utf8')).trim(), String(process.pid));
  await assert.rejects(lockDataDir(dir), (err: Error & { code?: string; pid?: number }) => {
    assert.equal(err.code, 'DATA_DIR_LOCKED');
    assert.equal(err.pid, process.pid);
    assert.match(err.message, new RegExp(`process ${process.pid}\\b`));
    return true;
  });
  await lock.release();
  await lock.release(); // idempotent
  const again = await lockDataDir(dir);
  await again.release();
});

test('a lock of a dead process, or with garbage inside, is taken over', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, LOCK_FILE), `${deadPid()}\n`);
  const lock = await lockDataDir(dir);
  assert.equal((await readFile(join(dir, LOCK_FILE), 'utf8')).trim(), String(process.pid));
  await lock.release();
  await writeFile(join(dir, LOCK_FILE), 'not a pid');
  await (await lockDataDir(dir)).release();
});

test('a lock is held while any of its PIDs lives (an orphaned database process of a dead owner)', async () => {
  const dir = await tempDir();
  const path = join(dir, LOCK_FILE);
  const lock = await lockDataDir(dir);
  await lock.addPid(1);
  assert.equal(await readFile(path, 'utf8'), `${process.pid}\n1\n`);
  await lock.release();
  await writeFile(path, `${deadPid()}\n1\n`); // owner gone, its helper (PID 1 stands in) alive
  await assert.rejects(lockDataDir(dir), (err: Error & { pid?: number }) => err.pid === 1);
  await writeFile(path, `${deadPid()}\n${deadPid()}\n`);
  await (await lockDataDir(dir)).release();
});

test('release leaves a lock that another process holds alone', async () => {
  const dir = await tempDir();
  const lock = await lockDataDir(dir);
  await writeFile(join(dir, LOCK_FILE), '1\n'); // PID 1 is always alive
  await lock.release();
  assert.equal((await readFile(join(dir, LOCK_FILE), 'utf8')).trim(), '1');
});

test('of many takers racing for one stale lock, exactly one wins', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, LOCK_FILE), `${deadPid()}\n`);
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => lockDataDir(dir)));
  const won = results.filter((r) => r.status === 'fulfilled');
  assert.equal(won.length, 1);
  for (const r of results)
    if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'DATA_DIR_LOCKED');
});
