// cosign signatures: the verdicts of signatures against keys, from signatures made here with node:crypto in
// cosign's format (the simple-signing payload signed over its exact bytes), for each key kind; and the signatures
// found in a real Distribution registry (no referrers API) under cosign's `.sig` tag and in the OCI 1.1 fallback
// index (classic signatures and cosign 3's sigstore bundles), pushed by the test fixture (test/support/referrers.ts), read through the registry client.
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type BuiltImage, buildImage, pushImage } from '../../test/support/fixtures.js';
import {
  cosignKeyPair,
  pushBundleSignature,
  pushCosignSignature,
  pushOciReferrer,
  simpleSigningPayload,
} from '../../test/support/referrers.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { RegistryClient } from '../oci/client.js';
import { type FoundSignature, findSignatures, verifySignatures } from './cosign.js';
import { parsePublicKey, type TrustedKey } from './keys.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const payload = (digest: string) => simpleSigningPayload('r.example/app', digest);

type Kind = 'p256' | 'p384' | 'ed25519' | 'rsa';

function pair(kind: Kind) {
  const { privateKey, publicKey } =
    kind === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : kind === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'prime256v1' : 'secp384r1' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  // cosign signs SHA-256 for every key but Ed25519 (which hashes itself).
  return { privateKey, pem, hash: kind === 'ed25519' ? null : 'sha256' };
}

function signed(key: KeyObject, hash: string | null, body: Buffer): FoundSignature {
  return { payload: body, signature: sign(hash, body, key), manifest: `sha256:${'b'.repeat(64)}` };
}

const trusted = (name: string, pem: string): TrustedKey => ({ name, ...parsePublicKey(pem) });

describe('verifySignatures', () => {
  test('each supported key kind verifies its own signature of the digest, and only that', () => {
    for (const kind of ['p256', 'p384', 'ed25519', 'rsa'] as const) {
      const k = pair(kind);
      const other = pair(kind);
      const found = [signed(k.privateKey, k.hash, payload(DIGEST))];
      const [mine, theirs] = verifySignatures(found, DIGEST, [trusted('mine', k.pem), trusted('theirs', other.pem)]);
      assert.deepEqual(
        mine,
        { name: 'mine', fingerprint: parsePublicKey(k.pem).fingerprint, verified: true, signatures: 1, detail: null },
        kind,
      );
      assert.equal(theirs?.verified, false, kind);
      assert.equal(theirs?.signatures, 0);
      assert.match(theirs?.detail ?? '', /^1 signature of the digest, none made by this key/);
    }
  });

  test('a P-384 key verifies SHA-384 signatures too (sigstore’s default for that curve)', () => {
    const k = pair('p384');
    const found = [signed(k.privateKey, 'sha384', payload(DIGEST))];
    assert.equal(verifySignatures(found, DIGEST, [trusted('p384', k.pem)])[0]?.verified, true);
  });

  test('a wrong key, a payload naming another digest, a tampered payload or garbage do not verify', () => {
    const k = pair('p256');
    const key = trusted('release', k.pem);
    const genuine = signed(k.privateKey, k.hash, payload(DIGEST));
    const wrong = trusted('wrong', pair('p256').pem);
    assert.match(verifySignatures([genuine], DIGEST, [wrong])[0]?.detail ?? '', /none made by this key/);

    const elsewhere = signed(k.privateKey, k.hash, payload(`sha256:${'c'.repeat(64)}`));
    const [mismatch] = verifySignatures([elsewhere], DIGEST, [key]);
    assert.equal(mismatch?.verified, false);
    assert.equal(mismatch?.detail, `1 signature found, none of ${DIGEST} (digest mismatch)`);

    // The same signature over bytes changed after signing (still naming the digest).
    const tampered = { ...genuine, payload: Buffer.from(genuine.payload.toString().replace('cosign', 'cosigm')) };
    assert.equal(verifySignatures([tampered], DIGEST, [key])[0]?.verified, false);
    // Whitespace is not canonicalised away: the exact bytes are what is signed.
    const reformatted = {
      ...genuine,
      payload: Buffer.from(JSON.stringify(JSON.parse(genuine.payload.toString()), null, 1)),
    };
    assert.equal(verifySignatures([reformatted], DIGEST, [key])[0]?.verified, false);

    assert.equal(verifySignatures([], DIGEST, [key])[0]?.detail, 'no signature found');
    const garbage = { ...genuine, payload: Buffer.from('not json') };
    assert.equal(verifySignatures([garbage], DIGEST, [key])[0]?.verified, false);
    const noSignature = { ...genuine, signature: Buffer.alloc(0) };
    assert.equal(verifySignatures([noSignature], DIGEST, [key])[0]?.verified, false);
  });

  test('counts every signature of the digest a key made; no keys, no verdicts', () => {
    const k = pair('p256');
    const two = [signed(k.privateKey, k.hash, payload(DIGEST)), signed(k.privateKey, k.hash, payload(DIGEST))];
    assert.equal(verifySignatures(two, DIGEST, [trusted('k', k.pem)])[0]?.signatures, 2);
    assert.deepEqual(verifySignatures(two, DIGEST, []), []);
  });
});

