// What catalogers find: packages with the names and versions their ecosystem's advisories key on.
import type { MergedFilesystem } from '../filesystem.js';

/** `external`: named by an external scanner adapter, which says no more than name and version. */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'python' | 'go' | 'java' | 'external';

export interface Package {
  type: PackageType;
  name: string;
  version: string;
  /** The source package of an OS package (dpkg `Source`, apk `o:`): what Debian and Alpine advisories name. */
  source?: { name: string; version: string };
  /** The file it was read from. */
  path: string;
  /** The layer that file came from. */
  layer: number;
}

/** The distribution an image says it is (`etc/os-release`). */
export interface OsRelease {
  id: string;
  versionId: string;
  prettyName?: string;
}

export interface Cataloger {
  /** Whether the contents of `path` are needed (decided while the layer streams past). */
  wants(path: string): boolean;
  /** The packages in the merged filesystem (archives and databases are opened asynchronously). */
  catalog(fs: MergedFilesystem): Package[] | Promise<Package[]>;
}
