// What a referrer tag holds, for an image row to say whether its image is signed and has an SBOM without asking
// the registry: cosign's tag suffix says it for `.sig` / `.att` / `.sbom`; an OCI fallback index (`sha256-<hex>`)
// says it through its entries' artifactType; an attestation whose predicate is an SBOM counts as an SBOM too.
// Media types: cosign (https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md), notation
// (https://github.com/notaryproject/specifications/blob/main/specs/signature-specification.md), the sigstore
// bundle, in-toto / DSSE, and the SPDX and CycloneDX registrations.
import { referrerTagSubject } from '../oci/referrers.js';
import type { ReferrerKind } from '../store/schema.js';

const SIGNATURE = [
  'application/vnd.dev.cosign.simplesigning.v1+json',
  'application/vnd.dev.cosign.artifact.sig.v1+json',
  'application/vnd.cncf.notary.signature',
];
const SBOM = [
  'application/spdx+json',
  'text/spdx',
  'application/vnd.cyclonedx+json',
  'application/vnd.cyclonedx+xml',
  'application/vnd.syft+json',
  'https://spdx.dev/Document',
  'https://cyclonedx.org/bom',
];
const ATTESTATION = ['application/vnd.in-toto+json', 'application/vnd.dsse.envelope.v1+json'];

/** The subject and kinds of a referrer tag, or undefined for a tag that is no referrer. */
export function referrerOf(
  tag: string,
  hints: readonly string[],
): { subject: string; kinds: ReferrerKind[] } | undefined {
  const ref = referrerTagSubject(tag);
  if (!ref) return undefined;
  const kinds = new Set<ReferrerKind>();
  if (ref.suffix === 'sig') kinds.add('signature');
  if (ref.suffix === 'sbom') kinds.add('sbom');
  if (ref.suffix === 'att') kinds.add('attestation');
  for (const hint of hints) {
    if (SIGNATURE.includes(hint) || hint.startsWith('application/vnd.dev.sigstore.bundle')) kinds.add('signature');
    else if (SBOM.some((t) => hint.startsWith(t))) kinds.add('sbom');
    else if (ATTESTATION.includes(hint)) kinds.add('attestation');
  }
  if (kinds.size === 0) kinds.add('other');
  return { subject: ref.subject, kinds: [...kinds].sort() };
}
