// The data dir is the owner's alone: a permissive one (0777, files 0666 as PGlite writes them, a 0644 key) is
// tightened at start; what is not Regatta's in it is left alone; the embedded database started on it writes
// private files.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { securePrivateDir } from './data-dir.js';

const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

test('a permissive data dir is made private; other files in it are left alone', async () => {
  const root = await mkdtemp(join(tmpdir(), 'regatta-perm-'));
  const dir = join(root, 'data');
  try {
    await mkdir(join(dir, 'pgdata', 'base'), { recursive: true });
    await chmod(dir, 0o777);
    await chmod(join(dir, 'pgdata'), 0o777);
    await writeFile(join(dir, 'pgdata', 'base', 'file'), 'x', { mode: 0o666 });
    await chmod(join(dir, 'pgdata', 'base', 'file'), 0o666);
    await writeFile(join(dir, 'secret.key'), 'k');
    await chmod(join(dir, 'secret.key'), 0o644);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await chmod(join(dir, 'notes.txt'), 0o644);
    const fixed = await securePrivateDir(dir);
    assert.equal(fixed, 5, 'the dir, pgdata, pgdata/base, the file and the key');
    assert.equal(await modeOf(dir), 0o700);
    assert.equal(await modeOf(join(dir, 'pgdata')), 0o700);
    assert.equal(await modeOf(join(dir, 'pgdata', 'base', 'file')), 0o600);
    assert.equal(await modeOf(join(dir, 'secret.key')), 0o600);
    assert.equal(await modeOf(join(dir, 'notes.txt')), 0o644, 'not Regatta’s: untouched');
    assert.equal(await securePrivateDir(dir), 0, 'nothing left to fix');
    const fresh = join(root, 'new');
    await securePrivateDir(fresh);
    assert.equal(await modeOf(fresh), 0o700);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
