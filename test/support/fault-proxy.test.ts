// Self-tests of the fault proxy in front of a real registry: each fault kind shows up as a client sees it, and
// at rate 0 everything passes, uploads included (the registry's Locations point back at the proxy).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { extract } from 'tar-stream';
import { request } from 'undici';
import { type FaultKind, type FaultProxyOptions, startFaultProxy } from './fault-proxy.js';
import { type BuiltImage, buildBigImage, buildImage, pushBlob, pushImage, startUpload } from './fixtures.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { sha256Hex, skopeoCopy, skopeoInspectRaw } from './skopeo.js';

async function tarEntries(path: string): Promise<Array<{ name: string; size: number }>> {
  const entries: Array<{ name: string; size: number }> = [];
  const extractor = extract();
  const reading = (async () => {
    for await (const entry of extractor) {
      entries.push({ name: entry.header.name, size: entry.header.size });
      entry.resume();
    }
  })();
  await pipeline(createReadStream(path), extractor as unknown as NodeJS.WritableStream); // a streamx Writable
  await reading;
  return entries;
}

/** The fault/pass sequence of `count` GETs through a proxy with `opts`. */
async function faultSequence(target: string, opts: Omit<FaultProxyOptions, 'target'>, count: number) {
  const p = await startFaultProxy({ target, ...opts });
  try {
    const outcomes: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await request(`${p.url}/v2/`);
      await res.body.dump();
      outcomes.push(res.statusCode);
    }
    return outcomes;
  } finally {
    await p.stop();
  }
}

describe('fault proxy', () => {
  let reg: TestRegistry;
  let image: BuiltImage;
  let layer: { digest: string; size: number };
  before(async () => {
    reg = await startRegistry();
    image = await buildImage({ format: 'oci', seed: 'proxy', files: { 'data.bin': randomBytes(256 << 10) } });
    layer = image.blobs[1]!;
    await pushImage(reg, 'proxy/app', 'v1', image);
  });
  after(() => reg?.stop());

  async function proxy(t: { after(fn: () => Promise<void>): void }, opts: Omit<FaultProxyOptions, 'target'>) {
    const p = await startFaultProxy({ target: reg.url, ...opts });
    t.after(() => p.stop());
    return p;
  }

  for (const [fault, status] of [
    ['503', 503],
    ['500', 500],
    ['502', 502],
  ] as Array<[FaultKind, number]>) {
    test(`rate 1 with ['${fault}'] answers ${status}`, async (t) => {
      const p = await proxy(t, { rate: 1, faults: [fault] });
      const res = await request(`${p.url}/v2/`);
      await res.body.dump();
      assert.equal(res.statusCode, status);
      assert.equal(p.stats[fault], 1);
    });
  }

  test("rate 1 with ['429'] answers 429 with Retry-After and a Distribution error", async (t) => {
    const p = await proxy(t, { rate: 1, faults: ['429'], retryAfterSeconds: 2 });
    const res = await request(`${p.url}/v2/proxy/app/manifests/v1`);
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['retry-after'], '2');
    const body = (await res.body.json()) as { errors: Array<{ code: string }> };
    assert.equal(body.errors[0]?.code, 'TOOMANYREQUESTS');
  });

  test("rate 1 with ['reset'] drops the connection", async (t) => {
    const p = await proxy(t, { rate: 1, faults: ['reset'] });
    await assert.rejects(request(`${p.url}/v2/`));
    assert.equal(p.stats.reset, 1);
  });

  test("rate 1 with ['truncate'] cuts a blob body short of its Content-Length", async (t) => {
    const match = (method: string, path: string) => method === 'GET' && path.includes('/blobs/');
    const p = await proxy(t, { rate: 1, faults: ['truncate'], match });
    const manifest = await request(`${p.url}/v2/proxy/app/manifests/v1`, { headers: { accept: image.mediaType } });
    assert.equal(sha256Hex(Buffer.from(await manifest.body.arrayBuffer())), image.digest); // not matched: passes
    const res = await request(`${p.url}/v2/proxy/app/blobs/${layer.digest}`);
    assert.equal(res.statusCode, 200);
    assert.equal(Number(res.headers['content-length']), layer.size);
    const body = await res.body.arrayBuffer().then(
      (b) => b.byteLength,
      (err: Error) => err,
    );
    if (typeof body === 'number') assert.ok(body < layer.size, `got ${body} of ${layer.size} bytes`);
    assert.deepEqual([p.stats.truncate, p.stats.passed], [1, 1]);
  });

  test("rate 1 with ['slow'] delivers the whole body, later", async (t) => {
    const p = await proxy(t, { rate: 1, faults: ['slow'] });
    const started = Date.now();
    const res = await request(`${p.url}/v2/proxy/app/blobs/${layer.digest}`);
    const body = Buffer.from(await res.body.arrayBuffer());
    assert.equal(sha256Hex(body), layer.digest);
    assert.ok(Date.now() - started >= 100);
    assert.equal(p.stats.slow, 1);
  });

  test('a seed makes the fault sequence reproducible', async () => {
    const opts = { rate: 0.5, faults: ['500', '503'] as FaultKind[], seed: 42 };
    const first = await faultSequence(reg.url, opts, 40);
    assert.deepEqual(await faultSequence(reg.url, opts, 40), first);
    assert.ok(first.includes(200) && first.some((s) => s >= 500), first.join(','));
  });

  test('a faulted upload does not hang the proxy', async (t) => {
    const match = (method: string) => method === 'PUT';
    const p = await proxy(t, { rate: 1, faults: ['503'], match, seed: 7 });
    const target = { ...reg, url: p.url };
    const data = randomBytes(8 << 20);
    const blob = { digest: sha256Hex(data), size: data.length, mediaType: 'application/octet-stream', data };
    await assert.rejects(pushBlob(target, 'proxy/upload', blob, undefined));
    p.setRate(0);
    await pushBlob(target, 'proxy/upload', blob, undefined);
    assert.equal(p.stats['503'], 1);
  });

  test('rate 0 passes everything, and uploads go through the proxy', async (t) => {
    const p = await proxy(t, { rate: 0 });
    const target = { ...reg, url: p.url };
    const location = await startUpload(target, 'proxy/big', undefined);
    assert.equal(location.host, p.host);
    const dir = await mkdtemp(join(tmpdir(), 'regatta-big-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const big = await buildBigImage(16 << 20, dir);
    await pushImage(target, 'proxy/big', 'v1', big);
    assert.equal(sha256Hex(await skopeoInspectRaw(`${reg.host}/proxy/big:v1`)), big.digest);
    assert.equal(sha256Hex(await skopeoInspectRaw(`${p.host}/proxy/big:v1`)), big.digest);
    await skopeoCopy(`${p.host}/proxy/big:v1`, `dir:${join(dir, 'copy')}`); // skopeo checks every digest
    assert.deepEqual(await tarEntries(big.blobs[1]!.path!), [{ name: 'payload.bin', size: 16 << 20 }]);
    const { passed, ...faults } = p.stats;
    assert.ok(passed >= 5);
    assert.ok(Object.values(faults).every((n) => n === 0));
  });
});
