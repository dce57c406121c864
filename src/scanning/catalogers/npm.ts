// npm packages installed anywhere in the image: every `node_modules/<name>/package.json` and
// `node_modules/@scope/<name>/package.json`, nested ones included (each copy is its own finding: a vulnerable
// copy deep in a tree is still there). A package.json without name or version is not a package.
import type { MergedFilesystem } from '../filesystem.js';
import type { Cataloger, Package } from './types.js';

const INSTALLED = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;

export const npmCataloger: Cataloger = {
  wants: (path) => INSTALLED.test(path),
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
    return found;
  },
};
