// Unit tests of the token issuer's scope parsing, grants and JWT shape (no registry needed).
import assert from 'node:assert/strict';
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { grant, parseScopes, signToken } from './token-jwt.js';

test('parseScopes reads repository and registry scopes, several per value', () => {
  assert.deepEqual(parseScopes(['repository:lib/app:pull,push', 'registry:catalog:* repository:a:pull']), [
    { type: 'repository', name: 'lib/app', actions: ['pull', 'push'] },
    { type: 'registry', name: 'catalog', actions: ['*'] },
    { type: 'repository', name: 'a', actions: ['pull'] },
  ]);
  assert.deepEqual(parseScopes(['nonsense', '']), []);
});

test('grant gives everything to users, pull or nothing to anonymous callers', () => {
  const requested = parseScopes(['repository:a:pull,push', 'registry:catalog:*']);
  assert.deepEqual(grant(requested, true, false), requested);
  assert.deepEqual(grant(requested, false, true), [{ type: 'repository', name: 'a', actions: ['pull'] }]);
  assert.deepEqual(grant(requested, false, false), []);
});

test('signToken makes an RS256 JWT with x5c and the Distribution claims', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const access = [{ type: 'repository', name: 'a', actions: ['pull'] }];
  const claims = { issuer: 'iss', service: 'svc', subject: 'me', access, ttlSeconds: 300 };
  const jwt = signToken(claims, privateKey, Buffer.from('cert'));
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString());
  assert.deepEqual(decode(header), { alg: 'RS256', typ: 'JWT', x5c: [Buffer.from('cert').toString('base64')] });
  const body = decode(payload);
  assert.deepEqual([body.iss, body.aud, body.sub, body.access], ['iss', 'svc', 'me', access]);
  assert.equal(body.exp - body.iat, 300);
  assert.ok(body.nbf <= body.iat && typeof body.jti === 'string');
  const ok = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, signature, 'base64url');
  assert.ok(ok);
});
