// Encryption of the few secrets Regatta must be able to read back (registry passwords, AK secret keys):
// AES-256-GCM, one text token per secret: `v1:` + base64url(12-byte random IV ‖ 16-byte tag ‖ ciphertext).
// The key is REGATTA_SECRET_KEY (base64 of 32 bytes) when set, else `${dataDir}/secret.key`, created on first
// start (mode 0600) and refused if group or others may access it. Several processes sharing one data dir (or a
// database) must share the key. Errors and inspection never show key material or plaintext.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { StoreError } from './errors.js';

/** Environment variable holding the key, base64 of 32 bytes. */
export const SECRET_KEY_ENV = 'REGATTA_SECRET_KEY';
/** Key file name inside the data dir. */
export const SECRET_KEY_FILE = 'secret.key';

const VERSION = 'v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals and opens short secrets with one AES-256-GCM key. */
export class SecretBox {
  readonly #key: Buffer;
  /** Keys this installation used before (REGATTA_SECRET_KEY_PREVIOUS): read with, never sealed with. */
  readonly #previous: Buffer[];

  /** @throws StoreError `SECRET_KEY_INVALID` unless `key` (and each previous key) is 32 bytes. */
  constructor(key: Uint8Array, previous: readonly Uint8Array[] = []) {
    for (const k of [key, ...previous])
      if (k.length !== KEY_BYTES) throw new StoreError('SECRET_KEY_INVALID', `secret key must be ${KEY_BYTES} bytes`);
    this.#key = Buffer.from(key);
    this.#previous = previous.map((k) => Buffer.from(k));
  }

  /**
   * The box for this installation: `key` (base64, the configuration's REGATTA_SECRET_KEY) when given, else the
   * key in `${dataDir}/secret.key` (created, mode 0600, when missing).
   * @throws StoreError `SECRET_KEY_INVALID` (not base64 of 32 bytes) or `SECRET_KEY_INSECURE` (key file
   * accessible to group or others).
   */
  static async open(dataDir: string, key?: string, previous: readonly string[] = []): Promise<SecretBox> {
    const old = previous.map((k) => decodeKey(k, 'REGATTA_SECRET_KEY_PREVIOUS'));
    if (key !== undefined && key.trim() !== '') return new SecretBox(decodeKey(key, SECRET_KEY_ENV), old);
    return new SecretBox(await keyFromFile(join(dataDir, SECRET_KEY_FILE)), old);
  }

  /** Whether `token` was sealed with a previous key (so rotation should seal it again with the current one). */
  sealedWithPrevious(token: string): boolean {
    if (this.#previous.length === 0) return false;
    try {
      open(this.#key, token);
      return false;
    } catch {
      return true;
    }
  }

  /** A new random key, base64: a value for REGATTA_SECRET_KEY. */
  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }

  /** Encrypts `plaintext` into a `v1:` token (a fresh random IV each time). */
  /**
   * A MAC of `data` under a key derived for `purpose` (HKDF-SHA256 of this box's key): ids handed to callers can
   * carry who they belong to and be checked after a restart, without storing them.
   */
  mac(purpose: string, data: string): string {
    const key = Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), `regatta:${purpose}`, 32));
    return createHmac('sha256', key).update(data).digest('hex');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** @throws StoreError `SECRET_UNREADABLE` when the token is malformed, altered, or sealed with another key. */
  decrypt(token: string): string {
    let failure: unknown;
    for (const key of [this.#key, ...this.#previous]) {
      try {
        return open(key, token);
      } catch (err) {
        if ((err as StoreError).code === 'SECRET_UNREADABLE' && !(err as Error).cause) throw err;
        failure = err;
      }
    }
    throw new StoreError(
      'SECRET_UNREADABLE',
      'stored secret failed authentication: altered, or encrypted with another key',
      {
        cause: failure,
      },
    );
  }

  /** Never shows the key. */
  [inspect.custom](): string {
    return 'SecretBox { key: [hidden] }';
  }

  /** Never serialises the key. */
  toJSON(): string {
    return 'SecretBox';
  }
}

/** Opens a v1 token with one key; a malformed token is SECRET_UNREADABLE without a cause, a wrong key throws. */
function open(key: Buffer, token: string): string {
  const raw = token.startsWith(VERSION) ? Buffer.from(token.slice(VERSION.length), 'base64url') : undefined;
  if (!raw || raw.length < IV_BYTES + TAG_BYTES) {
    throw new StoreError('SECRET_UNREADABLE', 'stored secret is not a v1 token');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** base64 (or base64url) of exactly 32 bytes; the message never echoes the value. */
function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, /[-_]/.test(trimmed) ? 'base64url' : 'base64');
  const canonical = trimmed.replace(/=+$/, '');
  const roundTrip = key.toString(/[-_]/.test(trimmed) ? 'base64url' : 'base64').replace(/=+$/, '');
  if (key.length !== KEY_BYTES || roundTrip !== canonical) {
    throw new StoreError('SECRET_KEY_INVALID', `${source} must be base64 of ${KEY_BYTES} random bytes`);
  }
  return key;
}

/** Reads the key file, creating it first (atomically, mode 0600) when there is none. */
async function keyFromFile(path: string): Promise<Buffer> {
  if (!(await exists(path))) await createKeyFile(path);
  const info = await stat(path);
  if (!info.isFile()) throw new StoreError('SECRET_KEY_INVALID', `${path} is not a file`);
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new StoreError(
      'SECRET_KEY_INSECURE',
      `${path} is accessible to group or others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
    );
  }
  return decodeKey(await readFile(path, 'utf8'), path);
}

/** Writes a new key to a private temp file and links it into place, so no reader sees a half-written key. */
async function createKeyFile(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${SecretBox.generateKey()}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, path);
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
