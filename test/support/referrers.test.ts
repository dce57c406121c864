// Self-test of the referrer fixtures (referrers.ts): what they push to a real Distribution registry is read back
// with skopeo (manifests) and plain HTTP (blobs), and checked against the published formats with node:crypto
// alone, so a test that trusts the fixture trusts something checked: the `.sig` manifest and its config, the
// simple-signing payload and its ECDSA signature (one per layer when appended; a tampered one fails), the DSSE
// envelope of the `.att` attestation over its PAE, and the OCI 1.1 artifact with its `sha256-<hex>` fallback index.
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { type BuiltImage, buildImage, pushImage } from './fixtures.js';
import { cosignKeyPair, pushCosignSignature, pushOciReferrer, pushSbomAttestation } from './referrers.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { sha256Hex, skopeoInspectRaw } from './skopeo.js';

let reg: TestRegistry;
let image: BuiltImage;
const REPO = 'fixture/app';
const hexOf = (digest: string) => digest.slice('sha256:'.length);

interface Layer {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}
interface ImageManifest {
  mediaType: string;
  artifactType?: string;
  config: Layer;
  layers: Layer[];
  subject?: Layer;
}

before(async () => {
  reg = await startRegistry();
  image = await buildImage({ format: 'oci', seed: 'referrer-fixture' });
  await pushImage(reg, REPO, '1.0', image);
});

after(() => reg?.stop());

/** The manifest under `ref` as skopeo reads it, checked against `digest` when given. */
async function manifestAt(ref: string, digest?: string): Promise<unknown> {
  const raw = await skopeoInspectRaw(`${reg.host}/${REPO}${ref}`);
  if (digest) assert.equal(sha256Hex(raw), digest, ref);
  return JSON.parse(raw.toString());
}

async function blobAt(digest: string): Promise<Buffer> {
  const res = await request(`${reg.url}/v2/${REPO}/blobs/${digest}`);
  assert.equal(res.statusCode, 200, digest);
  const bytes = Buffer.from(await res.body.arrayBuffer());
  assert.equal(sha256Hex(bytes), digest);
  return bytes;
}

