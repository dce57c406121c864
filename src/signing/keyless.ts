// Keyless cosign signatures (issue 15): made with a short-lived certificate (Fulcio) that binds an OIDC identity,
// and logged in a transparency log (Rekor). cosign keeps them in the signature layer's annotations
// (https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md#properties): the leaf certificate
// `dev.sigstore.cosign/certificate` (PEM) and the Rekor bundle `dev.sigstore.cosign/bundle`
// ({SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}). Here they become a sigstore bundle
// v0.1 (a message signature over the payload, the certificate, one log entry with its inclusion promise) checked
// by @sigstore/verify against trust material the user gives: a sigstore `trusted_root.json`, as
// `cosign verify --trusted-root` takes. Checked: the certificate chains to one of the root's certificate
// authorities and was valid when the log says the entry was made; the entry's promise is signed by one of the
// root's logs and its body names this signature and this payload's digest; an embedded SCT when the root lists
// CT logs; the signature over the payload. Then the identity: the certificate's subject (SAN) and OIDC issuer must
// equal the trusted ones exactly (not as patterns: @sigstore/verify's own SAN check reads its policy as a RegExp).
// A sigstore bundle referrer (cosign 3's format) is handed to @sigstore/verify as it is (its log entries' inclusion
// promises or proofs, RFC 3161 timestamps against the root's timestamp authorities). Not read: the classic format's
// RFC 3161 annotation (`dev.sigstore.cosign/rfc3161timestamp`).
import { createHash } from 'node:crypto';
import { BUNDLE_V01_MEDIA_TYPE, type Bundle, bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { RegattaError } from '../errors.js';

/** A keyless identity a project trusts: who (subject, issuer) and the trust material that vouches for them. */
export interface TrustedIdentity {
  name: string;
  fingerprint: string;
  issuer: string;
  subject: string;
  verifier: Verifier;
}

export interface ParsedIdentity {
  issuer: string;
  subject: string;
  /** The trusted root as canonical JSON (what is stored). */
  trustedRoot: string;
  /** `sha256:` + hex over issuer, subject and the trusted root: names the identity in checks. */
  fingerprint: string;
}

/** The parts of a keyless signature cosign stores beside the signature itself. */
export interface KeylessMaterial {
  /** The leaf certificate, PEM. */
  certificate: string;
  /** The Rekor bundle annotation, JSON. */
  bundle: string;
}

/** A trusted_root.json is a few KiB (the public-good instance's ~6 KiB); more is not one. */
const ROOT_LIMIT = 256 * 1024;
const TEXT_LIMIT = 1024;

/**
 * The identity checked: issuer and subject non-empty text, the trusted root a sigstore TrustedRoot with at least one
 * certificate authority and one transparency log whose certificates and keys can be read.
 * @throws RegattaError INVALID_PARAMETER naming what is wrong
 */
export function parseIdentity(input: { issuer: string; subject: string; trustedRoot: unknown }): ParsedIdentity {
  for (const [field, value] of [
    ['issuer', input.issuer],
    ['subject', input.subject],
  ] as const) {
    if (value.length === 0 || value.length > TEXT_LIMIT || hasControlCharacter(value)) {
      throw new RegattaError('INVALID_PARAMETER', `${field}: 1 to ${TEXT_LIMIT} characters, no control characters`);
    }
  }
  const root = readRoot(input.trustedRoot);
  const trustedRoot = JSON.stringify(TrustedRoot.toJSON(root));
  const fingerprint = `sha256:${createHash('sha256')
    .update(JSON.stringify([input.issuer, input.subject, trustedRoot]))
    .digest('hex')}`;
  return { issuer: input.issuer, subject: input.subject, trustedRoot, fingerprint };
}

const hasControlCharacter = (s: string) => [...s].some((c) => (c.codePointAt(0) ?? 0) < 0x20);

function readRoot(value: unknown): TrustedRoot {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  if (text.length > ROOT_LIMIT) throw invalidRoot(`larger than ${ROOT_LIMIT / 1024} KiB`);
  let root: TrustedRoot;
  try {
    const json: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
    root = TrustedRoot.fromJSON(json);
  } catch (err) {
    throw invalidRoot((err as Error).message);
  }
  if (root.certificateAuthorities.length === 0) throw invalidRoot('no certificateAuthorities');
  if (root.tlogs.length === 0) throw invalidRoot('no tlogs (keyless signatures are dated by their log entry)');
  try {
    toTrustMaterial(root);
  } catch (err) {
    throw invalidRoot(`a certificate or key cannot be read: ${(err as Error).message}`);
  }
  return root;
}

const invalidRoot = (why: string) =>
  new RegattaError('INVALID_PARAMETER', `trusted_root: not a usable sigstore trusted root (${why})`);

/** The verifier of a stored identity: one log entry and one timestamp (its own) always, an SCT when CT logs are listed. */
export function trustIdentity(name: string, p: ParsedIdentity): TrustedIdentity {
  const root = TrustedRoot.fromJSON(JSON.parse(p.trustedRoot));
  const verifier = new Verifier(toTrustMaterial(root), {
    tlogThreshold: 1,
    timestampThreshold: 1,
    ctlogThreshold: root.ctlogs.length > 0 ? 1 : 0,
  });
  return { name, fingerprint: p.fingerprint, issuer: p.issuer, subject: p.subject, verifier };
}

/**
 * Whether the keyless signature is `id`'s: a classic one (`signature` over `payload`, with its certificate and log
 * bundle annotations) or a sigstore bundle (its DSSE envelope, certificate and log entries; sigstore-bundle.ts).
 */
export function checksKeyless(
  id: TrustedIdentity,
  s: { payload: Buffer; signature: Buffer; keyless?: KeylessMaterial; bundle?: object },
): boolean {
  if (!s.keyless && !s.bundle) return false;
  try {
    const entity = s.bundle
      ? toSignedEntity(bundleFromJSON(s.bundle))
      : toSignedEntity(toBundle(s.payload, s.signature, s.keyless as KeylessMaterial), s.payload);
    const signer = id.verifier.verify(entity);
    return signer.identity?.subjectAlternativeName === id.subject && signer.identity.extensions?.issuer === id.issuer;
  } catch {
    // Malformed material, an untrusted chain or log, a bad signature: not this identity's signature.
    return false;
  }
}

interface RekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

/** cosign's annotations as a sigstore bundle v0.1 (the format whose log entries carry an inclusion promise). */
function toBundle(payload: Buffer, signature: Buffer, m: KeylessMaterial): Bundle {
  const rekor = JSON.parse(m.bundle) as RekorBundle;
  const body = JSON.parse(Buffer.from(rekor.Payload.body, 'base64').toString('utf8')) as {
    kind: string;
    apiVersion: string;
  };
  return bundleFromJSON({
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: {
      x509CertificateChain: { certificates: [{ rawBytes: pemToDer(m.certificate).toString('base64') }] },
      tlogEntries: [
        {
          logIndex: String(rekor.Payload.logIndex),
          logId: { keyId: Buffer.from(rekor.Payload.logID, 'hex').toString('base64') },
          kindVersion: { kind: body.kind, version: body.apiVersion },
          integratedTime: String(rekor.Payload.integratedTime),
          inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
          canonicalizedBody: rekor.Payload.body,
        },
      ],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') },
      signature: signature.toString('base64'),
    },
  });
}

/** The first certificate of a PEM text, as DER. */
function pemToDer(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!m?.[1]) throw new Error('no PEM certificate');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}
