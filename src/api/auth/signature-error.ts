// The one error request-signature verification raises. Codes are stable: the API layer maps them to the wire
// envelope of the API being served (e.g. Huawei's 401 `{"error_code": "APIG.0301", ...}`), tests match on them.
// Messages say what was wrong with the request and never contain a secret key.
import { randomBytes } from 'node:crypto';
import { RegattaError } from '../../oci/errors.js';

export const SIGNATURE_ERROR_CODES = [
  /** No Authorization header at all. */
  'SIGNATURE_MISSING',
  /** Authorization header, signing date or request target that cannot be parsed. */
  'SIGNATURE_MALFORMED',
  /** The signature does not match the request: wrong secret, or the request was altered. */
  'SIGNATURE_MISMATCH',
  /** The signing date is outside the accepted clock-skew window. */
  'SIGNATURE_EXPIRED',
  /** A header the policy requires to be signed (host, the signing date) is not among the signed headers. */
  'SIGNATURE_HEADERS_MISSING',
  /** The nonce of a signed request was seen before: a replay. */
  'SIGNATURE_NONCE_USED',
] as const;

export type SignatureErrorCode = (typeof SIGNATURE_ERROR_CODES)[number];

/**
 * Signs for access keys Regatta does not know: the check then runs as for a known key and fails as a wrong
 * secret does (SIGNATURE_MISMATCH, in about the same time), so no answer tells whether an access key exists.
 */
export const UNKNOWN_KEY_SECRET = randomBytes(32).toString('hex');

/** The canonical forms Regatta computed, attached to SIGNATURE_MISMATCH for debug logs (never sent to clients). */
export interface SignatureDebug {
  canonicalRequest: string;
  stringToSign: string;
}

export class SignatureError extends RegattaError {
  declare readonly code: SignatureErrorCode;
  readonly debug?: SignatureDebug;
  constructor(code: SignatureErrorCode, message: string, debug?: SignatureDebug) {
    super(code, message);
    if (debug) this.debug = debug;
  }
}
