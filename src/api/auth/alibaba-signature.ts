// Server-side verification of the two Alibaba Cloud request signatures, so the official SDKs (pop-core's RPC
// client, @alicloud/openapi-client and the generated cr20181201 client built on it) can call Regatta's ACR facade
// as they call ACR. Framework-independent: the caller hands over the merged request parameters (query + form),
// the method, the request target as received, Node's lower-cased headers and the raw body.
//
// RPC v2 (HMAC-SHA1, pop-core; openapi-client with signatureAlgorithm 'v2'). Docs: "Request signatures (RPC)".
//   Canonicalized = every parameter but Signature, sorted by key, `percentEncode(k)=percentEncode(v)` joined by `&`
//   StringToSign  = METHOD & percentEncode("/") & percentEncode(Canonicalized)
//   Signature     = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
// ACS3-HMAC-SHA256 (V3, openapi-client's default). Docs: "Request syntax and signature method V3".
//   Authorization: ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<a;b>,Signature=<hex>
//   CanonicalRequest = METHOD \n URI \n Query \n Headers \n SignedHeaders \n x-acs-content-sha256
//     Query   decoded pairs sorted by key, `percentEncode(k)=percentEncode(v)` joined by `&`
//     Headers `name:trimmed value\n` per signed header (so a blank line precedes SignedHeaders)
//   StringToSign = "ACS3-HMAC-SHA256" \n hex(SHA-256(CanonicalRequest)); Signature = hex(HMAC-SHA256(secret, it))
// Policy on top of both: a timestamp within ±15 min, a nonce never seen before (checked by the caller after the
// signature, so a forged request cannot burn a real client's nonce), and for ACS3 host, date, nonce and body hash
// signed, and the body hash equal to the body's.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { percentDecode, percentEncode } from './percent-encoding.js';
import { SignatureError, UNKNOWN_KEY_SECRET } from './signature-error.js';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
// The action and version must be signed too, as Alibaba's gateway requires: unsigned, they could be changed on the
// way and turn a signed ListRepoSyncTask into a DeleteRepoSyncRule.
const ACS3_REQUIRED_HEADERS = [
  'host',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
] as const;

export interface AlibabaSignedRequest {
  method: string;
  /** Path and query exactly as received (Node's `req.url`). */
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
  /** Query and form parameters, merged. */
  params: ReadonlyMap<string, string>;
}

export interface AlibabaSignatureResult {
  style: 'rpc' | 'acs3';
  accessKey: string;
  nonce: string;
  signedAt: number;
}

export type SecretLookup = (accessKey: string) => Promise<string | undefined>;

/** True when the request carries an Alibaba signature of either style. */
export function hasAlibabaSignature(req: Pick<AlibabaSignedRequest, 'headers' | 'params'>): boolean {
  const auth = req.headers.authorization;
  return (typeof auth === 'string' && auth.startsWith(ACS3_ALGORITHM)) || req.params.has('Signature');
}

export async function verifyAlibabaSignature(
  req: AlibabaSignedRequest,
  secretOf: SecretLookup,
  opts: { now?: number; maxSkewMs?: number } = {},
): Promise<AlibabaSignatureResult> {
  const auth = req.headers.authorization;
  const result =
    typeof auth === 'string' && auth.startsWith(ACS3_ALGORITHM)
      ? await verifyAcs3(req, auth, secretOf)
      : await verifyRpc(req, secretOf);
  const now = opts.now ?? Date.now();
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(now - result.signedAt) > maxSkewMs) {
    throw new SignatureError(
      'SIGNATURE_EXPIRED',
      `the request time is more than ${Math.round(maxSkewMs / 1000)} s away from the server time ${iso(now)}`,
    );
  }
  return result;
}

async function verifyRpc(req: AlibabaSignedRequest, secretOf: SecretLookup): Promise<AlibabaSignatureResult> {
  const p = req.params;
  const signature = p.get('Signature');
  if (!signature) throw new SignatureError('SIGNATURE_MISSING', 'no Signature parameter and no ACS3 Authorization');
  for (const name of ['AccessKeyId', 'SignatureNonce', 'Timestamp', 'SignatureMethod', 'SignatureVersion']) {
    if (!p.get(name)) throw new SignatureError('SIGNATURE_MALFORMED', `the signed request has no ${name}`);
  }
  if (p.get('SignatureMethod') !== 'HMAC-SHA1' || p.get('SignatureVersion') !== '1.0') {
    throw new SignatureError(
      'SIGNATURE_MALFORMED',
      'only SignatureMethod HMAC-SHA1 with SignatureVersion 1.0 is served',
    );
  }
  const signedAt = parseIsoTimestamp(p.get('Timestamp')!, 'Timestamp');
  const accessKey = p.get('AccessKeyId')!;
  const secret = (await secretOf(accessKey)) ?? UNKNOWN_KEY_SECRET;
  const stringToSign = rpcStringToSign(req.method, p);
  const expected = createHmac('sha1', `${secret}&`).update(stringToSign).digest();
  if (!sameBytes(expected, Buffer.from(signature, 'base64'))) {
    throw new SignatureError('SIGNATURE_MISMATCH', 'the signature does not match the request', {
      canonicalRequest: '',
      stringToSign,
    });
  }
  return { style: 'rpc', accessKey, nonce: p.get('SignatureNonce')!, signedAt };
}

