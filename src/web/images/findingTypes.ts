// What the per-image scan result APIs answer (src/api/hss/scans.ts: vulnerabilityView, malwareView, checkView),
// and the package type of a vulnerability, which the API does not give: read off the file it was found in.

/** ListImageVulnerabilities row. */
export interface VulnerabilityRow {
  /** The CVE where the advisories name one, else the advisory's own id (GHSA-…, GO-…, PYSEC-…). */
  vul_id: string;
  repair_necessity: 'immediate_repair' | 'delay_repair' | 'not_needed_repair';
  severity: 'Critical' | 'High' | 'Medium' | 'Low' | 'Unknown';
  description: string;
  position: string;
  app_name: string;
  app_path: string;
  version: string;
  solution: string;
  fixed_version: string;
  /** The advisory page (NVD for a CVE, else the record's first reference or its OSV page). */
  url?: string;
  /** Every advisory id and alias behind the finding. */
  ids?: string[];
}

/** ListImageMalwares row: a file whose hash is on an IOC list. */
export interface MalwareRow {
  file_path: string;
  file_size: number;
  hash_type: string;
  file_hash: string;
  malware_name: string;
  source: string;
}

/** A sensitive file or an unsafe setting. */
export interface CheckRow {
  rule_id: string;
  severity: 'High' | 'Medium' | 'Low';
  description: string;
  position: string;
  evidence: string;
}

export const SEVERITY_COLOR: Record<string, string> = {
  Critical: 'magenta',
  High: 'red',
  Medium: 'orange',
  Low: 'gold',
  Unknown: 'default',
};

const BY_PATH: [RegExp, string][] = [
  [/^\/var\/lib\/dpkg\//, 'deb'],
  [/^\/lib\/apk\/db\/installed$/, 'apk'],
  [/^\/var\/lib\/rpm\//, 'rpm'],
  [/(?:^|\/)(?:package|package-lock)\.json$/, 'npm'],
  [/(?:dist-info\/METADATA|egg-info\/PKG-INFO)$/, 'PyPI'],
  [/\.(?:jar|war|ear)$/i, 'Maven'],
];

/**
 * deb, apk, npm, PyPI, Maven by the file the package was read from. The matcher knows one more ecosystem, Go,
 * whose packages are read from binaries at any path: a vulnerability found anywhere else is a Go module's.
 */
export const packageTypeOf = (v: Pick<VulnerabilityRow, 'app_path'>): string =>
  BY_PATH.find(([re]) => re.test(v.app_path))?.[1] ?? 'Go';

/** The advisory link: the API's when given, else the OSV page of the id. */
export const advisoryUrl = (v: Pick<VulnerabilityRow, 'url' | 'vul_id'>) =>
  v.url || `https://osv.dev/vulnerability/${encodeURIComponent(v.vul_id)}`;