test('a cosign signature: the .sig manifest, its config, the payload and a signature that verifies', async () => {
  const signer = cosignKeyPair();
  const second = cosignKeyPair();
  const { tag, digest } = await pushCosignSignature(reg, REPO, image.digest, signer.privateKey);
  assert.equal(tag, `sha256-${hexOf(image.digest)}.sig`);
  const first = (await manifestAt(`:${tag}`, digest)) as ImageManifest;
  assert.equal(first.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(first.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  assert.equal(first.layers.length, 1);

  // cosign sign by a second key appends a layer to the same manifest.
  const appended = await pushCosignSignature(reg, REPO, image.digest, second.privateKey, { append: true });
  assert.equal(appended.tag, tag);
  const two = (await manifestAt(`:${tag}`, appended.digest)) as ImageManifest;
  assert.equal(two.layers.length, 2);
  assert.deepEqual(two.layers[0], first.layers[0]);
  // A third signer: the earlier signatures keep their places.
  const third = cosignKeyPair();
  const again = await pushCosignSignature(reg, REPO, image.digest, third.privateKey, { append: true });
  const m = (await manifestAt(`:${tag}`, again.digest)) as ImageManifest;
  assert.deepEqual(m.layers.slice(0, 2), two.layers);

  const config = JSON.parse((await blobAt(m.config.digest)).toString());
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: m.layers.map((l) => l.digest) });
  assert.equal(config.created, '0001-01-01T00:00:00Z');

  const pems = [signer.publicKeyPem, second.publicKeyPem, third.publicKeyPem];
  for (const [i, pem] of pems.entries()) {
    const layer = m.layers[i]!;
    assert.equal(layer.mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
    const payload = await blobAt(layer.digest);
    const doc = JSON.parse(payload.toString());
    assert.deepEqual(doc.critical, {
      identity: { 'docker-reference': `${reg.host}/${REPO}` },
      image: { 'docker-manifest-digest': image.digest },
      type: 'cosign container image signature',
    });
    assert.equal(doc.optional, null);
    const signature = Buffer.from(layer.annotations?.['dev.cosignproject.cosign/signature'] ?? '', 'base64');
    assert.equal(signature[0], 0x30, 'an ASN.1 DER SEQUENCE');
    assert.equal(verify('sha256', payload, createPublicKey(pem), signature), true, `signature ${i}`);
    const other = pems[(i + 1) % pems.length]!;
    assert.equal(verify('sha256', payload, createPublicKey(other), signature), false, 'only its own key');

    const bundle = JSON.parse(layer.annotations?.['dev.sigstore.cosign/bundle'] ?? '{}');
    assert.equal(typeof bundle.SignedEntryTimestamp, 'string');
    assert.equal(typeof bundle.Payload.integratedTime, 'number');
    const entry = JSON.parse(Buffer.from(bundle.Payload.body, 'base64').toString());
    assert.equal(entry.kind, 'hashedrekord');
    assert.equal(entry.spec.data.hash.value, hexOf(layer.digest));
  }
});

test('a tampered cosign signature does not verify over the payload it stores', async () => {
  const signer = cosignKeyPair();
  const other = await buildImage({ format: 'oci', seed: 'referrer-fixture-tampered' });
  await pushImage(reg, REPO, 'tampered', other);
  const { tag } = await pushCosignSignature(reg, REPO, other.digest, signer.privateKey, { tamper: true });
  const m = (await manifestAt(`:${tag}`)) as ImageManifest;
  const layer = m.layers[0]!;
  const signature = Buffer.from(layer.annotations?.['dev.cosignproject.cosign/signature'] ?? '', 'base64');
  const payload = await blobAt(layer.digest);
  assert.equal(JSON.parse(payload.toString()).critical.image['docker-manifest-digest'], other.digest);
  assert.equal(verify('sha256', payload, createPublicKey(signer.publicKeyPem), signature), false);
});

test('an SBOM attestation: a DSSE envelope over an in-toto statement, signed over the PAE', async () => {
  const signer = cosignKeyPair();
  const { tag, digest } = await pushSbomAttestation(reg, REPO, image.digest, signer.privateKey);
  assert.equal(tag, `sha256-${hexOf(image.digest)}.att`);
  const m = (await manifestAt(`:${tag}`, digest)) as ImageManifest;
  const layer = m.layers[0]!;
  assert.equal(layer.mediaType, 'application/vnd.dsse.envelope.v1+json');
  assert.deepEqual(layer.annotations, {
    'dev.cosignproject.cosign/signature': '',
    predicateType: 'https://spdx.dev/Document',
  });
  const envelope = JSON.parse((await blobAt(layer.digest)).toString());
  assert.equal(envelope.payloadType, 'application/vnd.in-toto+json');
  const statement = Buffer.from(envelope.payload, 'base64');
  const doc = JSON.parse(statement.toString());
  assert.equal(doc._type, 'https://in-toto.io/Statement/v0.1');
  assert.equal(doc.predicateType, 'https://spdx.dev/Document');
  assert.deepEqual(doc.subject, [{ name: REPO, digest: { sha256: hexOf(image.digest) } }]);
  assert.equal(doc.predicate.spdxVersion, 'SPDX-2.3');
  // DSSE v1 PAE: "DSSEv1" SP len(type) SP type SP len(body) SP body (https://github.com/secure-systems-lab/dsse).
  const type = envelope.payloadType as string;
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${statement.length} `), statement]);
  const sig = Buffer.from(envelope.signatures[0].sig, 'base64');
  assert.equal(verify('sha256', pae, createPublicKey(signer.publicKeyPem), sig), true);
});

test('OCI 1.1 referrers: pushed by digest with a subject, listed in the sha256-<hex> fallback index', async () => {
  const subject = { mediaType: image.mediaType, digest: image.digest, size: image.manifest.length };
  const sbom = Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'fixture' }));
  const first = await pushOciReferrer(reg, REPO, subject, {
    artifactType: 'application/spdx+json',
    blob: sbom,
    blobMediaType: 'application/spdx+json',
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  });
  const m = (await manifestAt(`@${first.descriptor.digest}`, first.descriptor.digest)) as ImageManifest;
  assert.equal(m.artifactType, 'application/spdx+json');
  assert.deepEqual(m.subject, { mediaType: subject.mediaType, size: subject.size, digest: subject.digest });
  assert.deepEqual(m.config, {
    mediaType: 'application/vnd.oci.empty.v1+json',
    size: 2,
    digest: sha256Hex('{}'),
  });
  assert.deepEqual(await blobAt(m.layers[0]!.digest), sbom);

  const second = await pushOciReferrer(reg, REPO, subject, {
    artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    blob: Buffer.from('{}'),
    blobMediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
  });
  const index = (await manifestAt(`:sha256-${hexOf(image.digest)}`, second.indexDigest)) as {
    mediaType: string;
    manifests: unknown[];
  };
  assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.deepEqual(index.manifests, [first.descriptor, second.descriptor]);
  assert.equal(first.descriptor.annotations?.['org.opencontainers.image.created'], '2026-01-01T00:00:00Z');
  assert.equal(
    first.descriptor.size,
    (await skopeoInspectRaw(`${reg.host}/${REPO}@${first.descriptor.digest}`)).length,
  );
});
