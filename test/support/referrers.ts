// Referrers built to their published formats with node:crypto alone (no cosign binary), pushed with raw
// Distribution requests (push.ts), independent of src/:
//   - a cosign signature as `cosign sign --key` stores it without the referrers API: an OCI image manifest tagged
//     `sha256-<hex>.sig`, one `application/vnd.dev.cosign.simplesigning.v1+json` layer per signature (the
//     simple-signing payload), each annotated with its base64 ECDSA-P256/SHA-256 signature
//     (`dev.cosignproject.cosign/signature`) and a bundle (`dev.sigstore.cosign/bundle`: self-made here, in
//     cosign's shape, from no real Rekor); https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
//   - an SBOM attestation as `cosign attest --type spdxjson` stores it: tag `sha256-<hex>.att`, a DSSE envelope
//     layer over an in-toto Statement whose predicate is an SPDX document;
//     https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
//   - an OCI 1.1 artifact with a `subject`, pushed by digest, and the referrers tag schema kept as the spec asks a
//     client to when the registry has no referrers API (Distribution 2.8):
//     https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-manifests-with-subject
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { request } from 'undici';
import { sha256Hex } from './digest.js';
import { type BlobRef, blobOf } from './oci-builder.js';
import { pushBlob, pushManifest } from './push.js';
import { authorization, type RegistryTarget } from './registry-auth.js';
import type { KeylessSigner, TestSigstore } from './sigstore.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const DSSE = 'application/vnd.dsse.envelope.v1+json';
const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', data: Buffer.from('{}') };

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** A layer to push with its annotations (without `data`: a blob the repository already has). */
type AnnotatedBlob = BlobRef & { annotations: Record<string, string> };

/** An ECDSA P-256 key pair, as `cosign generate-key-pair` makes (its public half as PEM). */
export function cosignKeyPair(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** ASN.1 DER ECDSA-SHA256 signature over `data`, base64 (cosign's signature annotation). */
function sign(key: KeyObject, data: Buffer): string {
  return createSign('sha256').update(data).sign(key).toString('base64');
}

const hexOf = (digest: string) => digest.slice('sha256:'.length);

/** cosign's simple-signing payload for `digest` at `reference`. */
export function simpleSigningPayload(reference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': reference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

/** A bundle in cosign's shape; not from a real transparency log (nothing here verifies one). */
function selfMadeBundle(payload: Buffer, signature: string): string {
  const body = {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: hexOf(sha256Hex(payload)) } },
      signature: { content: signature },
    },
  };
  return JSON.stringify({
    SignedEntryTimestamp: Buffer.from('self-made, not from Rekor').toString('base64'),
    Payload: {
      body: Buffer.from(JSON.stringify(body)).toString('base64'),
      integratedTime: 1733300000,
      logIndex: 1,
      logID: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
    },
  });
}

/** An image manifest (OCI) of `layers` with the config cosign writes, pushed under `tag`; returns its digest. */
async function pushArtifactImage(target: RegistryTarget, repo: string, tag: string, layers: AnnotatedBlob[]) {
  const auth = await authorization(target, repo, 'pull,push');
  const config = blobOf(
    Buffer.from(
      JSON.stringify({
        architecture: '',
        config: {},
        created: '0001-01-01T00:00:00Z',
        history: [{ created: '0001-01-01T00:00:00Z' }],
        os: '',
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  for (const blob of [config, ...layers]) await pushBlob(target, repo, blob, auth);
  const body = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: config.mediaType, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest, annotations: l.annotations })),
  };
  const manifest = Buffer.from(JSON.stringify(body));
  const digest = sha256Hex(manifest);
  await pushManifest(target, repo, tag, { mediaType: OCI_MANIFEST, manifest, digest }, auth);
  return { digest, manifest: body };
}

/** The manifest under `repo:tag`, or undefined. */
async function getManifest(
  target: RegistryTarget,
  repo: string,
  tag: string,
  accept: string,
): Promise<{ layers?: AnnotatedBlob[]; manifests?: Descriptor[] } | undefined> {
  const auth = await authorization(target, repo, 'pull');
  const res = await request(`${target.url}/v2/${repo}/manifests/${tag}`, {
    headers: { accept, ...(auth ? { authorization: auth } : {}) },
  });
  if (res.statusCode === 404) {
    await res.body.dump();
    return undefined;
  }
  if (res.statusCode !== 200) throw new Error(`GET ${repo}:${tag} → ${res.statusCode}: ${await res.body.text()}`);
  return (await res.body.json()) as { layers?: AnnotatedBlob[]; manifests?: Descriptor[] };
}

