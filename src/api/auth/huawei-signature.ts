// Server-side verification of Huawei Cloud's `SDK-HMAC-SHA256` AK/SK request signatures, so the official Huawei
// SDKs (BasicCredentials / GlobalCredentials) can call Regatta as they call API Gateway. Framework-independent:
// the caller hands over the method, the request target exactly as received, Node's lower-cased headers and the
// raw body bytes.
//
// Recipe (docs: support.huaweicloud.com/devg-apisign; checked against @huaweicloud/huaweicloud-sdk-core 3.1.211):
//   Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>
//   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//     CanonicalURI     each path segment percent-decoded then re-encoded (RFC 3986 unreserved kept), ends in `/`
//     CanonicalQuery   pairs decoded, sorted by key then value, re-encoded, `k=v` joined by `&`
//     CanonicalHeaders `name:value\n` per signed header, value as received
//     PayloadHash      X-Sdk-Content-Sha256 when sent (`UNSIGNED-PAYLOAD`), else hex SHA-256 of the body
//   StringToSign = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(SHA-256(CanonicalRequest))
//   Signature    = hex(HMAC-SHA256(SK, StringToSign))
// Policy on top of the recipe: host and x-sdk-date must be signed, X-Sdk-Date within ±15 min (API Gateway's rule).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { percentDecode, percentEncode } from './percent-encoding.js';
import { SignatureError, UNKNOWN_KEY_SECRET } from './signature-error.js';

export { SignatureError, type SignatureErrorCode } from './signature-error.js';

export const HUAWEI_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
/** X-Sdk-Content-Sha256 value the SDK sends for non-JSON bodies: the body is then not covered by the signature. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
/** Headers that must be among SignedHeaders: without them a signature could be replayed to another host or forever. */
export const REQUIRED_SIGNED_HEADERS = ['host', 'x-sdk-date'] as const;

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (Node's `req.url`), e.g. `/v5/p1/image/registries?limit=10`. */
  rawUrl: string;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body bytes; undefined for no body. */
  body: Buffer | string | undefined;
}

export interface HuaweiSignatureResult {
  accessKey: string;
  /** X-Project-Id, when signed (BasicCredentials with a project id). */
  projectId?: string;
  /** X-Domain-Id, when signed (GlobalCredentials). */
  domainId?: string;
  /** X-Security-Token, when signed (temporary AK/SK): the caller must validate it, this module does not. */
  securityToken?: string;
  /** X-Sdk-Date. */
  signedAt: Date;
  /** True when the client sent `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`: the body is not authenticated. */
  unsignedPayload: boolean;
}

export interface HuaweiAuthorization {
  accessKey: string;
  /** Lower-case names, in the order the client listed them. */
  signedHeaders: string[];
  /** Lower-case hex. */
  signature: string;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const ACCESS_KEY = /^[\x21-\x7e]{1,256}$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

/** Parses `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`; undefined when it is not one. */
export function parseHuaweiAuthorization(header: string): HuaweiAuthorization | undefined {
  const match = /^SDK-HMAC-SHA256[ \t]+(\S.*)$/.exec(header.trim());
  if (!match) return undefined;
  const fields = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const field = part.trim();
    const eq = field.indexOf('=');
    if (eq <= 0) return undefined;
    const name = field.slice(0, eq);
    if ((name !== 'Access' && name !== 'SignedHeaders' && name !== 'Signature') || fields.has(name)) return undefined;
    fields.set(name, field.slice(eq + 1));
  }
  const accessKey = fields.get('Access');
  const signedHeaderList = fields.get('SignedHeaders');
  const signature = fields.get('Signature')?.toLowerCase();
  if (!accessKey || !ACCESS_KEY.test(accessKey) || !signedHeaderList || !signature || !SIGNATURE.test(signature)) {
    return undefined;
  }
  const signedHeaders = signedHeaderList.split(';').map((h) => h.toLowerCase());
  if (signedHeaders.some((h) => !HEADER_NAME.test(h)) || new Set(signedHeaders).size !== signedHeaders.length) {
    return undefined;
  }
  return { accessKey, signedHeaders, signature };
}

