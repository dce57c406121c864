// Trusted public keys: every kind node:crypto reads that cosign can sign with is accepted and fingerprinted;
// anything else (weak RSA, other curves, private keys, certificates, junk, oversized text) is refused with
// INVALID_PARAMETER before it can be stored.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { fingerprintOf, parsePublicKey } from './keys.js';

const spki = (k: { publicKey: import('node:crypto').KeyObject }) =>
  k.publicKey.export({ type: 'spki', format: 'pem' }).toString();

test('ECDSA P-256 and P-384, Ed25519 and RSA keys are accepted, fingerprinted as sha256 of their DER', () => {
  const pairs = {
    p256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
    p384: generateKeyPairSync('ec', { namedCurve: 'secp384r1' }),
    ed25519: generateKeyPairSync('ed25519'),
    rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  };
  const seen = new Set<string>();
  for (const [kind, pair] of Object.entries(pairs)) {
    const pem = spki(pair);
    const parsed = parsePublicKey(pem);
    const der = pair.publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(parsed.fingerprint, `sha256:${createHash('sha256').update(der).digest('hex')}`, kind);
    assert.equal(parsed.fingerprint, fingerprintOf(pair.publicKey));
    // The same key with other line endings and blank lines around it is the same key.
    assert.equal(parsePublicKey(`\n${pem.replaceAll('\n', '\r\n')}\n`).fingerprint, parsed.fingerprint, kind);
    seen.add(parsed.fingerprint);
  }
  assert.equal(seen.size, 4);
});

test('other keys and non-keys are refused with INVALID_PARAMETER', () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const x448 = generateKeyPairSync('x448');
  const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const privatePem = p256.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cases: Record<string, string> = {
    'RSA 1024': spki(weak),
    secp256k1: spki(k1),
    X448: spki(x448),
    'a private key': privatePem,
    'plain text': 'hello',
    'a broken body': '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
    'oversized text': `-----BEGIN PUBLIC KEY-----${'A'.repeat(20000)}`,
    'a certificate header': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  };
  for (const [what, pem] of Object.entries(cases)) {
    assert.throws(() => parsePublicKey(pem), { code: 'INVALID_PARAMETER' }, what);
  }
  assert.throws(() => parsePublicKey(spki(weak)), /RSA key shorter than 2048 bits/);
  assert.throws(() => parsePublicKey(spki(k1)), /curve secp256k1 is not supported/);
});