describe('findSignatures in a registry without the referrers API', () => {
  let reg: TestRegistry;
  let client: RegistryClient;
  let signedImage: BuiltImage;
  let referred: BuiltImage;
  let unsigned: BuiltImage;
  const alice = cosignKeyPair();
  const bob = cosignKeyPair();

  before(async () => {
    reg = await startRegistry();
    client = new RegistryClient(reg.host);
    signedImage = await buildImage({ format: 'oci', seed: 'cosign-signed' });
    referred = await buildImage({ format: 'oci', seed: 'cosign-referred' });
    unsigned = await buildImage({ format: 'oci', seed: 'cosign-unsigned' });
    for (const [tag, image] of [
      ['signed', signedImage],
      ['referred', referred],
      ['unsigned', unsigned],
    ] as const) {
      await pushImage(reg, 'sig/app', tag, image);
    }
    await pushCosignSignature(reg, 'sig/app', signedImage.digest, alice.privateKey);
    await pushCosignSignature(reg, 'sig/app', signedImage.digest, bob.privateKey, { append: true });
    // An OCI 1.1 signature (cosign --registry-referrers-mode=oci-1-1): an artifact whose subject is the image.
    // Beside it an SBOM artifact, which is no signature (another artifact type).
    const subject = { mediaType: referred.mediaType, digest: referred.digest, size: referred.manifest.length };
    const body = simpleSigningPayload(`${reg.host}/sig/app`, referred.digest);
    await pushOciReferrer(reg, 'sig/app', subject, {
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      blob: body,
      blobMediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      layerAnnotations: {
        'dev.cosignproject.cosign/signature': sign('sha256', body, bob.privateKey).toString('base64'),
      },
    });
    await pushOciReferrer(reg, 'sig/app', subject, {
      artifactType: 'application/spdx+json',
      blob: Buffer.from('{"spdxVersion":"SPDX-2.3"}'),
      blobMediaType: 'application/spdx+json',
    });
  });

  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  test('the .sig tag: each appended signature, verified by its own key', async () => {
    const found = await findSignatures(client, 'sig/app', signedImage.digest);
    assert.equal(found.length, 2);
    const keys = [trusted('alice', alice.publicKeyPem), trusted('bob', bob.publicKeyPem)];
    const verdicts = verifySignatures(found, signedImage.digest, keys);
    assert.deepEqual(
      verdicts.map((v) => [v.name, v.verified, v.signatures]),
      [
        ['alice', true, 1],
        ['bob', true, 1],
      ],
    );
    // The signature of one image does not verify another (the payload names the first).
    assert.equal(verifySignatures(found, unsigned.digest, keys)[0]?.detail?.includes('digest mismatch'), true);
  });

  test('an unsigned image has none; a tampered signature is found and refused', async () => {
    assert.deepEqual(await findSignatures(client, 'sig/app', unsigned.digest), []);
    const tampered = await buildImage({ format: 'oci', seed: 'cosign-tampered' });
    await pushImage(reg, 'sig/app', 'tampered', tampered);
    await pushCosignSignature(reg, 'sig/app', tampered.digest, alice.privateKey, { tamper: true });
    const found = await findSignatures(client, 'sig/app', tampered.digest);
    assert.equal(found.length, 1);
    const [v] = verifySignatures(found, tampered.digest, [trusted('alice', alice.publicKeyPem)]);
    assert.equal(v?.verified, false);
    assert.match(v?.detail ?? '', /none made by this key/);
  });

  test('an OCI 1.1 signature referrer, found through the sha256-<hex> fallback index', async () => {
    const found = await findSignatures(client, 'sig/app', referred.digest);
    assert.equal(found.length, 1);
    const keys = [trusted('alice', alice.publicKeyPem), trusted('bob', bob.publicKeyPem)];
    assert.deepEqual(
      verifySignatures(found, referred.digest, keys).map((v) => [v.name, v.verified]),
      [
        ['alice', false],
        ['bob', true],
      ],
    );
  });

  test('cosign 3 bundle referrers: a signature verified by its key; an attestation, a tampered one are not', async () => {
    const image = await buildImage({ format: 'oci', seed: 'cosign-bundled' });
    await pushImage(reg, 'sig/app', 'bundled', image);
    const subject = { mediaType: image.mediaType, digest: image.digest, size: image.manifest.length };
    await pushBundleSignature(reg, 'sig/app', subject, alice.privateKey);
    await pushBundleSignature(reg, 'sig/app', subject, bob.privateKey, { tamper: true });
    // An SBOM attestation in the same format: a bundle, but not a signature of the image.
    await pushBundleSignature(reg, 'sig/app', subject, bob.privateKey, { predicateType: 'https://spdx.dev/Document' });
    const found = await findSignatures(client, 'sig/app', image.digest);
    assert.equal(found.length, 2, 'the two signatures; the attestation is left out');
    const keys = [trusted('alice', alice.publicKeyPem), trusted('bob', bob.publicKeyPem)];
    assert.deepEqual(
      verifySignatures(found, image.digest, keys).map((v) => [v.name, v.verified, v.signatures]),
      [
        ['alice', true, 1],
        ['bob', false, 0],
      ],
    );
    assert.match(verifySignatures(found, unsigned.digest, keys)[0]?.detail ?? '', /digest mismatch/);
  });

  test('a registry that cannot be reached is an error, never "no signature"', async () => {
    const closed = new RegistryClient('127.0.0.1:1', { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    await assert.rejects(findSignatures(closed, 'sig/app', signedImage.digest), { code: 'NETWORK_ERROR' });
    await closed.close();
  });
});
