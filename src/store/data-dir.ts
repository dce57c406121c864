// The data dir holds the embedded database, the key that decrypts every stored credential, and the advisory
// folder: it is the owner's alone. At start it is made 0700 (created so, or tightened), and every file and folder
// Regatta keeps there (pgdata/, secret.key, regatta.lock, vulndb/) loses group and world permissions (PGlite writes its files 0666 under a permissive umask); the
// processes Regatta starts then create files with umask 077. A path Regatta cannot tighten (not its owner) is
// refused with DATA_DIR_INSECURE rather than used.
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from './errors.js';

/** Group and world bits: none may remain. */
const OPEN = 0o077;

/** What Regatta keeps in a data dir; nothing else there is touched (a data dir may be a folder with other files). */
const OWN = ['pgdata', 'secret.key', 'regatta.lock', 'vulndb'];

/** Creates or tightens `dataDir` and what Regatta keeps in it; resolves with how many paths were tightened. */
export async function securePrivateDir(dataDir: string): Promise<number> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  let fixed = await tighten(dataDir, false);
  for (const name of OWN) {
    const path = join(dataDir, name);
    if (await lstat(path).catch(() => undefined)) fixed += await tighten(path, true);
  }
  return fixed;
}

async function tighten(path: string, recurse: boolean): Promise<number> {
  const s = await lstat(path);
  if (s.isSymbolicLink()) return 0;
  let fixed = 0;
  if (s.mode & OPEN) {
    try {
      await chmod(path, s.mode & 0o700);
      fixed++;
    } catch (err) {
      throw new StoreError(
        'DATA_DIR_INSECURE',
        `${path} is readable or writable by others (mode ${(s.mode & 0o777).toString(8)}) and cannot be made private: ${(err as Error).message}`,
      );
    }
  }
  if (recurse && s.isDirectory()) {
    for (const name of await readdir(path)) fixed += await tighten(join(path, name), true);
  }
  return fixed;
}
