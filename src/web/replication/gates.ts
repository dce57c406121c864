// A rule's replication gates (issue 15): as the form holds them (an allow-list expiry is a date picked), as the API
// takes them (only the gates set; none at all: an ungated rule), and in words, for the rules table, the preview
// and a task blocked by one (its detail is `gate: why`, src/replication/run-task.ts).
import dayjs, { type Dayjs } from 'dayjs';
import type { SyncRule } from '../api/types';

export type RuleGates = NonNullable<SyncRule['gates']>;
export type GateSeverity = NonNullable<RuleGates['block_severity']>;
export const GATE_SEVERITIES: readonly GateSeverity[] = ['Critical', 'High', 'Medium', 'Low'];

export interface AllowFormRow {
  id?: string;
  expires_at?: Dayjs | null;
}

export interface GatesFormValues {
  signed_by?: string[];
  block_severity?: GateSeverity | null;
  max_scan_age_hours?: number | null;
  allow_vulnerabilities?: AllowFormRow[];
  no_malicious?: boolean;
  no_secrets?: boolean;
}

/** The gates a body carries, or undefined when none is set (the rule copies everything it selects). */
export function gatesBodyOf(v: GatesFormValues | undefined): RuleGates | undefined {
  if (!v) return undefined;
  const signed = (v.signed_by ?? []).map((k) => k.trim()).filter(Boolean);
  const allow = (v.allow_vulnerabilities ?? []).flatMap((a) => {
    const id = a?.id?.trim();
    if (!id) return [];
    // An entry holds through the whole day picked.
    return [a.expires_at ? { id, expires_at: a.expires_at.endOf('day').toISOString() } : { id }];
  });
  const gates: RuleGates = {
    ...(signed.length ? { signed_by: signed } : {}),
    ...(v.block_severity ? { block_severity: v.block_severity } : {}),
    ...(v.max_scan_age_hours ? { max_scan_age_hours: v.max_scan_age_hours } : {}),
    ...(allow.length ? { allow_vulnerabilities: allow } : {}),
    ...(v.no_malicious ? { no_malicious: true } : {}),
    ...(v.no_secrets ? { no_secrets: true } : {}),
  };
  return Object.keys(gates).length ? gates : undefined;
}

/** A saved rule's gates back as form values. */
export function gatesFormOf(g: SyncRule['gates']): GatesFormValues {
  return {
    signed_by: g?.signed_by ?? [],
    // Undefined, not null: an empty select shows its placeholder ("None").
    block_severity: g?.block_severity,
    max_scan_age_hours: g?.max_scan_age_hours,
    allow_vulnerabilities: (g?.allow_vulnerabilities ?? []).map((a) => ({
      id: a.id,
      expires_at: a.expires_at ? dayjs(a.expires_at) : null,
    })),
    no_malicious: g?.no_malicious ?? false,
    no_secrets: g?.no_secrets ?? false,
  };
}

/** Each gate of a rule in words, e.g. "No vulnerability at or above High". */
export function gateWords(g: SyncRule['gates']): string[] {
  if (!g) return [];
  const words: string[] = [];
  if (g.signed_by?.length) words.push(`Signed by ${g.signed_by.join(' or ')}`);
  if (g.block_severity) {
    words.push(
      g.block_severity === 'Critical'
        ? 'No Critical vulnerability'
        : `No vulnerability at or above ${g.block_severity}`,
    );
  }
  if (g.max_scan_age_hours) words.push(`Scanned within ${g.max_scan_age_hours} h`);
  if (g.no_malicious) words.push('No malicious file');
  if (g.no_secrets) words.push('No secret');
  const allowed = g.allow_vulnerabilities ?? [];
  if (allowed.length) {
    const ids = allowed.map((a) => (a.expires_at ? `${a.id} (until ${a.expires_at.slice(0, 10)})` : a.id));
    words.push(`Allowed: ${ids.join(', ')}`);
  }
  return words;
}

/** What each gate checks, by the name the server gives it in a verdict or a task's detail. */
export const GATE_LABELS: Record<string, string> = {
  signed_by: 'Signature',
  max_scan_age_hours: 'Scan age',
  block_severity: 'Vulnerabilities',
  no_malicious: 'Malicious files',
  no_secrets: 'Secrets',
  scan: 'Scan',
};

export const gateLabel = (gate: string | undefined) => (gate ? (GATE_LABELS[gate] ?? gate) : 'Gate');

/** A POLICY_BLOCKED task's detail split into the gate and why: `block_severity: 1 vulnerabilities …`. */
export function policyDetailOf(detail: string | null | undefined): { gate?: string; why: string } {
  const text = detail ?? '';
  const at = text.indexOf(': ');
  const gate = at > 0 ? text.slice(0, at) : undefined;
  return gate && gate in GATE_LABELS ? { gate, why: text.slice(at + 2) } : { why: text };
}

/** A task waiting for the scan its gate asked for: `retrying` is `WAITING_FOR_SCAN: …`. */
export const WAITING_FOR_SCAN = 'WAITING_FOR_SCAN';
export const waitingForScan = (retrying: string | null | undefined): string | undefined =>
  retrying?.startsWith(WAITING_FOR_SCAN)
    ? retrying.slice(WAITING_FOR_SCAN.length).replace(/^:\s*/, '') || 'a gate needs a scan of the image'
    : undefined;
