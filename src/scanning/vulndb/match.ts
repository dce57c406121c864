// Packages against the advisory database: each package looked up by the name its ecosystem's advisories use
// (the source package for Debian and Alpine), every affected entry evaluated with that ecosystem's version
// order, withdrawn records skipped, and one finding per vulnerability and package: records that are aliases of
// one another (a GHSA and a Node WG record of one CVE) merge into it. The finding's id is the CVE where one exists.
import type { Package } from '../catalogers/types.js';
import { versionOrderOf } from '../versions/index.js';
import { affects } from './affects.js';
import { type AdvisoryDb, canonicalName, type OsvRecord } from './osv.js';
import { type Severity, severityOf } from './severity.js';

export interface VulnerabilityFinding {
  /** The CVE id where the records name one, else the first record's id. */
  id: string;
  /** Every record id and alias behind this finding. */
  ids: string[];
  package: Package;
  ecosystem: string;
  /** The version that fixes it, when a range says. */
  fixedVersion?: string;
  severity: Severity;
  summary: string;
  url: string;
}

const SEVERITY_RANK: Record<Severity, number> = { Critical: 4, High: 3, Medium: 2, Unknown: 1.5, Low: 1 };

/**
 * The OSV ecosystems (as OSV's exports name their folders) whose records `ecosystemOf` below can match: what
 * `regatta vulndb update` downloads by default. Debian and Alpine records carry the release (`Debian:12`).
 */
export const MATCHED_ECOSYSTEMS = ['Debian', 'Alpine', 'npm', 'PyPI', 'Go', 'Maven'] as const;

export function ecosystemOf(pkg: Package, osEcosystem: string | undefined): string | undefined {
  if (pkg.type === 'npm') return 'npm';
  if (pkg.type === 'python') return 'PyPI';
  if (pkg.type === 'go') return 'Go';
  // Named by file name alone (no group): no Maven advisory can be matched to it honestly.
  if (pkg.type === 'java') return pkg.name.includes(':') ? 'Maven' : undefined;
  if (pkg.type === 'deb' && osEcosystem?.startsWith('Debian')) return osEcosystem;
  if (pkg.type === 'apk' && osEcosystem?.startsWith('Alpine')) return osEcosystem;
  return undefined;
}

export function matchPackages(
  db: AdvisoryDb,
  packages: Package[],
  osEcosystem: string | undefined,
): VulnerabilityFinding[] {
  const findings: VulnerabilityFinding[] = [];
  for (const pkg of packages) {
    const ecosystem = ecosystemOf(pkg, osEcosystem);
    const order = ecosystem ? versionOrderOf(ecosystem) : undefined;
    if (!ecosystem || !order) continue;
    const name = pkg.source?.name ?? pkg.name;
    const version = pkg.source?.version ?? pkg.version;
    if (!order.valid(version)) continue;
    const merged = new Map<string, VulnerabilityFinding>();
    for (const record of db.lookup(ecosystem, name)) {
      if (record.withdrawn) continue;
      for (const entry of record.affected ?? []) {
        const named = entry.package && canonicalName(ecosystem, entry.package.name) === canonicalName(ecosystem, name);
        if (entry.package?.ecosystem !== ecosystem || !named) continue;
        const hit = affects(entry, version, order);
        if (!hit) continue;
        const finding = toFinding(record, pkg, ecosystem, hit.fixed, severityOf(record, entry));
        mergeInto(merged, finding);
        break;
      }
    }
    findings.push(...new Set(merged.values()));
  }
  return findings;
}

function toFinding(
  record: OsvRecord,
  pkg: Package,
  ecosystem: string,
  fixedVersion: string | undefined,
  severity: Severity,
): VulnerabilityFinding {
  const ids = [record.id, ...(record.aliases ?? [])];
  const cve = ids.find((i) => /^CVE-\d{4}-\d+$/.test(i));
  const url = cve
    ? `https://nvd.nist.gov/vuln/detail/${cve}`
    : (record.references?.[0]?.url ?? `https://osv.dev/vulnerability/${record.id}`);
  return {
    id: cve ?? record.id,
    ids,
    package: pkg,
    ecosystem,
    ...(fixedVersion ? { fixedVersion } : {}),
    severity,
    summary: (record.summary ?? record.details ?? '').slice(0, 500),
    url,
  };
}

/** Findings that share any id (a record and its alias) become one, keeping the worse severity. */
function mergeInto(merged: Map<string, VulnerabilityFinding>, f: VulnerabilityFinding): void {
  const existing = f.ids.map((id) => merged.get(id)).find(Boolean);
  if (!existing) {
    for (const id of f.ids) merged.set(id, f);
    return;
  }
  for (const id of f.ids) {
    if (!existing.ids.includes(id)) existing.ids.push(id);
    merged.set(id, existing);
  }
  if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[existing.severity]) existing.severity = f.severity;
  existing.fixedVersion ??= f.fixedVersion;
  if (!/^CVE-/.test(existing.id) && /^CVE-/.test(f.id)) existing.id = f.id;
}
