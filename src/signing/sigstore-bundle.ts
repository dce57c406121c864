// Image signatures in cosign's newer format (cosign 3's default, `--new-bundle-format`): a sigstore bundle
// (https://github.com/sigstore/protobuf-specs/blob/main/protos/sigstore_bundle.proto) stored as an OCI 1.1
// referrer of the image, artifactType `application/vnd.dev.sigstore.bundle.v0.3+json`, the bundle JSON its one
// layer (https://github.com/sigstore/cosign/blob/main/specs/BUNDLE_SPEC.md). The signature is a DSSE envelope
// (https://github.com/secure-systems-lab/dsse/blob/master/protocol.md) over an in-toto Statement whose subject is
// the image's digest and whose predicateType is cosign's signature type; other predicates (SBOMs, provenance) are
// attestations, not signatures, and are left out here. A key checks the signature over the envelope's
// pre-authentication encoding; a keyless identity checks the whole bundle with @sigstore/verify (keyless.ts).
import type { FoundSignature } from './cosign.js';

export const BUNDLE_ARTIFACT_TYPES: readonly string[] = [
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
];
const IN_TOTO = 'application/vnd.in-toto+json';
/** The predicate type of cosign's image signatures in a statement. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
/** A bundle is a few KiB (a certificate, a log entry, a small statement); more is not one. */
export const BUNDLE_LIMIT = 256 * 1024;

interface Envelope {
  payload?: unknown;
  payloadType?: unknown;
  signatures?: { sig?: unknown }[];
}

interface Statement {
  predicateType?: unknown;
  subject?: { digest?: Record<string, unknown> }[];
}

/**
 * The image signature a bundle holds, or undefined when it holds none: not JSON, not a DSSE envelope of an in-toto
 * statement with cosign's signature predicate, not exactly one signature. `subjects` are the statement's sha256
 * subjects; what is signed is the envelope's pre-authentication encoding.
 */
export function bundleSignature(bytes: Buffer, manifest: string): FoundSignature | undefined {
  let bundle: { dsseEnvelope?: Envelope };
  try {
    bundle = JSON.parse(bytes.toString('utf8')) as { dsseEnvelope?: Envelope };
  } catch {
    return undefined;
  }
  const env = bundle?.dsseEnvelope;
  if (!env || env.payloadType !== IN_TOTO || typeof env.payload !== 'string') return undefined;
  const sig = env.signatures?.length === 1 ? env.signatures[0]?.sig : undefined;
  if (typeof sig !== 'string') return undefined;
  const payload = Buffer.from(env.payload, 'base64');
  const subjects = statementSubjects(payload);
  if (!subjects) return undefined;
  return {
    payload: preAuthEncoding(IN_TOTO, payload),
    signature: Buffer.from(sig, 'base64'),
    manifest,
    subjects,
    bundle,
  };
}

/** The sha256 subjects of a statement of cosign's signature predicate; undefined for anything else. */
function statementSubjects(payload: Buffer): string[] | undefined {
  let statement: Statement;
  try {
    statement = JSON.parse(payload.toString('utf8')) as Statement;
  } catch {
    return undefined;
  }
  if (statement?.predicateType !== COSIGN_SIGN_PREDICATE || !Array.isArray(statement.subject)) return undefined;
  return statement.subject
    .map((s) => s?.digest?.sha256)
    .filter((hex): hex is string => typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex))
    .map((hex) => `sha256:${hex}`);
}

/** DSSE v1's PAE: what the envelope's signature is over. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}
