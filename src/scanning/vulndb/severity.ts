// A finding's severity from what its record says, in this order: a CVSS v3 vector (`severity[]`, scored with
// the CVSS v3.1 base formula), a numeric `database_specific.cvss_score` (Node security WG), GHSA's
// `database_specific.severity`, Debian's changelog `upload_urgency` (an upload urgency, not a CVE score: high →
// High, medium → Medium); else Unknown. Scale: CVSS v3.1 §5 qualitative ratings.
// https://www.first.org/cvss/v3.1/specification-document
import type { OsvAffected, OsvRecord } from './osv.js';

export type Severity = 'Critical' | 'High' | 'Medium' | 'Low' | 'Unknown';

export function severityOf(record: OsvRecord, affected?: OsvAffected): Severity {
  const vector = record.severity?.find((s) => s.type === 'CVSS_V3')?.score;
  const score = vector ? cvss3BaseScore(vector) : undefined;
  if (score !== undefined) return rating(score);
  const nswg = record.database_specific?.cvss_score;
  if (typeof nswg === 'number') return rating(nswg);
  const ghsa = String(record.database_specific?.severity ?? '').toUpperCase();
  if (ghsa === 'CRITICAL') return 'Critical';
  if (ghsa === 'HIGH') return 'High';
  if (ghsa === 'MODERATE' || ghsa === 'MEDIUM') return 'Medium';
  if (ghsa === 'LOW') return 'Low';
  const urgency = String(affected?.ecosystem_specific?.upload_urgency ?? '');
  if (urgency === 'high' || urgency === 'emergency' || urgency === 'critical') return 'High';
  if (urgency === 'medium') return 'Medium';
  if (urgency === 'low') return 'Low';
  return 'Unknown';
}

export function rating(score: number): Severity {
  if (score >= 9) return 'Critical';
  if (score >= 7) return 'High';
  if (score >= 4) return 'Medium';
  if (score > 0) return 'Low';
  return 'Unknown';
}

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
} as const;

/** CVSS v3.0/3.1 base score of a vector, or undefined when it is not one (§7.1, §7.4 Roundup). */
export function cvss3BaseScore(vector: string): number | undefined {
  const m = new Map(
    vector
      .split('/')
      .slice(1)
      .map((p) => p.split(':') as [string, string]),
  );
  if (!/^CVSS:3\.[01]$/.test(vector.split('/')[0] ?? '')) return undefined;
  const av = WEIGHTS.AV[m.get('AV') as keyof typeof WEIGHTS.AV];
  const ac = WEIGHTS.AC[m.get('AC') as keyof typeof WEIGHTS.AC];
  const ui = WEIGHTS.UI[m.get('UI') as keyof typeof WEIGHTS.UI];
  const scope = m.get('S');
  const pr = { N: 0.85, L: scope === 'C' ? 0.68 : 0.62, H: scope === 'C' ? 0.5 : 0.27 }[m.get('PR') ?? ''];
  const [c, i, a] = ['C', 'I', 'A'].map((k) => WEIGHTS.C[m.get(k) as keyof typeof WEIGHTS.C]);
  if ([av, ac, ui, pr, c, i, a].some((x) => x === undefined) || (scope !== 'U' && scope !== 'C')) return undefined;
  const iss = 1 - (1 - c!) * (1 - i!) * (1 - a!);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  if (impact <= 0) return 0;
  const exploitability = 8.22 * av! * ac! * pr! * ui!;
  const raw = scope === 'U' ? Math.min(impact + exploitability, 10) : Math.min(1.08 * (impact + exploitability), 10);
  return roundUp(raw);
}

/** CVSS v3.1 Appendix A Roundup: the smallest one-decimal number ≥ x, free of floating-point noise. */
function roundUp(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}