/** A keyless signer: its certificate signs, its sigstore logs the signature (at `integratedTime`, default now). */
export interface KeylessSigning {
  signer: KeylessSigner;
  sigstore: TestSigstore;
  integratedTime?: number;
}

/**
 * Signs `subjectDigest` of `repo` the way `cosign sign --key` does without the referrers API (or, given `keyless`,
 * as keyless `cosign sign` does: the certificate and the log's bundle as annotations); with `append`, the
 * signature joins those already in the `.sig` manifest (a second signer). `tamper` signs other bytes than the
 * payload it stores (a bad signature). Returns the `.sig` tag and its manifest digest.
 */
export async function pushCosignSignature(
  target: RegistryTarget & { host?: string },
  repo: string,
  subjectDigest: string,
  key: KeyObject | KeylessSigning,
  opts: { append?: boolean; tamper?: boolean } = {},
): Promise<{ tag: string; digest: string }> {
  const tag = `sha256-${hexOf(subjectDigest)}.sig`;
  const payload = simpleSigningPayload(`${target.host ?? new URL(target.url).host}/${repo}`, subjectDigest);
  const keyless = 'signer' in key ? key : undefined;
  const signed = opts.tamper ? Buffer.concat([payload, Buffer.from(' ')]) : payload;
  const signature = sign(keyless ? keyless.signer.privateKey : (key as KeyObject), signed);
  const annotations: Record<string, string> = keyless
    ? {
        'dev.cosignproject.cosign/signature': signature,
        'dev.sigstore.cosign/certificate': keyless.signer.certificatePem,
        'dev.sigstore.cosign/bundle': keyless.sigstore.logEntry(
          payload,
          signature,
          keyless.signer.certificatePem,
          keyless.integratedTime,
        ),
      }
    : {
        'dev.cosignproject.cosign/signature': signature,
        'dev.sigstore.cosign/bundle': selfMadeBundle(payload, signature),
      };
  const layer = { ...blobOf(payload, SIMPLE_SIGNING), annotations };
  // cosign appends: the signatures already there keep their order (their blobs are in the repository already).
  const before = opts.append ? ((await getManifest(target, repo, tag, OCI_MANIFEST))?.layers ?? []) : [];
  const { digest } = await pushArtifactImage(target, repo, tag, [...before, layer]);
  return { tag, digest };
}

/** The DSSE pre-authentication encoding signed over (DSSE v1). */
function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType);
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** An SPDX SBOM attestation of `subjectDigest` as `cosign attest --type spdxjson --key` pushes it (`.att`). */
export async function pushSbomAttestation(
  target: RegistryTarget,
  repo: string,
  subjectDigest: string,
  key: KeyObject,
): Promise<{ tag: string; digest: string }> {
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://spdx.dev/Document',
      subject: [{ name: repo, digest: { sha256: hexOf(subjectDigest) } }],
      predicate: {
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: repo,
        packages: [{ SPDXID: 'SPDXRef-Package-busybox', name: 'busybox', versionInfo: '1.36.1' }],
      },
    }),
  );
  const payloadType = 'application/vnd.in-toto+json';
  const envelope = {
    payloadType,
    payload: statement.toString('base64'),
    signatures: [{ keyid: '', sig: sign(key, pae(payloadType, statement)) }],
  };
  const layer = {
    ...blobOf(Buffer.from(JSON.stringify(envelope)), DSSE),
    annotations: { 'dev.cosignproject.cosign/signature': '', predicateType: 'https://spdx.dev/Document' },
  };
  const tag = `sha256-${hexOf(subjectDigest)}.att`;
  const { digest } = await pushArtifactImage(target, repo, tag, [layer]);
  return { tag, digest };
}

/**
 * An OCI 1.1 artifact referring to `subject`, pushed by digest; then the fallback tag `sha256-<hex>` (an index of
 * the subject's referrers) gains its descriptor. Returns the artifact's descriptor and the new index's digest.
 */
