import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRetryable, NetworkError, RegistryError, redactUrl } from './errors.js';

test('RegistryError takes its code from the spec body, else from the status', () => {
  const e = new RegistryError({
    status: 404,
    method: 'GET',
    url: 'http://r/v2/a/manifests/x',
    errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
  });
  assert.equal(e.code, 'MANIFEST_UNKNOWN');
  assert.equal(e.message, 'GET http://r/v2/a/manifests/x: MANIFEST_UNKNOWN: manifest unknown');
  assert.ok(e.isNotFound && !e.retryable && !e.isAuth);
  assert.equal(new RegistryError({ status: 401, method: 'GET', url: 'u' }).code, 'UNAUTHORIZED');
  assert.equal(new RegistryError({ status: 502, method: 'GET', url: 'u' }).code, 'HTTP_502');
});

test('retryability follows spec codes and statuses', () => {
  const status = (s: number) => new RegistryError({ status: s, method: 'GET', url: 'u' });
  for (const s of [408, 429, 500, 502, 503, 504]) assert.ok(status(s).retryable, String(s));
  for (const s of [400, 401, 403, 404, 405, 416]) assert.ok(!status(s).retryable, String(s));
  const throttled = new RegistryError({ status: 403, method: 'GET', url: 'u', errors: [{ code: 'TOOMANYREQUESTS' }] });
  assert.ok(throttled.retryable);
  assert.ok(isRetryable(new NetworkError('GET', 'u', Object.assign(new Error('x'), { code: 'ECONNRESET' }))));
  assert.ok(!isRetryable(new Error('plain')));
});

test('URLs in errors lose credentials and signed query parameters', () => {
  assert.equal(
    redactUrl('https://u:p@h/x?X-Amz-Signature=abc&n=1'),
    'https://redacted@h/x?X-Amz-Signature=redacted&n=1',
  );
  assert.equal(redactUrl('not a url'), '(invalid url)');
});
