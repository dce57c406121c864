// Files a command is given are read bounded: the text under the limit, USAGE naming the file over it (the read
// stops there) or when it cannot be read; standard input (`-`) the same, through a real child process's pipe.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readText } from './read-text.js';

test('a file under the limit is read; one over it and a missing one are USAGE naming them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'regatta-read-text-'));
  try {
    const file = join(dir, 'key.pub');
    await writeFile(file, 'x'.repeat(100));
    assert.equal(await readText(file, 100, `--key ${file}`), 'x'.repeat(100));
    await assert.rejects(readText(file, 99, '--key k'), { code: 'USAGE', message: '--key k: larger than 99 bytes' });
    await assert.rejects(readText(join(dir, 'nope'), 99, '--key nope'), {
      code: 'USAGE',
      message: '--key nope: ENOENT',
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('standard input: read under the limit, refused over it', () => {
  const module = fileURLToPath(new URL('./read-text.ts', import.meta.url));
  const script = `import('${module}').then((m) => m.readText('-', 10, 'stdin')).then((t) => process.stdout.write(t), (e) => process.stdout.write(e.message))`;
  const run = (input: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { input, encoding: 'utf8' });
  assert.equal(run('short').stdout, 'short');
  assert.equal(run('far more than ten bytes').stdout, 'stdin: larger than 10 bytes');
});