/** The RPC StringToSign over every parameter but Signature. */
export function rpcStringToSign(method: string, params: ReadonlyMap<string, string>): string {
  const canonical = [...params]
    .filter(([k]) => k !== 'Signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

interface Acs3Authorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex` (spaces after commas tolerated). */
export function parseAcs3Authorization(header: string): Acs3Authorization | undefined {
  const rest = header.slice(ACS3_ALGORITHM.length).trim();
  const fields = new Map<string, string>();
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKey = fields.get('Credential');
  const signed = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKey || !signed || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return undefined;
  return { accessKey, signedHeaders: signed.split(';').map((h) => h.toLowerCase()), signature };
}

async function verifyAcs3(
  req: AlibabaSignedRequest,
  header: string,
  secretOf: SecretLookup,
): Promise<AlibabaSignatureResult> {
  const auth = parseAcs3Authorization(header);
  if (!auth) throw new SignatureError('SIGNATURE_MALFORMED', 'the ACS3 Authorization header cannot be parsed');
  const missing = ACS3_REQUIRED_HEADERS.filter((h) => !auth.signedHeaders.includes(h));
  if (missing.length) {
    throw new SignatureError('SIGNATURE_HEADERS_MISSING', `headers not signed: ${missing.join(', ')}`);
  }
  const values = new Map<string, string>();
  for (const name of auth.signedHeaders) {
    const v = req.headers[name];
    if (v === undefined) throw new SignatureError('SIGNATURE_MALFORMED', `signed header ${name} is not in the request`);
    values.set(name, (Array.isArray(v) ? v.join(',') : v).trim());
  }
  const payloadHash = values.get('x-acs-content-sha256')!;
  if (payloadHash !== sha256Hex(req.body ?? Buffer.alloc(0))) {
    throw new SignatureError('SIGNATURE_MISMATCH', 'x-acs-content-sha256 is not the SHA-256 of the body');
  }
  const signedAt = parseIsoTimestamp(values.get('x-acs-date')!, 'x-acs-date');
  const secret = (await secretOf(auth.accessKey)) ?? UNKNOWN_KEY_SECRET;
  const canonicalRequest = acs3CanonicalRequest(req.method, req.rawUrl, auth.signedHeaders, values, payloadHash);
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  const expected = createHmac('sha256', secret).update(stringToSign).digest();
  if (!sameBytes(expected, Buffer.from(auth.signature, 'hex'))) {
    throw new SignatureError('SIGNATURE_MISMATCH', 'the signature does not match the request', {
      canonicalRequest,
      stringToSign,
    });
  }
  return { style: 'acs3', accessKey: auth.accessKey, nonce: values.get('x-acs-signature-nonce')!, signedAt };
}

export function acs3CanonicalRequest(
  method: string,
  rawUrl: string,
  signedHeaders: readonly string[],
  values: ReadonlyMap<string, string>,
  payloadHash: string,
): string {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q + 1);
  const pairs = query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const k = percentDecode(eq < 0 ? pair : pair.slice(0, eq), true);
      const v = percentDecode(eq < 0 ? '' : pair.slice(eq + 1), true);
      return [percentEncode(k), percentEncode(v)] as const;
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const headers = [...signedHeaders]
    .sort()
    .map((h) => `${h}:${values.get(h)}\n`)
    .join('');
  return [
    method.toUpperCase(),
    path || '/',
    pairs.map(([k, v]) => `${k}=${v}`).join('&'),
    headers,
    [...signedHeaders].sort().join(';'),
    payloadHash,
  ].join('\n');
}

/** `2026-11-22T14:29:14Z` (milliseconds allowed); anything else is malformed. */
export function parseIsoTimestamp(value: string, what: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new SignatureError('SIGNATURE_MALFORMED', `${what} ${JSON.stringify(value)} is not UTC ISO 8601`);
  return ms;
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
