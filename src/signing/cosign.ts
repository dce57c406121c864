// cosign signatures of an image, found in its registry and checked against trusted signers. Two formats:
// - cosign's classic one (https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md): each signature is
//   a layer of a signature manifest, the simple-signing payload, annotated with the base64 signature over the
//   payload's exact bytes; the payload names the signed manifest's digest (`critical.image.docker-manifest-digest`),
//   which must be the image's. Found under cosign's tag `sha256-<hex>.sig` and among the OCI 1.1 referrers of
//   cosign's signature artifact type.
// - a sigstore bundle referrer (cosign 3's default): a DSSE-signed in-toto statement naming the digest
//   (sigstore-bundle.ts).
// Referrers come from the referrers API, else the `sha256-<hex>` fallback index.
// Two kinds of signer are trusted: a public key (the signature checks out with it; the Rekor bundle is not required,
// as `cosign verify --key … --insecure-ignore-tlog`), and a keyless identity (certificate, log entry and identity
// checked against the user's trusted root: keyless.ts). A signature counts only when a signer the project trusts
// made it.
import { verify as verifySignature } from 'node:crypto';
import type { RegistryClient } from '../oci/client.js';
import { DigestMismatchError, InvalidResponseError, RegistryError, UnsupportedFormatError } from '../oci/errors.js';
import type { Descriptor, Manifest } from '../oci/manifest.js';
import { fallbackTag, referrersList } from '../oci/referrers.js';
import { readBounded } from '../oci/response.js';
import { checksKeyless, type KeylessMaterial, type TrustedIdentity } from './keyless.js';
import type { TrustedKey } from './keys.js';
import { BUNDLE_ARTIFACT_TYPES, BUNDLE_LIMIT, bundleSignature } from './sigstore-bundle.js';

const SIG_ARTIFACT_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
const BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
/** A simple-signing payload is a few hundred bytes; more is not one. */
const PAYLOAD_LIMIT = 64 * 1024;
/** Signatures (and signature manifests) read per image: a hostile registry cannot make a check read without end. */
const MAX_SIGNATURES = 64;

export interface FoundSignature {
  /** The payload's exact bytes (what was signed). */
  payload: Buffer;
  /** The signature, decoded from its base64 annotation. */
  signature: Buffer;
  /** The manifest that carried it. */
  manifest: string;
  /** The digests it says it signs (a bundle's statement subjects); a classic signature's payload names its own. */
  subjects?: string[];
  /** The certificate and log bundle of a classic keyless signature. */
  keyless?: KeylessMaterial;
  /** The sigstore bundle (parsed JSON) of a bundle signature: what a keyless identity verifies. */
  bundle?: object;
}

/** Whom a project trusts to sign: a public key or a keyless identity. */
export type TrustedSigner = TrustedKey | TrustedIdentity;

export interface KeyVerdict {
  name: string;
  fingerprint: string;
  verified: boolean;
  /** Signatures of the image this key verified. */
  signatures: number;
  /** Why not, when not verified. */
  detail: string | null;
}

/**
 * The cosign signatures of `digest` in `repository`: the layers of its `<alg>-<hex>.sig` manifest (cosign's tag
 * schema) and of its OCI 1.1 referrers of cosign's signature artifact type, and its sigstore bundle referrers.
 * Each payload or bundle is read bounded and checked against its digest; at most 64 signatures. Nothing is
 * verified here (verifySignatures).
 * @throws the registry's error when it cannot be read (unreachable, refused): never "no signature" for that
 */
