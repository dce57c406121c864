// Signature verification of an image (issue 15): its cosign signatures found in the registry it is in, checked
// against the project's trusted signers (or the named ones): public keys, and keyless identities checked against
// the trusted root the project gave with them (signing/keyless.ts). The result is recorded per digest and signer
// beside the scan results (image rows show `signature_verified`). The replication gate `signed_by`, the API's
// `POST /images/verify` and the trusted-key routes all come through here.
import type { AppContext } from '../app/context.js';
import { RegattaError } from '../errors.js';
import type { RegistryClient } from '../oci/client.js';
import { findSignatures, type KeyVerdict, type TrustedSigner, verifySignatures } from '../signing/cosign.js';
import { parseIdentity, trustIdentity } from '../signing/keyless.js';
import { parsePublicKey } from '../signing/keys.js';
import type { TrustedKeyRow } from '../store/trusted-keys.js';

export type { KeyVerdict } from '../signing/cosign.js';

export interface ImageToVerify {
  projectId: string;
  /** The registry the signatures are looked for in (the image's). */
  registryId: string;
  /** The full repository path in that registry (`namespace/name`). */
  repository: string;
  /** The manifest digest that must be signed (an index's own digest for a multi-arch tag). */
  digest: string;
  /** Only these of the project's keys (a rule's `signed_by`); default every key it trusts. Unknown names are left out. */
  keyNames?: readonly string[];
  /** The registry's client when the caller holds one (a sync task); else the process's pooled connector is used. */
  client?: RegistryClient;
  signal?: AbortSignal;
}

/**
 * Each key's verdict on `img.digest`, in key-name order, recorded in signature_checks (one row per digest and key
 * fingerprint, the latest check wins). A key verifies when one cosign signature found for the digest (the `.sig`
 * tag or an OCI 1.1 signature referrer) names that digest and checks out with the key. No keys (the project trusts
 * none, or none of `keyNames`): [] without asking the registry.
 * @throws RegattaError REGISTRY_DELETED when the registry is gone; the registry's own error (NETWORK_ERROR,
 *   UNAUTHORIZED …) when it cannot be read: never a verdict of "unsigned" for a registry that did not answer
 */
export async function verifyImage(ctx: AppContext, img: ImageToVerify): Promise<KeyVerdict[]> {
  const keys = await trustedKeys(ctx, img.projectId, img.keyNames);
  if (keys.length === 0) return [];
  const found = img.client
    ? await findSignatures(img.client, img.repository, img.digest, img.signal)
    : await withClient(ctx, img.registryId, (c) => findSignatures(c, img.repository, img.digest, img.signal));
  const verdicts = verifySignatures(found, img.digest, keys);
  await ctx.signatureChecks.record(img.digest, img, verdicts);
  return verdicts;
}

/** What a project may trust: a public key (PEM) or a keyless identity with the trusted root that vouches for it. */
export type SignerInput =
  | { publicKeyPem: string }
  | { keyless: { issuer: string; subject: string; trustedRoot: unknown } };

/**
 * Trusts a signer under `name` in the project: a public key stored as canonical PEM, or a keyless identity with
 * its trusted root as canonical JSON; each with its fingerprint.
 * @throws RegattaError INVALID_PARAMETER for a PEM that is not one supported public key or an unusable trusted
 *   root, CONFLICT for a name taken
 */
export async function addTrustedKey(
  ctx: AppContext,
  projectId: string,
  name: string,
  signer: SignerInput,
): Promise<TrustedKeyRow> {
  if ('keyless' in signer) return ctx.trustedKeys.add(projectId, { name, ...parseIdentity(signer.keyless) });
  const parsed = parsePublicKey(signer.publicKeyPem);
  return ctx.trustedKeys.add(projectId, { name, pem: parsed.pem, fingerprint: parsed.fingerprint });
}

/** The project's signers (only those named when `names` is given), made ready for verification. */
async function trustedKeys(ctx: AppContext, projectId: string, names?: readonly string[]): Promise<TrustedSigner[]> {
  const rows = await ctx.trustedKeys.list(projectId, names);
  return rows.map((r) => {
    if (r.public_key_pem !== null) {
      const { key, fingerprint } = parsePublicKey(r.public_key_pem);
      return { name: r.name, key, fingerprint };
    }
    // The database's check guarantees a keyless row has all three.
    const identity = { issuer: r.issuer ?? '', subject: r.subject ?? '', trustedRoot: r.trusted_root ?? '' };
    return trustIdentity(r.name, { ...identity, fingerprint: r.fingerprint });
  });
}

/** Runs `use` with the process's pooled client of the registry (kept-alive connections and tokens). */
async function withClient<T>(ctx: AppContext, registryId: string, use: (c: RegistryClient) => Promise<T>): Promise<T> {
  const lease = await ctx.connectors.acquire(registryId);
  if (!lease) throw new RegattaError('REGISTRY_DELETED', 'the registry was removed');
  try {
    return await use(lease.connector.client);
  } finally {
    lease.release();
  }
}
