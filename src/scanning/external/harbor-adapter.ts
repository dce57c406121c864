// A client of Harbor's pluggable scanner API v1.2, so an external adapter (Trivy's, Clair's, or another Regatta)
// finds the vulnerabilities of an image for Regatta: POST /api/v1/scan with the registry and artifact, then
// GET /api/v1/scan/{id}/report until it stops answering 302 (waiting Refresh-After seconds between polls).
// The findings become Regatta's own, so the rows, APIs and severity level read the same whoever scanned.
// https://github.com/goharbor/pluggable-scanner-spec
import { request } from 'undici';
import { ScanError } from '../errors.js';
import type { VulnerabilityFinding } from '../vulndb/match.js';
import type { Severity } from '../vulndb/severity.js';

const SCAN_REQUEST = 'application/vnd.scanner.adapter.scan.request+json; version=1.0';
const HARBOR_REPORT = 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0';

export interface AdapterConfig {
  /** The adapter's base URL (its API is under /api/v1). */
  url: string;
  /** Sent as `Authorization: Bearer …` (the access credential the adapter expects), if any. */
  token?: string;
  /** Longest wait for a report (default 10 min). */
  timeoutMs?: number;
}

export interface AdapterArtifact {
  /** The registry as the adapter must reach it, e.g. `http://127.0.0.1:5000`. */
  registryUrl: string;
  /** `Basic …` or `Bearer …` for that registry, if it needs one. */
  authorization?: string;
  repository: string;
  digest: string;
  tag?: string;
}

interface AdapterVulnerability {
  id: string;
  package: string;
  version: string;
  fix_version?: string;
  severity?: string;
  description?: string;
  links?: string[];
}

const SEVERITIES: Record<string, Severity> = {
  Critical: 'Critical',
  High: 'High',
  Medium: 'Medium',
  Low: 'Low',
  Negligible: 'Low',
  Unknown: 'Unknown',
};

export async function scanWithAdapter(
  cfg: AdapterConfig,
  a: AdapterArtifact,
  signal?: AbortSignal,
): Promise<VulnerabilityFinding[]> {
  const base = cfg.url.replace(/\/+$/, '');
  const auth = cfg.token ? { authorization: `Bearer ${cfg.token}` } : {};
  const accepted = await request(`${base}/api/v1/scan`, {
    method: 'POST',
    headers: { ...auth, 'content-type': SCAN_REQUEST, accept: 'application/json' },
    body: JSON.stringify({
      registry: { url: a.registryUrl, ...(a.authorization ? { authorization: a.authorization } : {}) },
      artifact: { repository: a.repository, digest: a.digest, ...(a.tag ? { tag: a.tag } : {}) },
    }),
    signal,
  });
  const body = await accepted.body.text();
  if (accepted.statusCode !== 202) throw adapterError('scan request', accepted.statusCode, body);
  const id = (JSON.parse(body) as { id?: string }).id;
  if (!id) throw new ScanError('failed_to_scan_vulnerability', 'the scanner adapter answered without a scan id');
  const deadline = Date.now() + (cfg.timeoutMs ?? 600_000);
  for (;;) {
    const res = await request(`${base}/api/v1/scan/${encodeURIComponent(id)}/report`, {
      headers: { ...auth, accept: HARBOR_REPORT },
      signal,
    });
    const text = await res.body.text();
    if (res.statusCode === 200) return findingsOf(JSON.parse(text) as { vulnerabilities?: AdapterVulnerability[] });
    if (res.statusCode !== 302) throw adapterError('report', res.statusCode, text);
    if (Date.now() > deadline) throw new ScanError('failed_to_scan_vulnerability', 'the scanner adapter took too long');
    const wait = Math.min(Math.max(Number(res.headers['refresh-after'] ?? 5), 1), 60);
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
}

function findingsOf(report: { vulnerabilities?: AdapterVulnerability[] }): VulnerabilityFinding[] {
  return (report.vulnerabilities ?? []).map((v) => ({
    id: v.id,
    ids: [v.id],
    package: { type: 'external', name: v.package, version: v.version, path: '', layer: -1 },
    ecosystem: 'external',
    ...(v.fix_version ? { fixedVersion: v.fix_version } : {}),
    severity: SEVERITIES[v.severity ?? 'Unknown'] ?? 'Unknown',
    summary: (v.description ?? '').slice(0, 500),
    url: v.links?.[0] ?? '',
  }));
}

function adapterError(what: string, status: number, body: string): ScanError {
  let message = body.slice(0, 300);
  try {
    message = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? message;
  } catch {
    // not JSON: the text itself
  }
  return new ScanError('failed_to_scan_vulnerability', `scanner adapter ${what}: HTTP ${status}: ${message}`);
}
