// Replication gates (issue 15): what an image must pass before a rule copies it. Decided here from what is
// known about its digest (the scan results of each platform image, the signature checks); gathering those and
// asking for a missing scan is services/gates.ts. An image that fails is not copied: its task ends ERROR with
// POLICY_BLOCKED and a detail naming the gate, and runs again when the reason may have gone away.
import type { RuleGates } from '../store/schema.js';

export type GateName = 'signed_by' | 'max_scan_age_hours' | 'block_severity' | 'no_malicious' | 'no_secrets' | 'scan';

/** What one platform image's latest scan says (a plain image has one; an index one per platform). */
export interface ScannedPlatform {
  digest: string;
  status: 'success' | 'failed';
  failedCode?: string | null;
  scannedAt: Date;
  /** Vulnerabilities at or above the gate's severity: their id and every alias. */
  vulnerabilities: { id: string; ids: string[]; severity: string }[];
  maliciousFiles: number;
  secrets: number;
}

export interface GateFacts {
  /** The image's platform images (the image itself when it is no index). */
  digests: string[];
  /** The latest scan of each of `digests`, in their order; undefined where there is none yet. */
  scans: (ScannedPlatform | undefined)[];
  /** Names of the trusted keys whose check verified a signature; undefined when no signature gate asked. */
  verifiedBy?: string[];
  now: Date;
}

export type GateVerdict =
  | { pass: true }
  | { pass: false; gate: GateName; detail: string }
  /** A scan result is missing or too old: ask for one and decide when it is there. */
  | { pass: 'wait'; digests: string[] };

export const SEVERITY_ORDER = ['Low', 'Medium', 'High', 'Critical'] as const;

/** True when a gate needs scan results. */
export function needsScan(g: RuleGates): boolean {
  return g.max_scan_age_hours !== undefined || g.block_severity !== undefined || !!g.no_malicious || !!g.no_secrets;
}

/** True when the rule has at least one gate. */
export function hasGates(g: RuleGates | null | undefined): g is RuleGates {
  return !!g && ((g.signed_by?.length ?? 0) > 0 || needsScan(g));
}

/** Severities the gate blocks: `block_severity` and above. */
export function blockedSeverities(g: RuleGates): string[] {
  if (!g.block_severity) return [];
  return SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(g.block_severity));
}

/** The verdict for one image; the first gate it fails is named (signature first: it needs no scan). */
export function evaluateGates(g: RuleGates, facts: GateFacts): GateVerdict {
  if (g.signed_by?.length && (facts.verifiedBy ?? []).length === 0) {
    return { pass: false, gate: 'signed_by', detail: `no signature verified by ${g.signed_by.join(', ')}` };
  }
  if (!needsScan(g)) return { pass: true };
  const maxAgeMs = g.max_scan_age_hours === undefined ? undefined : g.max_scan_age_hours * 3_600_000;
  const stale = facts.scans.flatMap((s, i) =>
    s === undefined || (maxAgeMs !== undefined && facts.now.getTime() - s.scannedAt.getTime() > maxAgeMs) ? [i] : [],
  );
  if (stale.length > 0) return { pass: 'wait', digests: stale.map((i) => facts.digests[i]!) };
  for (const s of facts.scans as ScannedPlatform[]) {
    if (s.status === 'failed') {
      return { pass: false, gate: 'scan', detail: `the scan of ${s.digest} failed (${s.failedCode ?? 'unknown'})` };
    }
  }
  return scanVerdict(g, facts.scans as ScannedPlatform[], facts.now);
}

function scanVerdict(g: RuleGates, scans: ScannedPlatform[], now: Date): GateVerdict {
  const allowed = allowedIds(g, now);
  const found = new Map<string, string>();
  for (const s of scans) {
    for (const v of s.vulnerabilities) if (![v.id, ...v.ids].some((id) => allowed.has(id))) found.set(v.id, v.severity);
  }
  if (g.block_severity && found.size > 0) {
    const list = [...found].slice(0, 5).map(([id, sev]) => `${id} (${sev})`);
    const more = found.size > 5 ? ` and ${found.size - 5} more` : '';
    return {
      pass: false,
      gate: 'block_severity',
      detail: `${found.size} vulnerabilities at or above ${g.block_severity}: ${list.join(', ')}${more}`,
    };
  }
  const malicious = scans.reduce((n, s) => n + s.maliciousFiles, 0);
  if (g.no_malicious && malicious > 0) {
    return { pass: false, gate: 'no_malicious', detail: `${malicious} malicious files` };
  }
  const secrets = scans.reduce((n, s) => n + s.secrets, 0);
  if (g.no_secrets && secrets > 0) return { pass: false, gate: 'no_secrets', detail: `${secrets} secrets` };
  return { pass: true };
}

/** Allow-list entries still in force (an entry without expiry always is). */
function allowedIds(g: RuleGates, now: Date): Set<string> {
  const live = (g.allow_vulnerabilities ?? []).filter((a) => !a.expires_at || Date.parse(a.expires_at) > now.getTime());
  return new Set(live.map((a) => a.id));
}
