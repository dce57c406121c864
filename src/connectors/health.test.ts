import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidResponseError, NetworkError, RegistryError } from '../oci/errors.js';
import { healthFailure, isCatalogRefusal, isTlsError, rootCause } from './health.js';

const url = 'http://127.0.0.1:5000/v2/';
const registryError = (status: number, code?: string) =>
  new RegistryError({ status, method: 'GET', url, errors: code ? [{ code, message: 'no' }] : [] });
const networkError = (cause: unknown) => new NetworkError('GET', url, cause);
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

test('401 and 403 are AUTH_FAILED, saying whether credentials were set', () => {
  const refused = healthFailure(registryError(401, 'UNAUTHORIZED'), true);
  assert.equal(refused.reason, 'AUTH_FAILED');
  assert.match(
    refused.detail,
    /credentials were refused: GET http:\/\/127\.0\.0\.1:5000\/v2\/ answered UNAUTHORIZED \(HTTP 401\)/,
  );
  assert.match(healthFailure(registryError(403), false).detail, /requires credentials and none are set/);
  assert.equal(healthFailure(registryError(400, 'DENIED'), true).reason, 'AUTH_FAILED');
});

test('5xx is SERVER_ERROR; 404, 3xx and other answers are REQUEST_API_ERROR', () => {
  assert.equal(healthFailure(registryError(503), true).reason, 'SERVER_ERROR');
  const missing = healthFailure(registryError(404), true);
  assert.equal(missing.reason, 'REQUEST_API_ERROR');
  assert.match(missing.detail, /no registry API here/);
  assert.match(healthFailure(registryError(301), true).detail, /redirected.*check the protocol/);
  assert.equal(healthFailure(registryError(429), true).reason, 'REQUEST_API_ERROR');
  assert.equal(healthFailure(new InvalidResponseError('token response', 'no token'), true).reason, 'REQUEST_API_ERROR');
  assert.equal(healthFailure(new Error('boom'), true).reason, 'REQUEST_API_ERROR');
});

test('network faults are REQUEST_API_ERROR with a reason a person understands', () => {
  const cases: Array<[string, RegExp]> = [
    ['ECONNREFUSED', /connection refused/],
    ['ENOTFOUND', /not found \(DNS\)/],
    ['UND_ERR_CONNECT_TIMEOUT', /timed out/],
    ['UND_ERR_HEADERS_TIMEOUT', /no answer within the timeout/],
    ['ESOMETHING', /ESOMETHING/],
  ];
  for (const [code, detail] of cases) {
    const result = healthFailure(networkError(coded(code)), true);
    assert.equal(result.reason, 'REQUEST_API_ERROR', code);
    assert.match(result.detail, detail, code);
  }
});

test('certificate and handshake errors are TLS_ERROR, found through causes and AggregateErrors', () => {
  for (const code of [
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
  ]) {
    assert.equal(healthFailure(networkError(coded(code)), true).reason, 'TLS_ERROR', code);
  }
  const nested = new Error('fetch failed', { cause: new AggregateError([coded('SELF_SIGNED_CERT_IN_CHAIN')]) });
  assert.equal(healthFailure(networkError(nested), true).reason, 'TLS_ERROR');
  assert.ok(isTlsError('EPROTO', 'SSL routines:ssl3_get_record:wrong version number'));
  assert.equal(isTlsError('EPROTO', 'protocol error'), false);
  assert.deepEqual(rootCause('plain'), { message: 'plain' });
});

test('details are one line', () => {
  const result = healthFailure(networkError(new Error('line one\nline two')), true);
  assert.match(result.detail, /line one line two/);
  assert.doesNotMatch(result.detail, /\n/);
});

test('a catalog refusal is 401, 403, 404, 405 or UNSUPPORTED, not a server fault', () => {
  for (const status of [401, 403, 404, 405]) assert.ok(isCatalogRefusal(registryError(status)), String(status));
  assert.ok(isCatalogRefusal(registryError(400, 'UNSUPPORTED')));
  assert.equal(isCatalogRefusal(registryError(500)), false);
  assert.equal(isCatalogRefusal(networkError(coded('ECONNRESET'))), false);
});
