// The stored form of scan findings (issue 18: findings have a schema). Vulnerabilities are rows of
// vulnerability_findings (migration 009), one column per field; the other lists (malicious files, unsafe settings,
// sensitive files, packages) stay jsonb on scan_results and are parsed with these schemas on read, so a row
// written by an older or a broken version fails loudly at the store instead of as `undefined` in a facade.
// The shapes are the scanning engine's (scanning/vulndb/match.ts, malware.ts, checks/types.ts,
// catalogers/types.ts); the compiler checks that the engine's values fit them where services/scanning.ts saves.
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Schema } from './schema.js';

const packageType = z.enum(['deb', 'apk', 'rpm', 'npm', 'python', 'go', 'java', 'external']);

export const storedPackage = z.object({
  type: packageType,
  name: z.string(),
  version: z.string(),
  source: z.object({ name: z.string(), version: z.string() }).optional(),
  path: z.string(),
  layer: z.number().int(),
});

export const storedMaliciousFile = z.object({
  path: z.string(),
  hash: z.object({ type: z.enum(['md5', 'sha1', 'sha256']), value: z.string() }),
  ioc: z.object({ comment: z.string(), list: z.string() }),
  layer: z.number().int(),
  size: z.number(),
});

export const storedCheckFinding = z.object({
  rule: z.string(),
  severity: z.enum(['High', 'Medium', 'Low']),
  description: z.string(),
  location: z.string(),
  evidence: z.string().optional(),
});

export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Unknown'] as const;

export const storedVulnerability = z.object({
  id: z.string(),
  ids: z.array(z.string()),
  package: storedPackage,
  ecosystem: z.string(),
  fixedVersion: z.string().optional(),
  severity: z.enum(SEVERITIES),
  summary: z.string(),
  url: z.string(),
});

export type StoredPackage = z.infer<typeof storedPackage>;
export type StoredMaliciousFile = z.infer<typeof storedMaliciousFile>;
export type StoredCheckFinding = z.infer<typeof storedCheckFinding>;
export type StoredVulnerability = z.infer<typeof storedVulnerability>;

/** The lists a scan found besides its vulnerabilities, as scan_results holds them. */
export const storedLists = {
  malicious_files: z.array(storedMaliciousFile),
  unsafe_settings: z.array(storedCheckFinding),
  sensitive_files: z.array(storedCheckFinding),
  packages: z.array(storedPackage),
};

type FindingRow = Selectable<Schema['vulnerability_findings']>;

/** A finding as the row that stores it. */
export function findingRow(digest: string, ordinal: number, v: StoredVulnerability): FindingRow {
  return {
    digest,
    ordinal,
    vul_id: v.id,
    ids: v.ids.includes(v.id) ? v.ids : [v.id, ...v.ids],
    ecosystem: v.ecosystem,
    severity: v.severity,
    package_type: v.package.type,
    package_name: v.package.name,
    package_version: v.package.version,
    source_name: v.package.source?.name ?? null,
    source_version: v.package.source?.version ?? null,
    package_path: v.package.path,
    package_layer: v.package.layer,
    fixed_version: v.fixedVersion ?? null,
    summary: v.summary,
    url: v.url,
  };
}

/** The finding a row stores (checked: a package type or severity outside the schema is an error here). */
export function findingOf(r: FindingRow): StoredVulnerability {
  const source =
    r.source_name !== null && r.source_version !== null
      ? { source: { name: r.source_name, version: r.source_version } }
      : {};
  return storedVulnerability.parse({
    id: r.vul_id,
    ids: r.ids,
    package: {
      type: r.package_type,
      name: r.package_name,
      version: r.package_version,
      ...source,
      path: r.package_path,
      layer: r.package_layer,
    },
    ecosystem: r.ecosystem,
    ...(r.fixed_version !== null ? { fixedVersion: r.fixed_version } : {}),
    severity: r.severity,
    summary: r.summary,
    url: r.url,
  });
}
