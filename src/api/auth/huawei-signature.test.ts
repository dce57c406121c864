// Huawei SDK-HMAC-SHA256 verification, checked against the real @huaweicloud/huaweicloud-sdk-core: its signer
// (AKSKSigner, with a fixed X-Sdk-Date) for canonicalisation edge cases, and its HTTP client talking to a loopback
// capture server for the requests it really sends.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'node:querystring';
import { after, before, describe, test } from 'node:test';
import { BasicCredentials, GlobalCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import { ClientRequestException } from '@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js';
import { ServerResponseException } from '@huaweicloud/huaweicloud-sdk-core/exception/ServerResponseException.js';
import type { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { silenceSdkLogger } from '../../../test/support/huawei-sdk.js';
import {
  canonicalQuery,
  canonicalUri,
  formatSdkDate,
  type HuaweiSignatureResult,
  parseHuaweiAuthorization,
  parseSdkDate,
  SignatureError,
  type SignedRequest,
  splitRequestTarget,
  verifyHuaweiSignature,
} from './huawei-signature.js';

const AK = 'HPUATESTAK0000000000';
const SK = 'testSecretKey0123456789abcdefghijklmnopqr';
const PROJECT = '0123456789abcdef0123456789abcdef';
const DATE = '20261122T142909Z';
const DATE_MS = Date.UTC(2026, 10, 22, 14, 29, 9);

const secrets = new Map([[AK, SK]]);
const lookup = async (ak: string) => secrets.get(ak);
const wrongSecret = async () => 'not-the-secret';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<SignatureError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SignatureError, `expected a SignatureError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.ok(!err.message.includes(SK), 'message must not contain the secret');
    assert.ok(!JSON.stringify(err.debug ?? {}).includes(SK), 'debug must not contain the secret');
    return err;
  }
  assert.fail(`expected ${code}, the request verified`);
}

/** Signs a request with the SDK's own signer at a fixed date; returns it as Node would receive it. */
function sdkSigned(init: {
  method: string;
  path: string;
  queryParams?: Record<string, string | number | string[]>;
  data?: unknown;
  headers?: Record<string, string>;
  date?: string;
}): SignedRequest {
  const credential = new BasicCredentials().withAk(AK).withSk(SK);
  const headers = { 'content-type': 'application/json', 'X-Sdk-Date': init.date ?? DATE, ...init.headers };
  const signed = AKSKSigner.sign(
    {
      method: init.method,
      endpoint: `http://127.0.0.1:8080${init.path}`,
      headers,
      queryParams: init.queryParams ?? {},
      data: init.data,
    },
    credential,
  ) as Record<string, string>;
  // The SDK's HTTP client serialises the query with node:querystring, as here.
  const query = init.queryParams ? stringify(init.queryParams) : '';
  return {
    method: init.method,
    rawUrl: query ? `${init.path}?${query}` : init.path,
    headers: Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), String(v)])),
    body: init.data === undefined ? undefined : JSON.stringify(init.data),
  };
}

function withHeaders(req: SignedRequest, headers: Record<string, string | undefined>): SignedRequest {
  return { ...req, headers: { ...req.headers, ...headers } };
}

function authorizationOf(req: SignedRequest): string {
  return String(req.headers.authorization);
}

describe('canonical URI', () => {
  const cases: [string, string][] = [
    ['/', '/'],
    ['', '/'],
    ['/v5/p1/image/registries', '/v5/p1/image/registries/'],
    ['/v5/p1/image/registries/', '/v5/p1/image/registries/'],
    ['/v2/manage/namespaces/ns/repos/a$b/sync_repo', '/v2/manage/namespaces/ns/repos/a%24b/sync_repo/'],
    ['/v2/repos/a%24b', '/v2/repos/a%24b/'],
    ['/a~b/a%7Eb/a%7eb', '/a~b/a~b/a~b/'],
    ['/a%20b/a+b', '/a%20b/a%2Bb/'],
    ['/%C3%BC%E6%97%A5', '/%C3%BC%E6%97%A5/'],
    ['/ü日', '/%C3%BC%E6%97%A5/'],
    ['/a%2Fb/c', '/a%2Fb/c/'],
    ["/a:b@c!*'()", '/a%3Ab%40c%21%2A%27%28%29/'],
    ['/bad%zz/100%', '/bad%25zz/100%25/'],
    ['/%ff%FE', '/%FF%FE/'],
    ['//double', '//double/'],
  ];
  for (const [path, expected] of cases) {
    test(`${JSON.stringify(path)} → ${expected}`, () => assert.equal(canonicalUri(path), expected));
  }
});

