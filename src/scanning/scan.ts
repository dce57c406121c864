// One image scanned: its layers read once (keeping only the files a cataloger or check asks for, hashing the
// rest for the malware lists), packages catalogued, matched against the advisories, checks run, and everything
// summed up the way an HSS image row says it (vul_num, malicious_file_num, unsafe_setting_num, severity_level).
import { apkCataloger } from './catalogers/apk.js';
import { dpkgCataloger } from './catalogers/dpkg.js';
import { goCataloger } from './catalogers/go-buildinfo.js';
import { javaCataloger } from './catalogers/java.js';
import { npmCataloger } from './catalogers/npm.js';
import { osEcosystem, osReleaseOf, wantsOsRelease } from './catalogers/os-release.js';
import { pythonCataloger } from './catalogers/python.js';
import { rpmCataloger } from './catalogers/rpm.js';
import type { Cataloger, OsRelease, Package } from './catalogers/types.js';
import { checkSecrets, wantsForSecrets } from './checks/secrets.js';
import { checkSensitiveFiles, wantsSensitive } from './checks/sensitive.js';
import { checkSettings } from './checks/settings.js';
import type { CheckFinding } from './checks/types.js';
import type { ScanDatabases } from './databases.js';
import { DEFAULT_LIMITS, type ImageLimits, type ImageSource, readImage } from './image-reader.js';
import type { LayerCache } from './layer-cache.js';
import type { WantPolicy } from './layer-tar.js';
import type { MaliciousFileFinding } from './malware.js';
import { matchPackages, type VulnerabilityFinding } from './vulndb/match.js';

export const CATALOGERS: Cataloger[] = [
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  npmCataloger,
  pythonCataloger,
  goCataloger,
  javaCataloger,
];

/** HSS `severity_level`: Security when nothing was found, else the worst finding. */
export type SeverityLevel = 'Security' | 'Low' | 'Medium' | 'High';

export interface ScanSummary {
  vul_num: number;
  malicious_file_num: number;
  unsafe_setting_num: number;
  sensitive_file_num: number;
  severity_level: SeverityLevel;
}

export interface ScanReport {
  /** The image manifest scanned (the platform's, for an index). */
  digest: string;
  os?: OsRelease;
  packages: Package[];
  vulnerabilities: VulnerabilityFinding[];
  maliciousFiles: MaliciousFileFinding[];
  unsafeSettings: CheckFinding[];
  sensitiveFiles: CheckFinding[];
  summary: ScanSummary;
  databaseVersion: string;
}

export interface ScanOptions {
  limits?: ImageLimits;
  signal?: AbortSignal;
  /**
   * Layers already read by this process (layer-cache.ts): a layer shared by many images is read once. `scope`
   * names whose layers they are (the registry's id): a layer is reused only for the registry it was read from,
   * so a registry whose manifest names another registry's layer digest learns nothing of that layer.
   */
  layerCache?: { cache: LayerCache; scope: string };
}

export async function scanImage(src: ImageSource, dbs: ScanDatabases, opts: ScanOptions = {}): Promise<ScanReport> {
  const hashing = dbs.hashes.size > 0;
  const secrets = dbs.secrets;
  // Go binaries are executables of some size; small scripts and shared objects are not worth the search.
  const want: WantPolicy = (path, size, mode) => ({
    sniffGo: (mode & 0o111) !== 0 && size >= 256 * 1024,
    keep:
      wantsOsRelease(path) ||
      wantsSensitive(path, size) ||
      CATALOGERS.some((c) => c.wants(path)) ||
      (secrets !== undefined && wantsForSecrets(path, size)),
    hash: hashing,
  });
  // What a layer read keeps depends on these two alone (the catalogers' and checks' wants are code).
  const cached = opts.layerCache && {
    cache: opts.layerCache.cache,
    policy: `${opts.layerCache.scope} hash=${hashing} secrets=${secrets !== undefined}`,
  };
  const image = await readImage(src, want, opts.limits ?? DEFAULT_LIMITS, opts.signal, cached);
  const os = osReleaseOf(image.fs);
  const packages = (await Promise.all(CATALOGERS.map((c) => c.catalog(image.fs)))).flat();
  const vulnerabilities = matchPackages(dbs.advisories, packages, osEcosystem(os));
  const maliciousFiles = dbs.hashes.check(image.fs);
  const unsafeSettings = checkSettings(image.config, image.fs);
  const sensitiveFiles = [
    ...checkSensitiveFiles(image.fs),
    ...(secrets ? checkSecrets(secrets, image.fs, image.config) : []),
  ];
  return {
    digest: image.digest,
    ...(os ? { os } : {}),
    packages,
    vulnerabilities,
    maliciousFiles,
    unsafeSettings,
    sensitiveFiles,
    summary: summarize(vulnerabilities, maliciousFiles, unsafeSettings, sensitiveFiles),
    databaseVersion: dbs.version,
  };
}

const LEVEL_RANK: Record<SeverityLevel, number> = { Security: 0, Low: 1, Medium: 2, High: 3 };

export function summarize(
  vulnerabilities: VulnerabilityFinding[],
  malicious: MaliciousFileFinding[],
  settings: CheckFinding[],
  sensitive: CheckFinding[],
): ScanSummary {
  let level: SeverityLevel = 'Security';
  const raise = (l: SeverityLevel) => {
    if (LEVEL_RANK[l] > LEVEL_RANK[level]) level = l;
  };
  for (const v of vulnerabilities) {
    // Critical folds into High (HSS has no Critical level); an unknown severity counts as Medium.
    raise(v.severity === 'Critical' || v.severity === 'High' ? 'High' : v.severity === 'Low' ? 'Low' : 'Medium');
  }
  if (malicious.length) raise('High');
  for (const f of [...settings, ...sensitive]) raise(f.severity);
  return {
    vul_num: vulnerabilities.length,
    malicious_file_num: malicious.length,
    unsafe_setting_num: settings.length,
    sensitive_file_num: sensitive.length,
    severity_level: level,
  };
}
