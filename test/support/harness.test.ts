// Self-tests of the real-registry harness: registries in each auth mode accept what the fixtures push, and skopeo
// reads back byte-identical manifests; auth challenges, the token issuer and notifications behave as later tests
// expect.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { type BuiltImage, type BuiltIndex, buildImage, buildMultiArch, pushImage } from './fixtures.js';
import { closeServer, LOOPBACK, listen } from './ports.js';
import { type RegistryAuth, startRegistry, type TestRegistry } from './registry.js';
import { sha256Hex, skopeoInspectRaw } from './skopeo.js';

async function fixtureSet(seed: string): Promise<Record<string, BuiltImage | BuiltIndex>> {
  return {
    docker: await buildImage({ format: 'docker', seed, layers: 2, files: { 'etc/os-release': 'ID=regatta\n' } }),
    oci: await buildImage({ format: 'oci', seed, env: ['A=1'], user: '1000' }),
    multi: await buildMultiArch('oci', seed),
  };
}

function credsOf(reg: TestRegistry) {
  return reg.username ? { username: reg.username, password: reg.password } : undefined;
}

const CHALLENGES: Record<RegistryAuth, RegExp | undefined> = {
  none: undefined,
  basic: /^Basic realm="[^"]+"/,
  token: /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="regatta-test-registry"/,
};

for (const auth of ['none', 'basic', 'token'] as const) {
  describe(`registry with auth=${auth}`, () => {
    let reg: TestRegistry;
    before(async () => {
      reg = await startRegistry({ auth });
    });
    after(() => reg?.stop());

    test('pushed images read back byte-identical through skopeo', async () => {
      const images = await fixtureSet(auth);
      for (const [tag, image] of Object.entries(images)) {
        await pushImage(reg, 'harness/app', tag, image);
        const raw = await skopeoInspectRaw(`${reg.host}/harness/app:${tag}`, credsOf(reg));
        assert.equal(sha256Hex(raw), image.digest, tag);
      }
      const multi = images.multi as BuiltIndex;
      const child = multi.children[1]!;
      const raw = await skopeoInspectRaw(`${reg.host}/harness/app@${child.digest}`, credsOf(reg));
      assert.equal(sha256Hex(raw), child.digest);
    });

    test('GET /v2/ without credentials', async () => {
      const res = await request(`${reg.url}/v2/`);
      await res.body.dump();
      const challenge = CHALLENGES[auth];
      if (!challenge) return assert.equal(res.statusCode, 200);
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers['www-authenticate']), challenge);
    });

    if (auth === 'token') {
      test('the token issuer counted and scoped its tokens', () => {
        const issuer = reg.tokenIssuer!;
        assert.ok(issuer.requests >= 3, `requests: ${issuer.requests}`);
        const scoped = issuer.issued.filter((t) => t.subject === 'regatta');
        assert.ok(scoped.some((t) => t.access.some((a) => a.name === 'harness/app' && a.actions.includes('push'))));
      });
    }
  });
}

test('a token registry refuses tokens with no access for anonymous callers', async (t) => {
  const reg = await startRegistry({ auth: 'token' });
  t.after(() => reg.stop());
  const realm = `${reg.tokenIssuer!.url}?service=regatta-test-registry&scope=repository:x/y:pull`;
  const tokenRes = await request(realm);
  const { token } = (await tokenRes.body.json()) as { token: string };
  const res = await request(`${reg.url}/v2/x/y/tags/list`, { headers: { authorization: `Bearer ${token}` } });
  await res.body.dump();
  assert.equal(res.statusCode, 401);
  const wrong = await request(realm, { headers: { authorization: `Basic ${btoa('regatta:wrong')}` } });
  await wrong.body.dump();
  assert.equal(wrong.statusCode, 401);
});

interface Received {
  token: string | undefined;
  events: Array<{ action: string; target: { repository: string; mediaType: string; tag?: string } }>;
}

test('notifications reach an endpoint with push events', async (t) => {
  const received: Received[] = [];
  const sink = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const token = req.headers['x-auth-token'] as string | undefined;
    received.push({ token, ...(JSON.parse(Buffer.concat(chunks).toString()) as Omit<Received, 'token'>) });
    res.end();
  });
  const port = await listen(sink);
  t.after(() => closeServer(sink));
  const notifications = { url: `http://${LOOPBACK}:${port}/events`, token: 'sekret' };
  const reg = await startRegistry({ notifications });
  t.after(() => reg.stop());

  const image = await buildImage({ format: 'docker', seed: 'notify' });
  await pushImage(reg, 'notify/app', 'v1', image);
  const isManifestPush = (r: Received) =>
    r.events.some((e) => e.action === 'push' && e.target.repository === 'notify/app' && e.target.tag === 'v1');
  for (let i = 0; i < 100 && !received.some(isManifestPush); i++) await sleep(50);
  const envelope = received.find(isManifestPush);
  assert.ok(envelope, `no manifest push event in ${JSON.stringify(received)}`);
  assert.equal(envelope.token, 'sekret');
});
