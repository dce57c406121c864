// Signature verification of an image (issue 15): its cosign signatures found in the registry it is in, checked
// against the project's trusted keys (or the named ones), and the result recorded per digest and key beside the
// scan results (image rows show `signature_verified`). The replication gate `signed_by`, the API's
// `POST /images/verify` and the trusted-key routes all come through here. Key-based only: no transparency log,
// no keyless identities (signing/cosign.ts says what that leaves out).
import type { AppContext } from '../app/context.js';
import { RegattaError } from '../errors.js';
import type { RegistryClient } from '../oci/client.js';
import { findSignatures, type KeyVerdict, verifySignatures } from '../signing/cosign.js';
import { parsePublicKey, type TrustedKey } from '../signing/keys.js';
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

/**
 * Trusts the public key in `pem` under `name` in the project, stored as canonical PEM with its fingerprint.
 * @throws RegattaError INVALID_PARAMETER for a PEM that is not one supported public key, CONFLICT for a name taken
 */
export async function addTrustedKey(
  ctx: AppContext,
  projectId: string,
  name: string,
  pem: string,
): Promise<TrustedKeyRow> {
  const parsed = parsePublicKey(pem);
  return ctx.trustedKeys.add(projectId, { name, pem: parsed.pem, fingerprint: parsed.fingerprint });
}

/** The project's keys (only those named when `names` is given), parsed for verification. */
async function trustedKeys(ctx: AppContext, projectId: string, names?: readonly string[]): Promise<TrustedKey[]> {
  const rows = await ctx.trustedKeys.list(projectId, names);
  return rows.map((r) => {
    const { key, fingerprint } = parsePublicKey(r.public_key_pem);
    return { name: r.name, key, fingerprint };
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
