// Python distributions installed in site-packages or dist-packages: `*.dist-info/METADATA` (wheels, pip) and
// `*.egg-info/PKG-INFO` (eggs, setup.py installs), both in email-header form (`Name:`, `Version:`).
// https://packaging.python.org/en/latest/specifications/core-metadata/
import type { MergedFilesystem } from '../filesystem.js';
import type { Cataloger, Package } from './types.js';

const METADATA = /(?:^|\/)(?:site|dist)-packages\/[^/]+\.(?:dist-info\/METADATA|egg-info\/PKG-INFO)$/;

export const pythonCataloger = {
  wants: (path) => METADATA.test(path),
  catalog(fs: MergedFilesystem): Package[] {
    const found: Package[] = [];
    for (const entry of fs) {
      if (!entry.data || !METADATA.test(entry.path)) continue;
      // Headers end at the first blank line; the description body follows.
      const head = entry.data.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
      const name = /^Name:\s*(.+)$/m.exec(head)?.[1]?.trim();
      const version = /^Version:\s*(.+)$/m.exec(head)?.[1]?.trim();
      if (name && version) found.push({ type: 'python', name, version, path: entry.path, layer: entry.layer });
    }
    return found;
  },
} satisfies Cataloger;
