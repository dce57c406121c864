// Public keys a project trusts for signatures: PEM (SubjectPublicKeyInfo, as `cosign generate-key-pair` writes
// `cosign.pub`), parsed by node:crypto. Accepted: ECDSA P-256 / P-384 (cosign's default is P-256), Ed25519 and RSA
// of at least 2048 bits; anything else is refused with INVALID_PARAMETER rather than trusted half-understood.
// The fingerprint names a key in results and checks: `sha256:` + hex of its DER.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { RegattaError } from '../errors.js';

export interface TrustedKey {
  /** The name the project gave it (rules name keys by it). */
  name: string;
  key: KeyObject;
  fingerprint: string;
}

export interface ParsedKey {
  key: KeyObject;
  /** `sha256:` + hex of the DER (SubjectPublicKeyInfo). */
  fingerprint: string;
  /** The key as canonical PEM (SPKI, re-encoded): what is stored, whatever whitespace or text came around it. */
  pem: string;
}

/** PEM text is small: anything longer is not a public key. */
const PEM_LIMIT = 16 * 1024;

/**
 * The public key in `pem`, checked, and its fingerprint.
 * @throws RegattaError INVALID_PARAMETER for anything that is not one supported public key
 */
export function parsePublicKey(pem: string): ParsedKey {
  if (pem.length > PEM_LIMIT || !pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new RegattaError('INVALID_PARAMETER', 'public_key_pem: a PEM public key (-----BEGIN PUBLIC KEY-----)');
  }
  // node:crypto would derive a public key from a private one pasted first: never let a private key be stored.
  if (pem.includes('PRIVATE KEY')) {
    throw new RegattaError('INVALID_PARAMETER', 'public_key_pem: holds a private key; give the public key alone');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new RegattaError('INVALID_PARAMETER', 'public_key_pem: not a readable PEM public key');
  }
  const reason = unsupported(key);
  if (reason) throw new RegattaError('INVALID_PARAMETER', `public_key_pem: ${reason}`);
  return { key, fingerprint: fingerprintOf(key), pem: key.export({ type: 'spki', format: 'pem' }).toString() };
}

export function fingerprintOf(key: KeyObject): string {
  return `sha256:${createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

function unsupported(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      return details.namedCurve === 'prime256v1' || details.namedCurve === 'secp384r1'
        ? undefined
        : `the curve ${details.namedCurve} is not supported (P-256 or P-384)`;
    case 'ed25519':
      return undefined;
    case 'rsa':
      return (details.modulusLength ?? 0) >= 2048 ? undefined : 'an RSA key shorter than 2048 bits';
    default:
      return `a ${key.asymmetricKeyType} key is not supported (ECDSA, Ed25519 or RSA)`;
  }
}
