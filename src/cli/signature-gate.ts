// `regatta sync --require-signature KEY…`: the CLI's replication gate. An image is copied only when one of its
// cosign signatures at the source names its digest and verifies with one of the keys (the server's `signed_by`
// gate, with keys from files); a dry run shows `blocked` for the others. Key-based only (signing/cosign.ts).
import type { SyncGate } from '../replication/run.js';
import { findSignatures, verifySignatures } from '../signing/cosign.js';
import type { TrustedKey } from '../signing/keys.js';

export function signatureGate(keys: TrustedKey[]): SyncGate {
  return async (src, digest, signal) => {
    const found = await findSignatures(src.client, src.repository, digest, signal);
    const verdicts = verifySignatures(found, digest, keys);
    if (verdicts.some((v) => v.verified)) return undefined;
    return `signed_by: no signature verified by ${keys.map((k) => k.name).join(', ')} (${verdicts[0]?.detail ?? 'no key'})`;
  };
}
