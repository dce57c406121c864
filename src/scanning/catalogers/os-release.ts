// The distribution of an image: `etc/os-release` (often a symlink to `usr/lib/os-release`), then
// `usr/lib/os-release`, then `etc/alpine-release`. `ID` and `VERSION_ID` say which advisory ecosystem applies
// (`Debian:12`, `Alpine:v3.19`). https://www.freedesktop.org/software/systemd/man/latest/os-release.html
import type { MergedFilesystem } from '../filesystem.js';
import type { OsRelease } from './types.js';

export const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release', 'etc/alpine-release'];

export function wantsOsRelease(path: string): boolean {
  return OS_RELEASE_PATHS.includes(path);
}

export function osReleaseOf(fs: MergedFilesystem): OsRelease | undefined {
  for (const path of OS_RELEASE_PATHS.slice(0, 2)) {
    const data = fs.resolve(path)?.data;
    if (!data) continue;
    const fields = new Map<string, string>();
    for (const line of data.toString('utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) fields.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'));
    }
    const id = fields.get('ID');
    if (id) return { id, versionId: fields.get('VERSION_ID') ?? '', prettyName: fields.get('PRETTY_NAME') };
  }
  const alpine = fs.resolve('etc/alpine-release')?.data?.toString('utf8').trim();
  return alpine ? { id: 'alpine', versionId: alpine } : undefined;
}

/** The OSV ecosystem of the image's OS packages, or undefined when no advisory source covers it. */
export function osEcosystem(os: OsRelease | undefined): string | undefined {
  if (!os) return undefined;
  if (os.id === 'debian' && /^\d+/.test(os.versionId)) return `Debian:${os.versionId.split('.')[0]}`;
  if (os.id === 'alpine') {
    const m = /^(\d+)\.(\d+)/.exec(os.versionId);
    return m ? `Alpine:v${m[1]}.${m[2]}` : undefined;
  }
  return undefined;
}
