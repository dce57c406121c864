// Copies through fault proxies that break one request in five (resets, 429 with Retry-After, 5xx, slow and
// cut-off bodies) on both sides: the copy must still arrive digest-identical, and report its retries.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/oci/client.js';
import type { CopyEvent } from '../../src/replication/copy-events.js';
import { copyImage } from '../../src/replication/image-copy.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { type BuiltImage, type BuiltIndex, buildImage, buildMultiArch, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeoInspectRaw } from '../support/skopeo.js';

let source: TestRegistry;
let target: TestRegistry;
let proxies: FaultProxy[] = [];
let big: BuiltImage;
let multi: BuiltIndex;

before(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry({ auth: 'basic' })]);
  // Random bytes do not compress: a layer of several MiB, uploaded in 256 KiB chunks below.
  big = await buildImage({ format: 'oci', seed: 'faulty', files: { 'data.bin': randomBytes(6 * 1024 * 1024) } });
  multi = await buildMultiArch('oci', 'faulty-multi');
  await pushImage(source, 'f/big', '1', big);
  await pushImage(source, 'f/multi', '1', multi);
});

after(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await Promise.all([source?.stop(), target?.stop()]);
});

test('a copy succeeds through 20 % injected faults on both registries', async () => {
  proxies = await Promise.all([
    startFaultProxy({ target: source.url, rate: 0.2, seed: Number(process.env.FAULT_SEED ?? 7) }),
    startFaultProxy({ target: target.url, rate: 0.2, seed: Number(process.env.FAULT_SEED ?? 7) + 4 }),
  ]);
  const [srcProxy, dstProxy] = proxies as [FaultProxy, FaultProxy];
  let retries = 0;
  const onRetry = () => retries++;
  const retry = { attempts: 8, baseDelayMs: 50, maxDelayMs: 2000 };
  const from = new RegistryClient(srcProxy.host, { retry, onRetry });
  const credentials = { username: target.username!, password: target.password! };
  const to = new RegistryClient(dstProxy.host, { retry, onRetry, credentials });
  const events: CopyEvent[] = [];
  const onEvent = (e: CopyEvent) => events.push(e);
  try {
    for (const [repo, image] of [
      ['f/big', big],
      ['f/multi', multi],
    ] as const) {
      const result = await copyImage(
        { client: from, repository: repo, reference: '1' },
        { client: to, repository: `copied/${repo}`, reference: '1' },
        { chunkSize: 256 * 1024, onEvent },
      );
      assert.equal(result.digest, image.digest);
      const raw = await skopeoInspectRaw(`${target.host}/copied/${repo}:1`, {
        username: target.username!,
        password: target.password!,
      });
      assert.equal(sha256Hex(raw), image.digest);
    }
  } finally {
    await Promise.all([from.close(), to.close()]);
  }
  const faults = proxies.reduce(
    (n, p) => n + Object.entries(p.stats).reduce((m, [k, v]) => (k === 'passed' ? m : m + v), 0),
    0,
  );
  console.log(`faults injected: ${faults}, retries: ${retries}`);
  assert.ok(faults >= 5, `only ${faults} faults were injected`);
  assert.ok(retries > 0, 'faults were retried');
  const pushed = events.filter((e) => e.type === 'manifest-pushed').length;
  assert.equal(pushed, 1 + multi.children.length + 1);
});
