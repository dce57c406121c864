// Alibaba signature verification against signatures made by the Alibaba SDK's own signing code
// (@alicloud/openapi-util getRPCSignature and getAuthorization, which pop-core and openapi-client call), and the
// ways a request can be refused: wrong secret, altered parameter or body, unsigned required header, stale clock.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import OpenApiUtil from '@alicloud/openapi-util';
import {
  ACS3_ALGORITHM,
  type AlibabaSignedRequest,
  parseAcs3Authorization,
  verifyAlibabaSignature,
} from './alibaba-signature.js';
import { SignatureError } from './signature-error.js';

// A CommonJS module whose class is its `default` export.
const Util = OpenApiUtil.default;

const AK = 'LTAIFAKEAK00000000000000';
const SK = 'fake-secret-0123456789';
const NOW = Date.parse('2026-11-22T14:29:14Z');
const lookup = async (ak: string) => (ak === AK ? SK : undefined);

function rpcRequest(method: 'GET' | 'POST', extra: Record<string, string> = {}, secret = SK): AlibabaSignedRequest {
  const params: Record<string, string> = {
    Action: 'ListRepoSyncTask',
    Version: '2018-12-01',
    Format: 'JSON',
    AccessKeyId: AK,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: 'nonce-1',
    Timestamp: '2026-11-22T14:29:14Z',
    InstanceId: 'cri-kmsiwlxxdcva0000',
    RepoName: 'a name (with) *stars* ~and! \u00e9',
    ...extra,
  };
  params.Signature = Util.getRPCSignature(params, method, secret);
  return { method, rawUrl: '/', headers: {}, body: undefined, params: new Map(Object.entries(params)) };
}

async function refusal(req: AlibabaSignedRequest, now = NOW): Promise<string> {
  try {
    await verifyAlibabaSignature(req, lookup, { now });
  } catch (err) {
    assert.ok(err instanceof SignatureError, String(err));
    return err.code;
  }
  assert.fail('the request was accepted');
}

test('RPC HMAC-SHA1 signatures made by the SDK verify, for GET and POST', async () => {
  for (const method of ['GET', 'POST'] as const) {
    const result = await verifyAlibabaSignature(rpcRequest(method), lookup, { now: NOW });
    assert.deepEqual(result, { style: 'rpc', accessKey: AK, nonce: 'nonce-1', signedAt: NOW });
  }
});

test('RPC: a wrong secret, an altered parameter, another method or an unknown key is refused', async () => {
  assert.equal(await refusal(rpcRequest('GET', {}, 'other-secret')), 'SIGNATURE_MISMATCH');
  const altered = rpcRequest('GET');
  (altered.params as Map<string, string>).set('InstanceId', 'cri-other');
  assert.equal(await refusal(altered), 'SIGNATURE_MISMATCH');
  assert.equal(await refusal({ ...rpcRequest('GET'), method: 'POST' }), 'SIGNATURE_MISMATCH');
  assert.equal(await refusal(rpcRequest('GET', { AccessKeyId: 'LTAIUNKNOWN' })), 'SIGNATURE_MISMATCH');
});

test('RPC: a timestamp outside ±15 min, a malformed one, or another signature method is refused', async () => {
  assert.equal(await refusal(rpcRequest('GET'), NOW + 16 * 60_000), 'SIGNATURE_EXPIRED');
  assert.equal(await refusal(rpcRequest('GET'), NOW - 16 * 60_000), 'SIGNATURE_EXPIRED');
  assert.equal(await refusal(rpcRequest('GET', { Timestamp: '2026-11-22 14:29:14' })), 'SIGNATURE_MALFORMED');
  assert.equal(await refusal(rpcRequest('GET', { SignatureMethod: 'HMAC-MD5' })), 'SIGNATURE_MALFORMED');
  const unsigned = rpcRequest('GET');
  (unsigned.params as Map<string, string>).delete('SignatureNonce');
  assert.equal(await refusal(unsigned), 'SIGNATURE_MALFORMED');
});

/** An ACS3 request signed by the SDK's getAuthorization, as openapi-client sends an RPC call. */
function acs3Request(opts: { secret?: string; body?: string; dropHeader?: string } = {}): AlibabaSignedRequest {
  const body = opts.body ?? '';
  const query = { InstanceId: 'cri-kmsiwlxxdcva0000', PageNo: '1', RepoName: 'web/api v2' };
  const headers: Record<string, string> = {
    host: '127.0.0.1:18081',
    'x-acs-action': 'ListRepoSyncTask',
    'x-acs-version': '2018-12-01',
    'x-acs-date': '2026-11-22T14:29:14Z',
    'x-acs-signature-nonce': 'nonce-acs3',
    'x-acs-content-sha256': createHash('sha256').update(body).digest('hex'),
  };
  if (opts.dropHeader) delete headers[opts.dropHeader];
  const authorization = Util.getAuthorization(
    { pathname: '/', method: 'POST', query, headers } as never,
    ACS3_ALGORITHM,
    headers['x-acs-content-sha256'] ?? '',
    AK,
    opts.secret ?? SK,
  );
  const rawUrl = `/?${new URLSearchParams(query).toString()}`;
  return {
    method: 'POST',
    rawUrl,
    headers: { ...headers, authorization },
    body: Buffer.from(body),
    params: new Map(Object.entries(query)),
  };
}

test('ACS3-HMAC-SHA256 signatures made by the SDK verify', async () => {
  const result = await verifyAlibabaSignature(acs3Request(), lookup, { now: NOW });
  assert.deepEqual(result, { style: 'acs3', accessKey: AK, nonce: 'nonce-acs3', signedAt: NOW });
  const header = acs3Request().headers.authorization as string;
  assert.equal(parseAcs3Authorization(header)?.accessKey, AK);
});

test('ACS3: a wrong secret, a swapped body, a changed query or an unsigned nonce is refused', async () => {
  assert.equal(await refusal(acs3Request({ secret: 'other' })), 'SIGNATURE_MISMATCH');
  assert.equal(await refusal({ ...acs3Request(), body: Buffer.from('PageNo=2') }), 'SIGNATURE_MISMATCH');
  const changed = acs3Request();
  assert.equal(
    await refusal({ ...changed, rawUrl: changed.rawUrl.replace('PageNo=1', 'PageNo=2') }),
    'SIGNATURE_MISMATCH',
  );
  assert.equal(await refusal(acs3Request({ dropHeader: 'x-acs-signature-nonce' })), 'SIGNATURE_HEADERS_MISSING');
  // The action and version are signed, or the request is refused (a relabelled action must not pass).
  assert.equal(await refusal(acs3Request({ dropHeader: 'x-acs-action' })), 'SIGNATURE_HEADERS_MISSING');
  assert.equal(await refusal(acs3Request({ dropHeader: 'x-acs-version' })), 'SIGNATURE_HEADERS_MISSING');
  assert.equal(await refusal(acs3Request(), NOW + 20 * 60_000), 'SIGNATURE_EXPIRED');
});
