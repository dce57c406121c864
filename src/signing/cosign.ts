// cosign signatures of an image, found in its registry and checked against trusted public keys
// (https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md): each signature is a layer of a
// signature manifest, the simple-signing payload, annotated with the base64 signature over the payload's exact
// bytes; the payload names the signed manifest's digest (`critical.image.docker-manifest-digest`), which must be
// the image's. Found under cosign's tag `sha256-<hex>.sig` and among the OCI 1.1 referrers of cosign's artifact
// type (the referrers API, else the `sha256-<hex>` fallback index).
// Two kinds of signer are trusted: a public key (the signature checks out with it; the Rekor bundle is not required,
// as `cosign verify --key … --insecure-ignore-tlog`), and a keyless identity (certificate, log entry and identity
// checked against the user's trusted root: keyless.ts). A signature counts only when a signer the project trusts
// made it.
import { verify as verifySignature } from 'node:crypto';
import type { RegistryClient } from '../oci/client.js';
import { DigestMismatchError, InvalidResponseError, RegistryError, UnsupportedFormatError } from '../oci/errors.js';
import type { Manifest } from '../oci/manifest.js';
import { fallbackTag, referrersList } from '../oci/referrers.js';
import { readBounded } from '../oci/response.js';
import { checksKeyless, type KeylessMaterial, type TrustedIdentity } from './keyless.js';
import type { TrustedKey } from './keys.js';

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
  /** The certificate and log bundle of a keyless signature. */
  keyless?: KeylessMaterial;
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
 * schema) and of its OCI 1.1 referrers of cosign's signature artifact type. Each payload is read bounded
 * (64 KiB) and checked against its digest; at most 64 signatures. Nothing is verified here (verifySignatures).
 * @throws the registry's error when it cannot be read (unreachable, refused): never "no signature" for that
 */
export async function findSignatures(
  client: RegistryClient,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<FoundSignature[]> {
  const manifests: Manifest[] = [];
  const tagged = await optional(client.manifestGet(repository, `${fallbackTag(digest)}.sig`, signal));
  if (tagged) manifests.push(tagged);
  for (const d of await referrersList(client, repository, digest, SIG_ARTIFACT_TYPE, signal)) {
    if (manifests.length >= MAX_SIGNATURES) break;
    if (manifests.some((m) => m.digest === d.digest)) continue;
    const m = await optional(client.manifestGet(repository, d.digest, signal));
    if (m) manifests.push(m);
  }
  const found: FoundSignature[] = [];
  for (const m of manifests) {
    if (m.kind !== 'image') continue;
    for (const layer of m.body.layers) {
      const annotation = layer.annotations?.[SIGNATURE_ANNOTATION];
      if (layer.mediaType !== SIMPLE_SIGNING || !annotation || layer.size > PAYLOAD_LIMIT) continue;
      if (found.length >= MAX_SIGNATURES) return found;
      // blobGet checks the bytes against the layer's digest and size: the payload is what the manifest names.
      const payload = await optional(
        readBounded(client.blobGet(repository, layer, { signal }), PAYLOAD_LIMIT, 'signature payload'),
      );
      if (!payload) continue;
      const certificate = layer.annotations?.[CERTIFICATE_ANNOTATION];
      const bundle = layer.annotations?.[BUNDLE_ANNOTATION];
      found.push({
        payload,
        signature: Buffer.from(annotation, 'base64'),
        manifest: m.digest,
        ...(certificate && bundle ? { keyless: { certificate, bundle } } : {}),
      });
    }
  }
  return found;
}

/** Each signer's verdict on `digest`: verified when one signature names the digest and is that signer's. */
export function verifySignatures(
  found: readonly FoundSignature[],
  digest: string,
  keys: readonly TrustedSigner[],
): KeyVerdict[] {
  const naming = found.filter((s) => signedDigest(s.payload) === digest);
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
