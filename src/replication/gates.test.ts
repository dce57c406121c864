// The gate verdicts, decided from facts alone (services/gates.ts gathers them through real registries).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateGates, type ScannedPlatform } from './gates.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const clean = (digest = 'sha256:a', over: Partial<ScannedPlatform> = {}): ScannedPlatform => ({
  digest,
  status: 'success',
  scannedAt: new Date('2026-12-04T11:00:00Z'),
  vulnerabilities: [],
  maliciousFiles: 0,
  secrets: 0,
  ...over,
});
const critical = { id: 'CVE-2024-0001', ids: ['GHSA-aaaa-bbbb-cccc'], severity: 'Critical' };

test('a signature gate passes with one verified key and names the keys when none verified', () => {
  const g = { signed_by: ['release', 'ci'] };
  assert.deepEqual(evaluateGates(g, { digests: [], scans: [], verifiedBy: ['ci'], now: NOW }), { pass: true });
  const v = evaluateGates(g, { digests: [], scans: [], verifiedBy: [], now: NOW });
  assert.deepEqual(v, { pass: false, gate: 'signed_by', detail: 'no signature verified by release, ci' });
});

test('a missing or too old scan makes the gate wait for one, naming the platform digests', () => {
  const g = { block_severity: 'Critical' as const, max_scan_age_hours: 24 };
  const old = clean('sha256:b', { scannedAt: new Date('2026-12-02T11:00:00Z') });
  assert.deepEqual(evaluateGates(g, { digests: ['sha256:a', 'sha256:c'], scans: [clean(), undefined], now: NOW }), {
    pass: 'wait',
    digests: ['sha256:c'],
  });
  assert.deepEqual(evaluateGates(g, { digests: ['sha256:a', 'sha256:b'], scans: [clean(), old], now: NOW }), {
    pass: 'wait',
    digests: ['sha256:b'],
  });
  // Without a maximum age, an old result stands.
  assert.deepEqual(evaluateGates({ block_severity: 'Critical' }, { digests: ['sha256:b'], scans: [old], now: NOW }), {
    pass: true,
  });
});

test('severity blocks at or above the threshold on any platform; an allow-list entry (by id or alias) lifts it until it expires', () => {
  const vulnerable = clean('sha256:arm', { vulnerabilities: [critical] });
  const g = { block_severity: 'High' as const };
  const blocked = evaluateGates(g, { digests: ['sha256:a', 'sha256:arm'], scans: [clean(), vulnerable], now: NOW });
  assert.equal(blocked.pass, false);
  assert.equal(blocked.pass === false && blocked.gate, 'block_severity');
  assert.match(
    blocked.pass === false ? blocked.detail : '',
    /1 vulnerabilities at or above High: CVE-2024-0001 \(Critical\)/,
  );
  const byAlias = { ...g, allow_vulnerabilities: [{ id: 'GHSA-aaaa-bbbb-cccc' }] };
  assert.deepEqual(evaluateGates(byAlias, { digests: ['sha256:arm'], scans: [vulnerable], now: NOW }), { pass: true });
  const expired = { ...g, allow_vulnerabilities: [{ id: 'CVE-2024-0001', expires_at: '2026-12-01T00:00:00Z' }] };
  assert.equal(evaluateGates(expired, { digests: ['sha256:arm'], scans: [vulnerable], now: NOW }).pass, false);
  const later = { ...g, allow_vulnerabilities: [{ id: 'CVE-2024-0001', expires_at: '2027-01-01T00:00:00Z' }] };
  assert.deepEqual(evaluateGates(later, { digests: ['sha256:arm'], scans: [vulnerable], now: NOW }), { pass: true });
});

test('malicious files, secrets and a failed scan block when their gates are on', () => {
  const bad = clean('sha256:x', { maliciousFiles: 2, secrets: 1 });
  assert.deepEqual(evaluateGates({ no_malicious: true }, { digests: ['sha256:x'], scans: [bad], now: NOW }), {
    pass: false,
    gate: 'no_malicious',
    detail: '2 malicious files',
  });
  assert.deepEqual(evaluateGates({ no_secrets: true }, { digests: ['sha256:x'], scans: [bad], now: NOW }), {
    pass: false,
    gate: 'no_secrets',
    detail: '1 secrets',
  });
  assert.deepEqual(evaluateGates({ block_severity: 'Low' }, { digests: ['sha256:x'], scans: [bad], now: NOW }), {
    pass: true,
  });
  const failed = clean('sha256:f', { status: 'failed', failedCode: 'image_over_sized' });
  assert.deepEqual(evaluateGates({ no_secrets: true }, { digests: ['sha256:f'], scans: [failed], now: NOW }), {
    pass: false,
    gate: 'scan',
    detail: 'the scan of sha256:f failed (image_over_sized)',
  });
});
