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

/** The spec's severities, least to most severe. */
const SEVERITIES = ['Unknown', 'Negligible', 'Low', 'Medium', 'High', 'Critical'] as const;
const RANK: readonly string[] = SEVERITIES;

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

// Response schemas, field for field as the functions above build them. The adapter sends with JSON.stringify
// (index.ts): these describe the answers in the OpenAPI document, they do not shape them.

const str = { type: 'string' } as const;
const strings = { type: 'array', items: str } as const;

const scannerSchema = {
  type: 'object',
  properties: { name: str, vendor: str, version: str },
} as const;

/** ScannerAdapterMetadata: what metadata() answers. */
export const metadataSchema = {
  type: 'object',
  properties: {
    scanner: scannerSchema,
    capabilities: {
      type: 'array',
      items: {
        type: 'object',
        properties: { type: str, consumes_mime_types: strings, produces_mime_types: strings },
      },
    },
    properties: { type: 'object', additionalProperties: str },
  },
} as const;

/** The artifact a report is of, as the scan request named it. */
const artifactSchema = {
  type: 'object',
  properties: {
    repository: { type: 'string', description: 'Empty in the report of a scan made before a restart' },
    digest: str,
    tag: str,
    mime_type: str,
  },
} as const;

/** ScanResponse: the id to ask for the report with. */
export const scanResponseSchema = { type: 'object', properties: { id: str } } as const;

/** HarborVulnerabilityReport: what vulnerabilityReport() answers (in either report MIME type). */
export const reportSchema = {
  type: 'object',
  properties: {
    generated_at: { type: 'string', format: 'date-time' },
    artifact: artifactSchema,
    scanner: scannerSchema,
    severity: { type: 'string', enum: SEVERITIES },
    vulnerabilities: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: str,
          package: str,
          version: str,
          fix_version: { type: 'string', description: 'Empty when no fixed version is known' },
          severity: { type: 'string', enum: SEVERITIES },
          description: str,
          links: strings,
          vendor_attributes: {
            type: 'object',
            additionalProperties: true,
            description: 'Regatta: every advisory id behind the finding (ids), its ecosystem and the package path',
          },
        },
      },
    },
  },
} as const;

/** ErrorResponse: the spec's error body (no code, a message). */
export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { message: str } } },
} as const;
