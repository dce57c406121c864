// npm packages installed anywhere in the image: every `node_modules/<name>/package.json` and
// `node_modules/@scope/<name>/package.json`, nested ones included (each copy is its own finding: a vulnerable
// copy deep in a tree is still there). A package.json without name or version is not a package. Application lock
// files (`package-lock.json`, lockfileVersion 2 and 3: its `packages` map) add what they pin that is not installed
// beside them (an image that ships the lock file but installs later, or prunes).
// https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json
import type { MergedFilesystem } from '../filesystem.js';
import type { Cataloger, Package } from './types.js';

const INSTALLED = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;
const LOCK = /(?:^|\/)package-lock\.json$/;

export const npmCataloger = {
  wants: (path) => INSTALLED.test(path) || (LOCK.test(path) && !path.includes('node_modules/')),
  catalog(fs: MergedFilesystem): Package[] {
    const found: Package[] = [];
    for (const entry of fs) {
      if (!entry.data || !INSTALLED.test(entry.path)) continue;
      let json: { name?: unknown; version?: unknown };
      try {
        json = JSON.parse(entry.data.toString('utf8'));
      } catch {
        continue; // a broken package.json is not a package
      }
      if (typeof json.name !== 'string' || typeof json.version !== 'string') continue;
      found.push({ type: 'npm', name: json.name, version: json.version, path: entry.path, layer: entry.layer });
    }
    const installed = new Set(found.map((p) => `${p.name}@${p.version}`));
    for (const pkg of lockedPackages(fs)) {
      if (!installed.has(`${pkg.name}@${pkg.version}`)) found.push(pkg);
    }
    return found;
  },
} satisfies Cataloger;

function lockedPackages(fs: MergedFilesystem): Package[] {
  const found: Package[] = [];
  for (const entry of fs) {
    if (!entry.data || !LOCK.test(entry.path) || entry.path.includes('node_modules/')) continue;
    let lock: { packages?: Record<string, { version?: unknown; name?: unknown; link?: unknown }> };
    try {
      lock = JSON.parse(entry.data.toString('utf8'));
    } catch {
      continue;
    }
    for (const [key, p] of Object.entries(lock.packages ?? {})) {
      // "" is the project itself; entries are keyed by their install path, the name is after the last node_modules/.
      const at = key.lastIndexOf('node_modules/');
      if (at < 0 || p.link || typeof p.version !== 'string') continue;
      const name = typeof p.name === 'string' ? p.name : key.slice(at + 'node_modules/'.length);
      found.push({ type: 'npm', name, version: p.version, path: entry.path, layer: entry.layer });
    }
  }
  return found;
}