export async function pushOciReferrer(
  target: RegistryTarget,
  repo: string,
  subject: Descriptor,
  a: {
    artifactType: string;
    blob: Buffer;
    blobMediaType: string;
    /** The manifest's annotations (also copied into its descriptor in the fallback index, as the spec asks). */
    annotations?: Record<string, string>;
    /** The layer's annotations (cosign's signature annotation for an OCI 1.1 signature). */
    layerAnnotations?: Record<string, string>;
  },
): Promise<{ descriptor: Descriptor; indexDigest: string }> {
  const auth = await authorization(target, repo, 'pull,push');
  const empty = blobOf(EMPTY.data, EMPTY.mediaType);
  const layer = blobOf(a.blob, a.blobMediaType);
  for (const blob of [empty, layer]) await pushBlob(target, repo, blob, auth);
  const body = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: a.artifactType,
    config: { mediaType: empty.mediaType, size: empty.size, digest: empty.digest },
    layers: [
      {
        mediaType: layer.mediaType,
        size: layer.size,
        digest: layer.digest,
        ...(a.layerAnnotations ? { annotations: a.layerAnnotations } : {}),
      },
    ],
    subject: { mediaType: subject.mediaType, size: subject.size, digest: subject.digest },
    ...(a.annotations ? { annotations: a.annotations } : {}),
  };
  const manifest = Buffer.from(JSON.stringify(body));
  const digest = sha256Hex(manifest);
  await pushManifest(target, repo, digest, { mediaType: OCI_MANIFEST, manifest, digest }, auth);
  const descriptor: Descriptor = {
    mediaType: OCI_MANIFEST,
    digest,
    size: manifest.length,
    artifactType: a.artifactType,
    ...(a.annotations ? { annotations: a.annotations } : {}),
  };
  const tag = `sha256-${hexOf(subject.digest)}`;
  const existing = await getManifest(target, repo, tag, OCI_INDEX);
  const manifests = [...((existing?.manifests as Descriptor[]) ?? []).filter((d) => d.digest !== digest), descriptor];
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  const indexDigest = sha256Hex(index);
  await pushManifest(target, repo, tag, { mediaType: OCI_INDEX, manifest: index, digest: indexDigest }, auth);
  return { descriptor, indexDigest };
}

const SIGSTORE_BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const COSIGN_SIGN = 'https://sigstore.dev/cosign/sign/v1';

/**
 * A sigstore bundle v0.3 as cosign 3 writes for an image signature (https://github.com/sigstore/cosign/blob/main/
 * specs/BUNDLE_SPEC.md): a DSSE envelope of an in-toto Statement v1 naming `subjectDigest` with cosign's signature
 * predicate (or `predicateType`), signed by `key` (verification material: the key's hint, no log entry, as
 * `cosign sign --key … --tlog-upload=false`) or by a keyless signer (its certificate and its sigstore's log entry).
 * `tamper` signs other bytes than the envelope's.
 */
export function cosignBundle(
  subjectDigest: string,
  key: KeyObject | KeylessSigning,
  opts: { predicateType?: string; tamper?: boolean } = {},
): Buffer {
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'image', digest: { sha256: hexOf(subjectDigest) } }],
      predicateType: opts.predicateType ?? COSIGN_SIGN,
      predicate: {},
    }),
  );
  const type = 'application/vnd.in-toto+json';
  const signed = opts.tamper ? pae(type, Buffer.from('{}')) : pae(type, statement);
  const keyless = 'signer' in key ? key : undefined;
  const signature = sign(keyless ? keyless.signer.privateKey : (key as KeyObject), signed);
  const material = keyless
    ? {
        certificate: { rawBytes: pemBody(keyless.signer.certificatePem) },
        tlogEntries: [
          keyless.sigstore.dsseLogEntry({ payload: statement, signatureB64: signature }, keyless.signer.certificatePem),
        ],
      }
    : { publicKey: { hint: 'cosign.pub' }, tlogEntries: [] };
  return Buffer.from(
    JSON.stringify({
      mediaType: SIGSTORE_BUNDLE,
      verificationMaterial: { ...material, timestampVerificationData: {} },
      dsseEnvelope: { payload: statement.toString('base64'), payloadType: type, signatures: [{ sig: signature }] },
    }),
  );
}

/** A cosign 3 image signature: the bundle of cosignBundle() pushed as an OCI 1.1 referrer of `subject`. */
export function pushBundleSignature(
  target: RegistryTarget,
  repo: string,
  subject: Descriptor,
  key: KeyObject | KeylessSigning,
  opts: { predicateType?: string; tamper?: boolean } = {},
) {
  return pushOciReferrer(target, repo, subject, {
    artifactType: SIGSTORE_BUNDLE,
    blob: cosignBundle(subject.digest, key, opts),
    blobMediaType: SIGSTORE_BUNDLE,
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': opts.predicateType ?? COSIGN_SIGN,
    },
  });
}

/** The base64 body of a PEM certificate (its DER). */
const pemBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
