// A careless or hostile caller against a real server: a catastrophic tag filter with a push event that would
// hold JavaScript's backtracking engine for hours, while /healthz keeps answering; tags and repositories that
// would steer registry URLs (`../`, `?`, `#`) refused at every entry point; an AK/SK signature that must cover the
// body whatever its media type (Distribution's event envelope here): the signed body passes, a swapped one is
// refused; too many events in one request refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { request } from 'undici';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { AK, addRegistry, apiCall, type Json, SK, startServer, type TestServer } from './server.js';

let server: TestServer;
let registry: TestRegistry;
let ruleId: string;

const DIGEST = `sha256:${'b'.repeat(64)}`;
const EVENTS = 'application/vnd.docker.distribution.events.v1+json';
const envelope = (host: string, repository: string, tag: string) => ({
  events: [{ action: 'push', target: { repository, tag, digest: DIGEST, mediaType: 'x' }, request: { host } }],
});

before(async () => {
  [server, registry] = await Promise.all([startServer(), startRegistry()]);
  const id = await addRegistry(server.url, { name: 'src', host: registry.host });
  const created = await apiCall(server.url, 'POST', '/rules', {
    body: {
      trigger: 'PASSIVE',
      source: { registry_id: id, namespace: 'team', repository: 'app', tag_filter: '(a+)+' },
      target: { registry_id: id, namespace: 'mirror' },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  ruleId = created.json.id;
});
after(async () => {
  await server?.stop();
  await registry?.stop();
});

test('a catastrophic tag filter meets a hostile tag: the event is answered and /healthz keeps answering', async (t) => {
  const healthz: number[] = [];
  let done = false;
  const probe = (async () => {
    while (!done) {
      const start = performance.now();
      await (await request(`${server.url}/healthz`)).body.dump();
      healthz.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  // 40 `a`s and a `-`: about 2^40 steps for a backtracking engine; linear for RE2.
  const sent = await apiCall(server.url, 'POST', '/events/registry', {
    body: envelope(registry.host, 'team/app', `${'a'.repeat(40)}-`),
  });
  done = true;
  await probe;
  assert.equal(sent.status, 200, JSON.stringify(sent.json));
  assert.deepEqual(sent.json, { events: 1, matched_registries: 1, batches: 0 }, 'the filter does not select it');
  t.diagnostic(`/healthz during the event: ${healthz.length} probes, worst ${Math.max(...healthz).toFixed(1)} ms`);
  // An RE2-incompatible filter is refused when the rule is written, in the native envelope.
  const lookaround = await apiCall(server.url, 'PUT', `/rules/${ruleId}`, {
    body: {
      trigger: 'PASSIVE',
      source: {
        registry_id: (await apiCall(server.url, 'GET', `/rules/${ruleId}`)).json.source.registry_id,
        namespace: 'team',
        repository: 'app',
        tag_filter: '(?=v)v1',
      },
      target: {
        registry_id: (await apiCall(server.url, 'GET', `/rules/${ruleId}`)).json.target.registry_id,
        namespace: 'mirror',
      },
    },
  });
  assert.equal(lookaround.status, 400);
  assert.equal(lookaround.json.code, 'INVALID_RULE');
  assert.match(lookaround.json.message, /not an RE2 pattern/);
});

test('tags, repositories and digests that would steer a registry URL are refused at the API', async () => {
  const bad: Array<[string, string]> = [
    ['team/app', '../../../escaped/repo/manifests/t000'],
    ['team/app', 't000?x=1#'],
    ['team/../escaped', 'v1'],
    ['team/app%2F..', 'v1'],
  ];
  for (const [repository, tag] of bad) {
    const r = await apiCall(server.url, 'POST', '/events/registry', { body: envelope(registry.host, repository, tag) });
    assert.equal(r.status, 400, `${repository}:${tag} ${JSON.stringify(r.json)}`);
    assert.equal(r.json.code, 'INVALID_PARAMETER');
  }
  const run = await apiCall(server.url, 'POST', `/rules/${ruleId}/run`, { body: { tags: ['t000?x=1#'] } });
  assert.equal(run.status, 400, JSON.stringify(run.json));
  const many = { events: Array.from({ length: 501 }, () => envelope(registry.host, 'team/app', 'v1').events[0]) };
  const flood = await apiCall(server.url, 'POST', '/events/registry', { body: many });
  assert.equal(flood.status, 400);
  assert.match(flood.json.message, /at most 500/);
});

/** Sends `body` with an AK/SK signature made by the real Huawei SDK over `signedBody`. */
async function signedEvent(signedBody: Json, body: Json): Promise<{ status: number; json: Json }> {
  const url = `${server.url}/api/v1/events/registry`;
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const headers = AKSKSigner.sign(
    {
      method: 'POST',
      endpoint: url,
      headers: { 'content-type': EVENTS, 'X-Sdk-Date': date },
      queryParams: {},
      data: signedBody,
    },
    new BasicCredentials().withAk(AK).withSk(SK),
  ) as Record<string, string>;
  const res = await request(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.statusCode, json: (await res.body.json()) as Json };
}

test('an AK/SK signature covers the body of any media type: signed passes, swapped is refused', async () => {
  const honest = envelope(registry.host, 'team/app', 'v1');
  const ok = await signedEvent(honest, honest);
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.deepEqual(ok.json, { events: 1, matched_registries: 1, batches: 0 });
  const swapped = await signedEvent(honest, envelope(registry.host, 'team/app', 'aaaa'));
  assert.equal(swapped.status, 401, JSON.stringify(swapped.json));
});