describe('canonical query', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['&&', ''],
    ['limit=10', 'limit=10'],
    ['offset=0&limit=10', 'limit=10&offset=0'],
    ['name=my%20harbor', 'name=my%20harbor'],
    ['name=my+harbor', 'name=my%20harbor'],
    ['v=a%2Bb', 'v=a%2Bb'],
    ['x=a$b', 'x=a%24b'],
    ['x=a%24b', 'x=a%24b'],
    ['t=a~b&u=a%7Eb', 't=a~b&u=a~b'],
    ['u=%C3%BC', 'u=%C3%BC'],
    ['u=ü', 'u=%C3%BC'],
    ['a=2&a=1&a=10&b=0', 'a=1&a=10&a=2&b=0'],
    ['b=1&a=z&a=y', 'a=y&a=z&b=1'],
    ['e=&flag', 'e=&flag='],
    ['a=b=c', 'a=b%3Dc'],
    ["r=!*'()/:", 'r=%21%2A%27%28%29%2F%3A'],
    ['k%20x=1&k-x=2', 'k%20x=1&k-x=2'],
    ['B=1&a=1&_=1', 'B=1&_=1&a=1'],
  ];
  for (const [query, expected] of cases) {
    test(`${JSON.stringify(query)} → ${JSON.stringify(expected)}`, () => assert.equal(canonicalQuery(query), expected));
  }

  test('request target split', () => {
    assert.deepEqual(splitRequestTarget('/a/b?x=1&y=2'), { path: '/a/b', query: 'x=1&y=2' });
    assert.deepEqual(splitRequestTarget('/a/b'), { path: '/a/b', query: '' });
    assert.deepEqual(splitRequestTarget('/a?'), { path: '/a', query: '' });
    assert.deepEqual(splitRequestTarget('/a?b?c'), { path: '/a', query: 'b?c' });
    assert.deepEqual(splitRequestTarget('http://127.0.0.1:1/a?q=1'), { path: '/a', query: 'q=1' });
    assert.equal(splitRequestTarget('*'), undefined);
  });
});

describe('X-Sdk-Date', () => {
  test('parses the basic UTC form and rejects others', () => {
    assert.equal(parseSdkDate(DATE), DATE_MS);
    assert.equal(formatSdkDate(DATE_MS), DATE);
    for (const bad of ['2026-11-22T14:29:09Z', '20261122T142909', '20261322T142909Z', '20260230T000000Z', '']) {
      assert.equal(parseSdkDate(bad), undefined, bad);
    }
  });
});

