// SecretBox: round trips, tamper and wrong-key detection, key sources (env, key file) and key file checks.
// Storing a sealed secret in the database on both engines is in database.test.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inspect } from 'node:util';
import { SECRET_KEY_ENV, SECRET_KEY_FILE, SecretBox } from './secrets.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'regatta-secrets-'));
  dirs.push(dir);
  return dir;
}

function hasCode(code: string) {
  return (err: unknown) => {
    assert.equal((err as { code?: string }).code, code);
    return true;
  };
}

const box = new SecretBox(randomBytes(32));

test('round trip, with a fresh IV every time', () => {
  for (const plain of ['', 'p@ss wörd 🔑', 'x'.repeat(4096)]) {
    const token = box.encrypt(plain);
    assert.match(token, /^v1:[A-Za-z0-9_-]+$/);
    assert.equal(box.decrypt(token), plain);
  }
  assert.notEqual(box.encrypt('same'), box.encrypt('same'));
});

test('any altered byte (IV, tag or ciphertext), a truncated or foreign token, or another key fails', () => {
  const token = box.encrypt('registry-password');
  const raw = Buffer.from(token.slice(3), 'base64url');
  for (const at of [0, 11, 12, 27, 28, raw.length - 1]) {
    const bad = Buffer.from(raw);
    bad[at]! ^= 0x01;
    assert.throws(() => box.decrypt(`v1:${bad.toString('base64url')}`), hasCode('SECRET_UNREADABLE'));
  }
  assert.throws(() => box.decrypt(`v1:${raw.subarray(0, 20).toString('base64url')}`), hasCode('SECRET_UNREADABLE'));
  assert.throws(() => box.decrypt('registry-password'), hasCode('SECRET_UNREADABLE'));
  assert.throws(() => box.decrypt(`v2:${raw.toString('base64url')}`), hasCode('SECRET_UNREADABLE'));
  assert.throws(() => new SecretBox(randomBytes(32)).decrypt(token), hasCode('SECRET_UNREADABLE'));
});

test('the key never shows in inspect or JSON', () => {
  const key = randomBytes(32);
  const b = new SecretBox(key);
  for (const shown of [inspect(b, { showHidden: true, depth: 5 }), JSON.stringify({ b }), String(b)]) {
    assert.ok(!shown.includes(key.toString('base64')), shown);
    assert.ok(!shown.includes(key.toString('hex')), shown);
  }
});

test('a key file is created on first start with mode 0600, then reused', async () => {
  const dir = await tempDir();
  const first = await SecretBox.open(dir);
  const path = join(dir, SECRET_KEY_FILE);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal(Buffer.from((await readFile(path, 'utf8')).trim(), 'base64').length, 32);
  const second = await SecretBox.open(dir);
  assert.equal(second.decrypt(first.encrypt('kept')), 'kept');
});

test('concurrent first starts agree on one key file', async () => {
  const dir = await tempDir();
  const boxes = await Promise.all(Array.from({ length: 6 }, () => SecretBox.open(dir)));
  const token = boxes[0]!.encrypt('shared');
  for (const b of boxes) assert.equal(b.decrypt(token), 'shared');
});

test('a key file readable by group or others is refused', async () => {
  const dir = await tempDir();
  await SecretBox.open(dir);
  for (const mode of [0o640, 0o604, 0o660]) {
    await chmod(join(dir, SECRET_KEY_FILE), mode);
    await assert.rejects(SecretBox.open(dir), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'SECRET_KEY_INSECURE');
      assert.match(err.message, /chmod 600/);
      return true;
    });
  }
});

test('a key file of the wrong length or not base64 is refused, without echoing it', async () => {
  const dir = await tempDir();
  const path = join(dir, SECRET_KEY_FILE);
  for (const content of [
    randomBytes(16).toString('base64'),
    randomBytes(33).toString('base64'),
    'not base64 at all!',
  ]) {
    await writeFile(path, `${content}\n`, { mode: 0o600 });
    await chmod(path, 0o600);
    await assert.rejects(SecretBox.open(dir), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'SECRET_KEY_INVALID');
      assert.ok(!err.message.includes(content));
      return true;
    });
  }
});

test(`${SECRET_KEY_ENV} wins over the key file, and a bad one is refused without echoing it`, async () => {
  const dir = await tempDir();
  const key = SecretBox.generateKey();
  const fromEnv = await SecretBox.open(dir, key);
  assert.equal(new SecretBox(Buffer.from(key, 'base64')).decrypt(fromEnv.encrypt('env')), 'env');
  await assert.rejects(stat(join(dir, SECRET_KEY_FILE)), hasCode('ENOENT')); // no key file made
  const short = randomBytes(31).toString('base64');
  await assert.rejects(SecretBox.open(dir, short), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'SECRET_KEY_INVALID');
    assert.ok(!err.message.includes(short));
    return true;
  });
});