/** Splits a request target into raw path and raw query (without `?`); undefined when it is not origin-form. */
export function splitRequestTarget(rawUrl: string): { path: string; query: string } | undefined {
  // absolute-form (`http://host/path`, sent to proxies) carries the same path.
  let target = rawUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  if (target === '' || target.startsWith('?')) target = `/${target}`;
  if (!target.startsWith('/')) return undefined;
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/** Each `/`-separated segment percent-decoded and re-encoded; always ends in `/`. */
export function canonicalUri(path: string): string {
  const uri = path
    .split('/')
    .map((segment) => percentEncode(percentDecode(segment)))
    .join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** Pairs decoded (`+` is a space), sorted by key then value, re-encoded, joined `k=v&k=v`; '' for no query. */
export function canonicalQuery(query: string): string {
  const pairs: { key: string; value: string; encoded: string }[] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const key = percentDecode(rawKey, true);
    const value = percentDecode(rawValue, true);
    pairs.push({
      key: key.toString('utf8'),
      value: value.toString('utf8'),
      encoded: `${percentEncode(key)}=${percentEncode(value)}`,
    });
  }
  // Code-unit order of the decoded strings, as the SDKs sort their parameter names and repeated values.
  pairs.sort((a, b) => compare(a.key, b.key) || compare(a.value, b.value) || compare(a.encoded, b.encoded));
  return pairs.map((p) => p.encoded).join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `name:value\n` for every signed header, in SignedHeaders order, values as received. */
export function canonicalHeaders(signedHeaders: readonly string[], values: ReadonlyMap<string, string>): string {
  return signedHeaders.map((name) => `${name}:${values.get(name) ?? ''}\n`).join('');
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function huaweiCanonicalRequest(parts: {
  method: string;
  path: string;
  query: string;
  signedHeaders: readonly string[];
  headerValues: ReadonlyMap<string, string>;
  payloadHash: string;
}): string {
  return [
    parts.method,
    canonicalUri(parts.path),
    canonicalQuery(parts.query),
    canonicalHeaders(parts.signedHeaders, parts.headerValues),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

export function huaweiStringToSign(sdkDate: string, canonicalRequest: string): string {
  return `${HUAWEI_SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequest)}`;
}

/** `20261122T142909Z` → epoch ms; undefined when not that basic ISO 8601 UTC form or not a real date. */
export function parseSdkDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const t = new Date(ms);
  const same =
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s;
  return same ? ms : undefined;
}

/**
 * Verifies a Huawei `SDK-HMAC-SHA256` signed request. Resolves with the caller's identity; rejects with a
 * SignatureError (or whatever `lookupSecret` throws). `lookupSecret` resolves the SK of an AK, undefined if unknown.
 */
export async function verifyHuaweiSignature(
  req: SignedRequest,
  lookupSecret: (accessKey: string) => Promise<string | undefined>,
  opts: { now?: number; maxSkewMs?: number } = {},
): Promise<HuaweiSignatureResult> {
  const authorization = req.headers.authorization;
  if (authorization === undefined || authorization.length === 0) {
    throw new SignatureError('SIGNATURE_MISSING', 'the request has no Authorization header');
  }
  const auth = typeof authorization === 'string' ? parseHuaweiAuthorization(authorization) : undefined;
  if (!auth) {
    throw new SignatureError(
      'SIGNATURE_MALFORMED',
      'Authorization header is not "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<64 hex>"',
    );
  }
  for (const name of REQUIRED_SIGNED_HEADERS) {
    if (!auth.signedHeaders.includes(name)) {
      throw new SignatureError('SIGNATURE_HEADERS_MISSING', `${name} must be among SignedHeaders`);
    }
  }
  const values = new Map<string, string>();
  for (const name of auth.signedHeaders) {
    const value = headerValue(req.headers, name);
    if (value === undefined)
      throw new SignatureError('SIGNATURE_MALFORMED', `signed header ${name} is not in the request`);
    values.set(name, value);
  }

  const sdkDate = values.get('x-sdk-date')!;
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === undefined) {
    throw new SignatureError('SIGNATURE_MALFORMED', 'X-Sdk-Date is not a UTC time like 20260101T000000Z');
  }
  const now = opts.now ?? Date.now();
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(now - signedAt) > maxSkewMs) {
    throw new SignatureError(
      'SIGNATURE_EXPIRED',
      `X-Sdk-Date ${sdkDate} is more than ${Math.round(maxSkewMs / 1000)} s away from the server time ${formatSdkDate(now)}`,
    );
  }

  const target = splitRequestTarget(req.rawUrl);
  if (!target) throw new SignatureError('SIGNATURE_MALFORMED', 'the request target is not a path');

  const secret = (await lookupSecret(auth.accessKey)) ?? UNKNOWN_KEY_SECRET;

  const bodyHash = sha256Hex(req.body ?? '');
  const declared = headerValue(req.headers, 'x-sdk-content-sha256');
  let payloadHash = bodyHash;
  if (declared !== undefined) {
    if (declared !== UNSIGNED_PAYLOAD && declared.toLowerCase() !== bodyHash) {
      throw new SignatureError('SIGNATURE_MISMATCH', 'X-Sdk-Content-Sha256 does not match the body');
    }
    payloadHash = declared;
  }

  const canonicalRequest = huaweiCanonicalRequest({
    method: req.method,
    path: target.path,
    query: target.query,
    signedHeaders: auth.signedHeaders,
    headerValues: values,
    payloadHash,
  });
  const stringToSign = huaweiStringToSign(sdkDate, canonicalRequest);
  const expected = createHmac('sha256', secret).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(auth.signature, 'hex'))) {
    throw new SignatureError(
      'SIGNATURE_MISMATCH',
      `the signature does not match the request (access key ${auth.accessKey}); check the secret key and that the request was sent as signed`,
      { canonicalRequest, stringToSign },
    );
  }

  const result: HuaweiSignatureResult = {
    accessKey: auth.accessKey,
    signedAt: new Date(signedAt),
    unsignedPayload: payloadHash === UNSIGNED_PAYLOAD,
  };
  const projectId = values.get('x-project-id');
  if (projectId !== undefined) result.projectId = projectId;
  const domainId = values.get('x-domain-id');
  if (domainId !== undefined) result.domainId = domainId;
  const securityToken = values.get('x-security-token');
  if (securityToken !== undefined) result.securityToken = securityToken;
  return result;
}

/** epoch ms → `20261122T142909Z`. */
export function formatSdkDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}