describe('Authorization header parsing', () => {
  const sig = 'bd2784f744f9c844678cf685096fecb1a36d46612ceb30a628ca8386e4a86394';
  test('the SDK form', () => {
    assert.deepEqual(
      parseHuaweiAuthorization(
        `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=${sig}`,
      ),
      { accessKey: AK, signedHeaders: ['content-type', 'host', 'x-project-id', 'x-sdk-date'], signature: sig },
    );
  });
  test('tolerates spacing, field order and upper-case hex', () => {
    assert.deepEqual(
      parseHuaweiAuthorization(
        `SDK-HMAC-SHA256  Signature=${sig.toUpperCase()},SignedHeaders=Host;X-Sdk-Date,Access=a`,
      ),
      { accessKey: 'a', signedHeaders: ['host', 'x-sdk-date'], signature: sig },
    );
  });
  const malformed = [
    '',
    'SDK-HMAC-SHA256',
    'SDK-HMAC-SHA256 ',
    `Bearer ${sig}`,
    `sdk-hmac-sha256 Access=a, SignedHeaders=host;x-sdk-date, Signature=${sig}`,
    `V11-HMAC-SHA256 Access=a, SignedHeaders=host;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=a, SignedHeaders=host;x-sdk-date`,
    `SDK-HMAC-SHA256 SignedHeaders=host;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=, SignedHeaders=host;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=a b, SignedHeaders=host;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=a, SignedHeaders=, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=a, SignedHeaders=host;;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=a, SignedHeaders=host;host;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=a, SignedHeaders=host x;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=a, SignedHeaders=host;x-sdk-date, Signature=${sig.slice(1)}`,
    `SDK-HMAC-SHA256 Access=a, SignedHeaders=host;x-sdk-date, Signature=${sig.slice(1)}g`,
    `SDK-HMAC-SHA256 Access=a, Access=b, SignedHeaders=host;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=a, SignedHeaders=host;x-sdk-date, Signature=${sig}, Extra=1`,
    `SDK-HMAC-SHA256 Access=a SignedHeaders=host;x-sdk-date Signature=${sig}`,
  ];
  for (const header of malformed) {
    test(`rejects ${JSON.stringify(header.slice(0, 70))}`, () =>
      assert.equal(parseHuaweiAuthorization(header), undefined));
  }
});

