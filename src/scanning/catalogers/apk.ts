// Alpine packages: `lib/apk/db/installed`, blank-line separated records of `K:value` lines; `P:` name, `V:`
// version, `o:` origin (the source package, which Alpine's secdb and its OSV records name).
// https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2
import type { MergedFilesystem } from '../filesystem.js';
import type { Cataloger, Package } from './types.js';

const INSTALLED = 'lib/apk/db/installed';

export const apkCataloger = {
  wants: (path) => path === INSTALLED,
  catalog(fs: MergedFilesystem): Package[] {
    const entry = fs.resolve(INSTALLED);
    if (!entry?.data) return [];
    const found: Package[] = [];
    for (const record of entry.data.toString('utf8').split(/\n\s*\n/)) {
      const fields = new Map<string, string>();
      for (const line of record.split('\n')) if (line[1] === ':') fields.set(line[0]!, line.slice(2));
      const name = fields.get('P');
      const version = fields.get('V');
      if (!name || !version) continue;
      found.push({
        type: 'apk',
        name,
        version,
        source: { name: fields.get('o') ?? name, version },
        path: INSTALLED,
        layer: entry.layer,
      });
    }
    return found;
  },
} satisfies Cataloger;
