// Harbor's pluggable scanner API v1.2 shapes (goharbor/pluggable-scanner-spec, api/spec/scanner-adapter-openapi-
// v1.2.yaml): the metadata Regatta answers with and a vulnerability report built from a scan. Severities are the
// spec's enum (Unknown, Negligible, Low, Medium, High, Critical); the report's own severity is its worst item's.
import type { VulnerabilityFinding } from '../../scanning/vulndb/match.js';

export const MIME = {
  error: 'application/vnd.scanner.adapter.error+json; version=1.0',
  metadata: 'application/vnd.scanner.adapter.metadata+json; version=1.0',
  scanRequest: 'application/vnd.scanner.adapter.scan.request+json; version=1.0',
  scanResponse: 'application/vnd.scanner.adapter.scan.response+json; version=1.0',
  harborReport: 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0',
  securityReport: 'application/vnd.security.vulnerability.report; version=1.1',
} as const;

const CONSUMES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

export const SCANNER = { name: 'Regatta', vendor: 'Regatta', version: '0.1.0' };

export function metadata(dbVersion: string, updatedAt: Date) {
  return {
    scanner: SCANNER,
    capabilities: [
      {
        type: 'vulnerability',
        consumes_mime_types: CONSUMES,
        produces_mime_types: [MIME.harborReport, MIME.securityReport],
      },
    ],
    properties: {
      'harbor.scanner-adapter/scanner-type': 'os-package-vulnerability',
      'harbor.scanner-adapter/vulnerability-database-updated-at': updatedAt.toISOString(),
      'org.regatta/advisory-database-version': dbVersion,
    },
  };
}

export interface ScanArtifact {
  repository: string;
  digest: string;
  tag?: string;
  mime_type?: string;
}

const RANK = ['Unknown', 'Negligible', 'Low', 'Medium', 'High', 'Critical'];

export function vulnerabilityReport(artifact: ScanArtifact, findings: VulnerabilityFinding[], generatedAt: Date) {
  const vulnerabilities = findings.map((v) => ({
    id: v.id,
    package: v.package.name,
    version: v.package.version,
    fix_version: v.fixedVersion ?? '',
    severity: v.severity,
    description: v.summary,
    links: [v.url],
    vendor_attributes: { ids: v.ids, ecosystem: v.ecosystem, path: `/${v.package.path}` },
  }));
  const worst = vulnerabilities.reduce(
    (w, v) => (RANK.indexOf(v.severity) > RANK.indexOf(w) ? v.severity : w),
    'Unknown',
  );
  return { generated_at: generatedAt.toISOString(), artifact, scanner: SCANNER, severity: worst, vulnerabilities };
}
