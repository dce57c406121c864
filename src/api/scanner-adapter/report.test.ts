// The adapter's response schemas (documentation: the adapter sends with JSON.stringify) against what report.ts
// builds: every field declared with its type, nothing declared that is never sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VulnerabilityFinding } from '../../scanning/vulndb/match.js';
import { metadata, metadataSchema, reportSchema, vulnerabilityReport } from './report.js';

type Schema = {
  type?: string;
  enum?: readonly unknown[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
};

/** Where `value` and `schema` disagree: undeclared or missing fields, wrong types, values outside an enum. */
function mismatches(value: unknown, schema: Schema, at = '$'): string[] {
  const out: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} not in the enum`);
  if (schema.type === 'string' && typeof value !== 'string') out.push(`${at}: ${typeof value}, not a string`);
  if (schema.type === 'array') {
    if (!Array.isArray(value)) out.push(`${at}: not an array`);
    else out.push(...value.flatMap((v, i) => mismatches(v, schema.items ?? {}, `${at}[${i}]`)));
  }
  if (schema.type === 'object') {
    const obj = value as Record<string, unknown>;
    const props = schema.properties ?? {};
    const rest = schema.additionalProperties;
    for (const k of Object.keys(obj)) {
      const declared = props[k] ?? (typeof rest === 'object' ? rest : rest === true ? {} : undefined);
      if (declared) out.push(...mismatches(obj[k], declared, `${at}.${k}`));
      else out.push(`${at}.${k}: not declared`);
    }
    for (const k of Object.keys(props)) if (!(k in obj)) out.push(`${at}.${k}: declared, never sent`);
  }
  return out;
}

test('metadata is as its schema declares it', () => {
  assert.deepEqual(mismatches(metadata('osv-1', new Date()), metadataSchema as Schema), []);
});

test('a vulnerability report is as its schema declares it', () => {
  const finding: VulnerabilityFinding = {
    id: 'CVE-2024-0001',
    ids: ['CVE-2024-0001', 'DSA-1'],
    package: { type: 'deb', name: 'libssl3', version: '3.0.9-1', path: 'var/lib/dpkg/status', layer: 0 },
    ecosystem: 'Debian:12',
    fixedVersion: '3.0.11-1',
    severity: 'High',
    summary: 'a flaw',
    url: 'https://osv.dev/CVE-2024-0001',
  };
  const artifact = { repository: 'library/app', digest: `sha256:${'a'.repeat(64)}`, tag: 'v1', mime_type: 'm' };
  const report = vulnerabilityReport(artifact, [finding, { ...finding, fixedVersion: undefined }], new Date());
  assert.deepEqual(mismatches(report, reportSchema as Schema), []);
});