describe('verification of requests signed by the SDK signer (fixed clock)', () => {
  const at = { now: DATE_MS };

  test('query edge cases: spaces, $, ~, unicode, repeated keys, empty values, reserved characters', async () => {
    const req = sdkSigned({
      method: 'GET',
      path: `/v5/${PROJECT}/image/registries`,
      queryParams: {
        limit: 10,
        offset: 0,
        registry_name: 'my harbor',
        filter: 'a$b',
        tilde: 'x~y',
        unicode: 'ü日本😀',
        repeated: ['z', 'a', 'm'],
        empty: '',
        reserved: "a+b=c&d/e?f!*'()",
        'key with space': 'v',
      },
    });
    assert.deepEqual(await verifyHuaweiSignature(req, lookup, at), {
      accessKey: AK,
      signedAt: new Date(DATE_MS),
      unsignedPayload: false,
    });
  });

  test('the query may arrive in any order and with + for spaces', async () => {
    const req = sdkSigned({ method: 'GET', path: '/v5/p/x', queryParams: { b: 'x y', a: '1' } });
    assert.equal(req.rawUrl, '/v5/p/x?b=x%20y&a=1');
    await verifyHuaweiSignature({ ...req, rawUrl: '/v5/p/x?a=1&b=x+y' }, lookup, at);
  });

  test('an empty query', async () => {
    const req = sdkSigned({ method: 'GET', path: '/v5/p/x' });
    await verifyHuaweiSignature(req, lookup, at);
    await verifyHuaweiSignature({ ...req, rawUrl: '/v5/p/x?' }, lookup, at);
  });

  test('paths with $, ~, unicode and a trailing slash', async () => {
    for (const path of ['/v2/manage/namespaces/ns/repos/lib$nginx/sync_repo', '/a~b/ü日', '/v5/p/x/']) {
      const req = sdkSigned({ method: 'GET', path });
      // What Node receives: the HTTP client percent-encodes non-ASCII, leaves $ and ~, may strip the slash.
      const wire = new URL(path, 'http://127.0.0.1').pathname;
      await verifyHuaweiSignature({ ...req, rawUrl: wire }, lookup, at);
      await verifyHuaweiSignature({ ...req, rawUrl: wire.endsWith('/') ? wire.slice(0, -1) : `${wire}/` }, lookup, at);
    }
  });

  test('a JSON body', async () => {
    const req = sdkSigned({ method: 'POST', path: '/v5/p/image/registries', data: { name: 'h 1', ids: ['a'] } });
    await verifyHuaweiSignature(req, lookup, at);
    await verifyHuaweiSignature({ ...req, body: Buffer.from(String(req.body)) }, lookup, at);
    await rejectsWith(
      verifyHuaweiSignature({ ...req, body: '{"name":"h 2","ids":["a"]}' }, lookup, at),
      'SIGNATURE_MISMATCH',
    );
    await rejectsWith(verifyHuaweiSignature({ ...req, body: undefined }, lookup, at), 'SIGNATURE_MISMATCH');
  });

  test('X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD leaves the body out and is reported', async () => {
    const req = sdkSigned({
      method: 'PUT',
      path: '/v5/p/upload',
      headers: { 'content-type': 'application/octet-stream', 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    });
    const result = await verifyHuaweiSignature({ ...req, body: Buffer.from([1, 2, 3]) }, lookup, at);
    assert.equal(result.unsignedPayload, true);
    await rejectsWith(
      verifyHuaweiSignature(withHeaders(req, { 'x-sdk-content-sha256': undefined }), lookup, at),
      'SIGNATURE_MALFORMED',
    );
  });

  test('a declared X-Sdk-Content-Sha256 must be the hash of the body', async () => {
    const body = '{"a":1}';
    const hash = '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862';
    const req = sdkSigned({
      method: 'POST',
      path: '/v5/p/x',
      data: { a: 1 },
      headers: { 'X-Sdk-Content-Sha256': hash },
    });
    await verifyHuaweiSignature(req, lookup, at);
    assert.equal(req.body, body);
    await rejectsWith(verifyHuaweiSignature({ ...req, body: '{"a":2}' }, lookup, at), 'SIGNATURE_MISMATCH');
  });

  test('the clock window: ±15 min by default, configurable', async () => {
    const req = sdkSigned({ method: 'GET', path: '/v5/p/x' });
    const minute = 60_000;
    await verifyHuaweiSignature(req, lookup, { now: DATE_MS + 14 * minute });
    await verifyHuaweiSignature(req, lookup, { now: DATE_MS - 14 * minute });
    await verifyHuaweiSignature(req, lookup, { now: DATE_MS + 15 * minute });
    await rejectsWith(verifyHuaweiSignature(req, lookup, { now: DATE_MS + 15 * minute + 1000 }), 'SIGNATURE_EXPIRED');
    await rejectsWith(verifyHuaweiSignature(req, lookup, { now: DATE_MS - 16 * minute }), 'SIGNATURE_EXPIRED');
    await rejectsWith(
      verifyHuaweiSignature(req, lookup, { now: DATE_MS + 2 * minute, maxSkewMs: minute }),
      'SIGNATURE_EXPIRED',
    );
    await rejectsWith(verifyHuaweiSignature(req, lookup), 'SIGNATURE_EXPIRED'); // signed in 2026-11-22, checked now
  });

  test('host and x-sdk-date must be signed', async () => {
    const req = sdkSigned({ method: 'GET', path: '/v5/p/x' });
    for (const [from, to] of [
      ['content-type;host;x-sdk-date', 'content-type;x-sdk-date'],
      ['content-type;host;x-sdk-date', 'content-type;host'],
    ] as const) {
      const authorization = authorizationOf(req).replace(from, to);
      assert.notEqual(authorization, authorizationOf(req));
      await rejectsWith(
        verifyHuaweiSignature(withHeaders(req, { authorization }), lookup, at),
        'SIGNATURE_HEADERS_MISSING',
      );
    }
  });

  test('missing and malformed Authorization, signed headers or date', async () => {
    const req = sdkSigned({ method: 'GET', path: '/v5/p/x' });
    await rejectsWith(
      verifyHuaweiSignature(withHeaders(req, { authorization: undefined }), lookup, at),
      'SIGNATURE_MISSING',
    );
    await rejectsWith(verifyHuaweiSignature(withHeaders(req, { authorization: '' }), lookup, at), 'SIGNATURE_MISSING');
    await rejectsWith(
      verifyHuaweiSignature(withHeaders(req, { authorization: 'Basic dXNlcjpwYXNz' }), lookup, at),
      'SIGNATURE_MALFORMED',
    );
    await rejectsWith(
      verifyHuaweiSignature({ ...req, headers: { ...req.headers, authorization: [authorizationOf(req)] } }, lookup, at),
      'SIGNATURE_MALFORMED',
    );
    await rejectsWith(verifyHuaweiSignature(withHeaders(req, { host: undefined }), lookup, at), 'SIGNATURE_MALFORMED');
    await rejectsWith(
      verifyHuaweiSignature(withHeaders(req, { 'x-sdk-date': '2026-11-22T14:29:09Z' }), lookup, at),
      'SIGNATURE_MALFORMED',
    );
    await rejectsWith(verifyHuaweiSignature({ ...req, rawUrl: '*' }, lookup, at), 'SIGNATURE_MALFORMED');
  });

  test('unknown access key, wrong secret, and any altered signed part', async () => {
    const req = sdkSigned({ method: 'GET', path: '/v5/p/x', queryParams: { limit: 10 } });
    await verifyHuaweiSignature(req, lookup, at);
    await rejectsWith(
      verifyHuaweiSignature(req, async () => undefined, at),
      'SIGNATURE_MISMATCH',
    );
    const mismatch = await rejectsWith(verifyHuaweiSignature(req, wrongSecret, at), 'SIGNATURE_MISMATCH');
    assert.match(
      mismatch.debug?.canonicalRequest ?? '',
      /^GET\n\/v5\/p\/x\/\nlimit=10\ncontent-type:application\/json\n/,
    );
    const altered: SignedRequest[] = [
      { ...req, method: 'DELETE' },
      { ...req, rawUrl: '/v5/p/y?limit=10' },
      { ...req, rawUrl: '/v5/p/x?limit=11' },
      { ...req, rawUrl: '/v5/p/x?limit=10&offset=0' },
      { ...req, rawUrl: '/v5/p/x' },
      withHeaders(req, { host: 'evil.example:8080' }),
      withHeaders(req, { 'content-type': 'text/plain' }),
      withHeaders(req, { 'x-sdk-date': '20261122T142910Z' }),
      withHeaders(req, { authorization: authorizationOf(req).replace(/.$/, (c) => (c === '0' ? '1' : '0')) }),
    ];
    for (const r of altered) await rejectsWith(verifyHuaweiSignature(r, lookup, at), 'SIGNATURE_MISMATCH');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The real SDK client over HTTP.

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function asSigned(c: Captured): SignedRequest {
  return { method: c.method, rawUrl: c.url, headers: c.headers, body: c.body.length > 0 ? c.body : undefined };
}

describe('the real Huawei SDK client against a loopback server', () => {
  let server: Server;
  let endpoint: string;
  let home: string;
  let savedHome: string | undefined;
  let client: HcClient;
  const captured: Captured[] = [];
  let reply = { status: 200, body: '{"total_num":0,"data_list":[]}' };

  before(async () => {
    silenceSdkLogger();
    // The SDK writes ~/.huaweicloud/application_id when a client is built.
    home = mkdtempSync(join(tmpdir(), 'regatta-hw-home-'));
    savedHome = process.env.HOME;
    process.env.HOME = home;
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        captured.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(reply.status, { 'content-type': 'application/json', 'x-request-id': 'req-0123' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const credential = new BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT);
    client = new ClientBuilder((hc) => hc).withCredential(credential).withEndpoint(endpoint).build();
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (savedHome === undefined) delete process.env.HOME;
    else process.env.HOME = savedHome;
    rmSync(home, { recursive: true, force: true });
  });

  async function send(
    hc: HcClient,
    init: { method: string; url: string; queryParams?: Record<string, unknown>; data?: Record<string, unknown> },
  ): Promise<Captured> {
    const before = captured.length;
    const response = await hc.sendRequest({
      method: init.method,
      url: init.url,
      queryParams: init.queryParams ?? {},
      pathParams: {},
      headers: {},
      contentType: 'application/json',
      ...(init.data === undefined ? {} : { data: init.data }),
    });
    assert.equal((response as { httpStatusCode?: number }).httpStatusCode, 200);
    assert.equal(captured.length, before + 1);
    return captured[captured.length - 1]!;
  }

  async function verifiesAsCaller(c: Captured): Promise<HuaweiSignatureResult> {
    const result = await verifyHuaweiSignature(asSigned(c), lookup);
    assert.equal(result.accessKey, AK);
    assert.equal(result.projectId, PROJECT);
    assert.equal(result.unsignedPayload, false);
    await rejectsWith(verifyHuaweiSignature(asSigned(c), wrongSecret), 'SIGNATURE_MISMATCH');
    await rejectsWith(
      verifyHuaweiSignature(asSigned(c), async () => undefined),
      'SIGNATURE_MISMATCH',
    );
    await rejectsWith(
      verifyHuaweiSignature({ ...asSigned(c), headers: { ...c.headers, 'x-project-id': 'another' } }, lookup),
      'SIGNATURE_MISMATCH',
    );
    return result;
  }

  test('GET with query parameters (space, $, ~, unicode, repeated)', async () => {
    const c = await send(client, {
      method: 'GET',
      url: '/v5/{project_id}/image/registries',
      queryParams: {
        enterprise_project_id: '0',
        limit: 10,
        offset: 0,
        registry_name: 'my harbor',
        filter: 'a$b',
        tilde: 'x~y',
        unicode: 'ü日本',
        repeated: ['b', 'a'],
      },
    });
    assert.equal(c.method, 'GET');
    assert.ok(c.url.startsWith(`/v5/${PROJECT}/image/registries?`), c.url);
    assert.match(c.url, /registry_name=my%20harbor/);
    assert.match(c.url, /filter=a%24b/);
    assert.equal(c.headers['x-project-id'], PROJECT);
    assert.equal(c.headers['content-type'], 'application/json');
    assert.match(
      String(c.headers.authorization),
      /^SDK-HMAC-SHA256 Access=\S+, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/,
    );
    await verifiesAsCaller(c);
    for (const rawUrl of [
      c.url.replace('my%20harbor', 'my%20harbour'),
      c.url.replace('limit=10', 'limit=1000'),
      `${c.url}&extra=1`,
    ]) {
      await rejectsWith(verifyHuaweiSignature({ ...asSigned(c), rawUrl }, lookup), 'SIGNATURE_MISMATCH');
    }
  });

  test('POST with a JSON body', async () => {
    const data = {
      registry_name: 'harbor 1',
      registry_type: 'Harbor',
      registry_addr: 'https://h.example',
      ids: [1, 2],
    };
    const c = await send(client, { method: 'POST', url: '/v5/{project_id}/image/registries', data });
    assert.equal(c.body.toString(), JSON.stringify(data));
    await verifiesAsCaller(c);
    const tampered = Buffer.from(c.body.toString().replace('harbor 1', 'harbor 2'));
    await rejectsWith(verifyHuaweiSignature({ ...asSigned(c), body: tampered }, lookup), 'SIGNATURE_MISMATCH');
    await rejectsWith(verifyHuaweiSignature({ ...asSigned(c), body: undefined }, lookup), 'SIGNATURE_MISMATCH');
  });

  test('DELETE with a JSON body and a query', async () => {
    const c = await send(client, {
      method: 'DELETE',
      url: '/v5/{project_id}/image/registries',
      queryParams: { enterprise_project_id: 'all_granted_eps' },
      data: { ids: ['r-1', 'r-2'] },
    });
    assert.equal(c.method, 'DELETE');
    assert.equal(c.body.toString(), '{"ids":["r-1","r-2"]}');
    await verifiesAsCaller(c);
    await rejectsWith(
      verifyHuaweiSignature({ ...asSigned(c), body: Buffer.from('{"ids":["r-1"]}') }, lookup),
      'SIGNATURE_MISMATCH',
    );
  });

  test('a path with $ (SWR repository names) and a trailing slash', async () => {
    const c = await send(client, { method: 'GET', url: '/v2/manage/namespaces/ns/repos/library$nginx/sync_repo/' });
    // The client strips the trailing slash and sends $ as is; the canonical URI is /…/library%24nginx/sync_repo/.
    assert.equal(c.url, '/v2/manage/namespaces/ns/repos/library$nginx/sync_repo');
    await verifiesAsCaller(c);
    await rejectsWith(
      verifyHuaweiSignature({ ...asSigned(c), rawUrl: c.url.replace('nginx', 'redis') }, lookup),
      'SIGNATURE_MISMATCH',
    );
  });

  test('temporary credentials and GlobalCredentials report their signed headers', async () => {
    const token = 'temporary-security-token';
    const temporary = new ClientBuilder((hc) => hc)
      .withCredential(new BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT).withSecurityToken(token))
      .withEndpoint(endpoint)
      .build();
    const t = await send(temporary, { method: 'GET', url: '/v5/{project_id}/image/registries' });
    assert.deepEqual(
      { ...(await verifyHuaweiSignature(asSigned(t), lookup)), signedAt: undefined },
      { accessKey: AK, projectId: PROJECT, securityToken: token, unsignedPayload: false, signedAt: undefined },
    );
    const global = new ClientBuilder((hc) => hc)
      .withCredential(new GlobalCredentials().withAk(AK).withSk(SK).withDomainId('domain-1'))
      .withEndpoint(endpoint)
      .build();
    const g = await send(global, { method: 'GET', url: '/v3/{domain_id}/things' });
    assert.equal(g.url, '/v3/domain-1/things');
    const result = await verifyHuaweiSignature(asSigned(g), lookup);
    assert.equal(result.domainId, 'domain-1');
    assert.equal(result.projectId, undefined);
  });

  test('how the SDK surfaces a Huawei error envelope', async (t) => {
    t.after(() => {
      reply = { status: 200, body: '{"total_num":0,"data_list":[]}' };
    });
    const call = () =>
      client.sendRequest({
        method: 'GET',
        url: '/v5/{project_id}/image/registries',
        queryParams: {},
        pathParams: {},
        headers: {},
        contentType: 'application/json',
      });
    for (const status of [400, 401]) {
      reply = { status, body: JSON.stringify({ error_code: 'HSS.0010', error_msg: 'Access denied.' }) };
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof ClientRequestException);
        assert.equal(err.name, 'ClientRequestException');
        assert.equal(err.httpStatusCode, status);
        assert.equal(err.errorCode, 'HSS.0010');
        assert.equal(err.errorMsg, 'Access denied.');
        assert.equal(err.message, 'Access denied.');
        assert.equal(err.requestId, 'req-0123'); // from the X-Request-Id response header
        return true;
      });
    }
    reply = { status: 500, body: JSON.stringify({ error_code: 'HSS.0041', error_msg: 'Internal error.' }) };
    await assert.rejects(call(), (err: unknown) => {
      assert.ok(err instanceof ServerResponseException);
      assert.equal(err.httpStatusCode, 500);
      assert.equal(err.errorCode, 'HSS.0041');
      return true;
    });
    // A body without the envelope leaves errorCode undefined and errorMsg axios' generic message.
    reply = { status: 401, body: 'unauthorized' };
    await assert.rejects(call(), (err: unknown) => {
      assert.ok(err instanceof ClientRequestException);
      assert.equal(err.errorCode, undefined);
      assert.equal(err.errorMsg, 'Request failed with status code 401');
      return true;
    });
  });
});