export async function findSignatures(
  client: RegistryClient,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<FoundSignature[]> {
  const classic: Manifest[] = [];
  const bundles: Manifest[] = [];
  const tagged = await optional(client.manifestGet(repository, `${fallbackTag(digest)}.sig`, signal));
  if (tagged) classic.push(tagged);
  for (const d of await referrersList(client, repository, digest, undefined, signal)) {
    const into =
      d.artifactType === SIG_ARTIFACT_TYPE
        ? classic
        : BUNDLE_ARTIFACT_TYPES.includes(d.artifactType ?? '')
          ? bundles
          : undefined;
    if (!into || classic.length + bundles.length >= MAX_SIGNATURES) continue;
    if (into.some((m) => m.digest === d.digest)) continue;
    const m = await optional(client.manifestGet(repository, d.digest, signal));
    if (m) into.push(m);
  }
  const found: FoundSignature[] = [];
  const read = (layer: Descriptor, limit: number, what: string) =>
    // blobGet checks the bytes against the layer's digest and size: what is read is what the manifest names.
    optional(readBounded(client.blobGet(repository, layer, { signal }), limit, what));
  for (const m of classic) {
    if (m.kind !== 'image') continue;
    for (const layer of m.body.layers) {
      const annotation = layer.annotations?.[SIGNATURE_ANNOTATION];
      if (layer.mediaType !== SIMPLE_SIGNING || !annotation || layer.size > PAYLOAD_LIMIT) continue;
      if (found.length >= MAX_SIGNATURES) return found;
      const payload = await read(layer, PAYLOAD_LIMIT, 'signature payload');
      if (payload) found.push(classicSignature(payload, annotation, layer, m.digest));
    }
  }
  for (const m of bundles) {
    const layer = m.kind === 'image' ? m.body.layers[0] : undefined;
    if (!layer || !BUNDLE_ARTIFACT_TYPES.includes(layer.mediaType) || layer.size > BUNDLE_LIMIT) continue;
    if (found.length >= MAX_SIGNATURES) return found;
    const bytes = await read(layer, BUNDLE_LIMIT, 'sigstore bundle');
    const signature = bytes && bundleSignature(bytes, m.digest);
    if (signature) found.push(signature);
  }
  return found;
}

/** A classic signature layer: its payload, its signature annotation, and a keyless signature's certificate and log bundle. */
function classicSignature(payload: Buffer, signature: string, layer: Descriptor, manifest: string): FoundSignature {
  const certificate = layer.annotations?.[CERTIFICATE_ANNOTATION];
  const bundle = layer.annotations?.[BUNDLE_ANNOTATION];
  return {
    payload,
    signature: Buffer.from(signature, 'base64'),
    manifest,
    ...(certificate && bundle ? { keyless: { certificate, bundle } } : {}),
  };
}

/** Each signer's verdict on `digest`: verified when one signature names the digest and is that signer's. */
export function verifySignatures(
  found: readonly FoundSignature[],
  digest: string,
  keys: readonly TrustedSigner[],
): KeyVerdict[] {
  const naming = found.filter((s) => (s.subjects ?? [signedDigest(s.payload)]).includes(digest));
  return keys.map((k) => {
    const signatures = naming.filter((s) => checks(s, k)).length;
    const detail =
      signatures > 0
        ? null
        : found.length === 0
          ? 'no signature found'
          : naming.length === 0
            ? `${count(found.length)} found, none of ${digest} (digest mismatch)`
            : `${count(naming.length)} of the digest, none made by this ${'verifier' in k ? 'identity' : 'key'} (bad signature or another signer)`;
    return { name: k.name, fingerprint: k.fingerprint, verified: signatures > 0, signatures, detail };
  });
}

const count = (n: number) => (n === 1 ? '1 signature' : `${n} signatures`);

/** The digest a simple-signing payload says was signed, or undefined for anything else. */
function signedDigest(payload: Buffer): string | undefined {
  try {
    const doc = JSON.parse(payload.toString('utf8')) as { critical?: { image?: Record<string, unknown> } };
    const digest = doc.critical?.image?.['docker-manifest-digest'];
    return typeof digest === 'string' ? digest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `s` is `k`'s signature over the payload's exact bytes. cosign signs with SHA-256 whatever the key (its
 * `--signature-digest-algorithm` defaults to sha256, also for an imported P-384 key), while sigstore's own default
 * for P-384 is SHA-384: both are accepted for P-384. RSA is PKCS#1 v1.5 (node's default for RSA keys); Ed25519
 * hashes itself.
 */
function checks(s: FoundSignature, k: TrustedSigner): boolean {
  if ('verifier' in k) return checksKeyless(k, s);
  const hashes =
    k.key.asymmetricKeyType === 'ed25519'
      ? [null]
      : k.key.asymmetricKeyDetails?.namedCurve === 'secp384r1'
        ? ['sha256', 'sha384']
        : ['sha256'];
  return hashes.some((hash) => {
    try {
      return verifySignature(hash, s.payload, k.key, s.signature);
    } catch {
      return false;
    }
  });
}

/**
 * What `get` reads, or undefined when it is missing or unusable (absent, not matching its digest, malformed, of a
 * format not read here): such a manifest or payload is no signature, and one bad referrer must not hide the
 * others. A registry that cannot be reached (or refuses us) fails the whole lookup: "unsigned" would be a lie.
 */
async function optional<T>(get: Promise<T>): Promise<T | undefined> {
  try {
    return await get;
  } catch (err) {
    if (err instanceof RegistryError && err.isNotFound) return undefined;
    if (err instanceof DigestMismatchError || err instanceof InvalidResponseError) return undefined;
    if (err instanceof UnsupportedFormatError) return undefined;
    throw err;
  }
}
