// Debian packages: `var/lib/dpkg/status` (every installed package) and, on distroless images, one stanza per
// file in `var/lib/dpkg/status.d/` (`*.md5sums` are file lists, skipped). Only stanzas whose Status says
// `installed` count. `Source: name (version)` gives the source package and its version when they differ from the
// binary's; advisories (Debian's) name source packages.
// https://man7.org/linux/man-pages/man1/dpkg-query.1.html, Debian Policy §5.6.1 (Source), §5.6.12 (Version)
import type { MergedFilesystem } from '../filesystem.js';
import { parseStanzas } from './rfc822.js';
import type { Cataloger, Package } from './types.js';

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';

export const dpkgCataloger = {
  wants: (path) => path === STATUS || (path.startsWith(STATUS_D) && !path.endsWith('.md5sums')),
  catalog(fs: MergedFilesystem): Package[] {
    const found: Package[] = [];
    for (const entry of fs) {
      if (!entry.data || !this.wants(entry.path)) continue;
      const distroless = entry.path.startsWith(STATUS_D);
      for (const s of parseStanzas(entry.data.toString('utf8'))) {
        const name = s.get('package');
        const version = s.get('version');
        if (!name || !version) continue;
        // status.d stanzas have no Status field: their presence means installed.
        if (!distroless && !/\binstalled$/.test(s.get('status') ?? '')) continue;
        const src = /^(\S+)(?:\s+\((\S+)\))?/.exec(s.get('source') ?? '');
        found.push({
          type: 'deb',
          name,
          version,
          source: { name: src?.[1] ?? name, version: src?.[2] ?? version },
          path: entry.path,
          layer: entry.layer,
        });
      }
    }
    return found;
  },
} satisfies Cataloger;
