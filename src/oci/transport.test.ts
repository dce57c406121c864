// The transport against scripted HTTP servers on loopback: the auth handshake, retries and redirects, each
// checked by what the servers saw. (Real registries are exercised in test/integration.)
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { RegistryClient } from './client.js';
import { digestOf } from './digest.js';
import type { RetryInfo } from './transport.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
after(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function serve(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const fastRetry = { attempts: 4, baseDelayMs: 5, maxDelayMs: 2000 };
const tagsBody = (tags: string[]) => JSON.stringify({ name: 'a/b', tags });

test('Bearer: challenge, token per scope, cached, and a new scope on a later 401', async () => {
  const tokenRequests: string[] = [];
  const issuer = await serve((req, res) => {
    const url = new URL(req.url!, 'http://x');
    tokenRequests.push(url.searchParams.getAll('scope').join(' '));
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('me:pw').toString('base64')}`);
    res.end(JSON.stringify({ access_token: `tok:${url.searchParams.getAll('scope').join(' ')}`, expires_in: 300 }));
  });
  const challenge = (scope?: string) =>
    `Bearer realm="http://${issuer}/token",service="reg"${scope ? `,scope="${scope}"` : ''}`;
  const registry = await serve((req, res) => {
    const auth = req.headers.authorization ?? '';
    if (req.url === '/v2/') {
      res.writeHead(auth ? 200 : 401, { 'www-authenticate': challenge() }).end();
    } else if (req.url?.startsWith('/v2/a/b/tags/list') && auth === 'Bearer tok:repository:a/b:pull') {
      res.end(tagsBody(['1']));
    } else if (req.url?.startsWith('/v2/c/d/tags/list') && auth === 'Bearer tok:repository:c/d:pull,push') {
      res.end(tagsBody(['2']));
    } else {
      // The registry wants more than asked for: push too.
      const repo = /^\/v2\/(.+)\/tags\/list/.exec(req.url ?? '')?.[1];
      res.writeHead(401, { 'www-authenticate': challenge(`repository:${repo}:pull,push`) }).end();
    }
  });
  const client = new RegistryClient(registry, { credentials: { username: 'me', password: 'pw' }, retry: fastRetry });
  assert.deepEqual(await client.tagList('a/b'), ['1']);
  assert.deepEqual(await client.tagList('a/b'), ['1']);
  assert.deepEqual(tokenRequests, ['repository:a/b:pull'], 'the token is cached per scope');
  assert.deepEqual(await client.tagList('c/d'), ['2']);
  assert.deepEqual(tokenRequests.slice(1), ['repository:c/d:pull', 'repository:c/d:pull,push']);
  await client.close();
});

test('a 401 that a fresh token does not cure fails fast as UNAUTHORIZED', async () => {
  let tokens = 0;
  let gets = 0;
  const issuer = await serve((_req, res) => {
    tokens++;
    res.end(JSON.stringify({ token: 'nope' }));
  });
  const registry = await serve((req, res) => {
    if (req.url !== '/v2/') gets++;
    res
      .writeHead(401, { 'www-authenticate': `Bearer realm="http://${issuer}/t",service="reg"` })
      .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
  });
  const client = new RegistryClient(registry, { retry: fastRetry });
  await assert.rejects(client.manifestGet('a/b', 'latest'), { code: 'UNAUTHORIZED', status: 401 });
  assert.equal(gets, 1, 'a token fetched for exactly this request is not fetched again');
  assert.equal(tokens, 1);
  await client.close();
});

test('Basic: credentials sent once challenged; wrong ones fail without retry storms', async () => {
  let requests = 0;
  const good = `Basic ${Buffer.from('u:p').toString('base64')}`;
  const registry = await serve((req, res) => {
    requests++;
    if (req.headers.authorization === good) res.end(tagsBody(['x']));
    else res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
  });
  const ok = new RegistryClient(registry, { credentials: { username: 'u', password: 'p' }, retry: fastRetry });
  assert.deepEqual(await ok.tagList('a/b'), ['x']);
  await ok.close();
  const before = requests;
  const bad = new RegistryClient(registry, { credentials: { username: 'u', password: 'wrong' }, retry: fastRetry });
  await assert.rejects(bad.tagList('a/b'), { code: 'UNAUTHORIZED' });
  assert.ok(requests - before <= 3, `${requests - before} requests for a wrong password`);
  await bad.close();
});

test('503 and 429 are retried; Retry-After sets the wait', async () => {
  let n = 0;
  const registry = await serve((req, res) => {
    if (req.url === '/v2/') return res.end();
    n++;
    if (n === 1) return res.writeHead(503).end();
    if (n === 2) return res.writeHead(429, { 'retry-after': '1' }).end('{"errors":[{"code":"TOOMANYREQUESTS"}]}');
    res.end(tagsBody(['ok']));
  });
  const retries: RetryInfo[] = [];
  const client = new RegistryClient(registry, { retry: fastRetry, onRetry: (r) => retries.push(r) });
  assert.deepEqual(await client.tagList('a/b'), ['ok']);
  assert.deepEqual(
    retries.map((r) => r.error.code),
    ['HTTP_503', 'TOOMANYREQUESTS'],
  );
  assert.equal(retries[1]!.delayMs, 1000);
  await client.close();
});

test('a 429 seen by one client makes every client of that host wait; rate-limit headers pause ahead of a 429', async () => {
  const sent: Array<{ who: string; at: number }> = [];
  let limited = false;
  const registry = await serve((req, res) => {
    if (req.url === '/v2/') return res.end();
    sent.push({ who: String(req.headers['user-agent']), at: Date.now() });
    if (!limited) {
      limited = true;
      return res.writeHead(429, { 'retry-after': '1' }).end('{"errors":[{"code":"TOOMANYREQUESTS"}]}');
    }
    res.end(tagsBody(['ok']));
  });
  const a = new RegistryClient(registry, { retry: fastRetry, userAgent: 'a' });
  const b = new RegistryClient(registry, { retry: fastRetry, userAgent: 'b' });
  const first = a.tagList('a/b');
  await new Promise((r) => setTimeout(r, 100)); // a has met the 429 and paused the host
  const started = Date.now();
  await Promise.all([first, b.tagList('a/b')]);
  const bSent = sent.find((s) => s.who === 'b')!;
  assert.ok(bSent.at - started >= 700, `b waited for the pause a was told of (${bSent.at - started} ms)`);

  const headerHost = await serve((req, res) => {
    if (req.url === '/v2/') return res.end();
    res.writeHead(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' }).end(tagsBody(['x']));
  });
  const c = new RegistryClient(headerHost, { retry: fastRetry });
  await c.tagList('a/b');
  const t0 = Date.now();
  await c.tagList('a/b');
  assert.ok(Date.now() - t0 >= 800, 'the second request waited for the reset the headers announced');
  await Promise.all([a.close(), b.close(), c.close()]);
});

test('a 404 is not retried and says MANIFEST_UNKNOWN', async () => {
  let n = 0;
  const registry = await serve((req, res) => {
    if (req.url !== '/v2/') n++;
    res
      .writeHead(req.url === '/v2/' ? 200 : 404)
      .end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
  });
  const client = new RegistryClient(registry, { retry: fastRetry });
  await assert.rejects(client.manifestGet('a/b', 'nope'), { code: 'MANIFEST_UNKNOWN', status: 404 });
  assert.equal(n, 1);
  await client.close();
});

test('a redirect to another host never carries the Authorization header', async () => {
  const seen: (string | undefined)[] = [];
  const storage = await serve((req, res) => {
    seen.push(req.headers.authorization);
    res.end(tagsBody(['from-storage']));
  });
  const good = `Basic ${Buffer.from('u:p').toString('base64')}`;
  const registry = await serve((req, res) => {
    if (req.headers.authorization !== good) return res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
    if (req.url === '/v2/') return res.end();
    res.writeHead(307, { location: `http://${storage}/blob?sig=1` }).end();
  });
  const client = new RegistryClient(registry, { credentials: { username: 'u', password: 'p' }, retry: fastRetry });
  assert.deepEqual(await client.tagList('a/b'), ['from-storage']);
  assert.deepEqual(seen, [undefined]);
  await client.close();
});

test('catalog pages follow Link headers', async () => {
  const registry = await serve((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/v2/') return res.end();
    const last = url.searchParams.get('last');
    if (!last) {
      res.writeHead(200, { link: '</v2/_catalog?last=b&n=2>; rel="next"' });
      return res.end(JSON.stringify({ repositories: ['a', 'b'] }));
    }
    res.end(JSON.stringify({ repositories: ['c'] }));
  });
  const client = new RegistryClient(registry, { retry: fastRetry });
  assert.deepEqual(await client.catalogList({ pageSize: 2 }), ['a', 'b', 'c']);
  await client.close();
});

test('a blob body cut off midway resumes with Range; bytes that do not match the digest fail', async () => {
  const data = Buffer.from('0123456789'.repeat(1000));
  const good = digestOf(data);
  const ranges: (string | undefined)[] = [];
  const registry = await serve((req, res) => {
    if (req.url === '/v2/') return res.end();
    ranges.push(req.headers.range);
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    if (start === 0) {
      // Promise everything, send a third, then drop the connection.
      res.writeHead(200, { 'content-length': data.length });
      res.write(data.subarray(0, 3333));
      return setTimeout(() => res.destroy(), 10);
    }
    res.writeHead(206, { 'content-length': data.length - start });
    res.end(data.subarray(start));
  });
  const client = new RegistryClient(registry, { retry: fastRetry });
  const back = Buffer.concat(await client.blobGet('a/b', { digest: good, size: data.length }).toArray());
  assert.ok(back.equals(data));
  assert.deepEqual(ranges, [undefined, 'bytes=3333-']);
  const wrong = digestOf(Buffer.from('something else'));
  await assert.rejects(client.blobGet('a/b', { digest: wrong, size: data.length }).toArray(), {
    code: 'DIGEST_INVALID',
  });
  await client.close();
});
