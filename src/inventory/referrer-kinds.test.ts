import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referrerOf } from './referrer-kinds.js';

const HEX = 'a'.repeat(64);

test('cosign tags say their kind by suffix; an SBOM attestation is an SBOM too', () => {
  assert.deepEqual(referrerOf(`sha256-${HEX}.sig`, []), { subject: `sha256:${HEX}`, kinds: ['signature'] });
  assert.deepEqual(
    referrerOf(`sha256-${HEX}.att`, ['application/vnd.dsse.envelope.v1+json', 'https://spdx.dev/Document']),
    {
      subject: `sha256:${HEX}`,
      kinds: ['attestation', 'sbom'],
    },
  );
  assert.deepEqual(referrerOf(`sha256-${HEX}.sbom`, ['text/spdx']), { subject: `sha256:${HEX}`, kinds: ['sbom'] });
});

test('an OCI fallback index says its kinds through its entries; unknown types are other', () => {
  const hints = ['application/vnd.cncf.notary.signature', 'application/vnd.cyclonedx+json'];
  assert.deepEqual(referrerOf(`sha256-${HEX}`, hints)?.kinds, ['sbom', 'signature']);
  assert.deepEqual(referrerOf(`sha256-${HEX}`, ['application/vnd.example.report'])?.kinds, ['other']);
});

test('other tags are no referrers, however close', () => {
  for (const tag of ['latest', `sha256-${HEX.slice(1)}.sig`, `sha256-${HEX}.sigx`, `sha512-${HEX}`, `SHA256-${HEX}`]) {
    assert.equal(referrerOf(tag, []), undefined, tag);
  }
});
