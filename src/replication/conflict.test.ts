// Override and conflict logic of the copy engine, against in-memory stand-ins for the two registries that record
// every call: a conflict must be found before anything is written, and only immutability refusals of a manifest
// PUT may become TAG_CONFLICT.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { RegistryClient } from '../oci/client.js';
import { digestOf } from '../oci/digest.js';
import { RegistryError } from '../oci/errors.js';
import { parseManifest } from '../oci/manifest.js';
import { BlobLedger } from './blob-ledger.js';
import { isImmutableRefusal, TagConflictError } from './conflict.js';
import { copyImage } from './image-copy.js';
import { decide } from './plan.js';

const OCI = 'application/vnd.oci.image.manifest.v1+json';
const config = Buffer.from('{}');
const layer = Buffer.from('layer bytes');
const desc = (b: Buffer, mediaType: string) => ({ mediaType, digest: digestOf(b), size: b.length });
const image = parseManifest(
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI,
      config: desc(config, 'application/vnd.oci.image.config.v1+json'),
      layers: [desc(layer, 'application/vnd.oci.image.layer.v1.tar')],
    }),
  ),
);
const short = (b: Buffer) => digestOf(b).slice(7, 11);
const OTHER = `sha256:${'b'.repeat(64)}`;

/** A registry holding manifests by reference and blobs by digest; `calls` lists every method called. */
function fakeRegistry(name: string, manifests: Record<string, string> = {}, putError?: Error) {
  const calls: string[] = [];
  /** `repo digest` pairs a mount from `repo` succeeds for: what was uploaded there. */
  const mountable = new Set<string>();
  const blobs = new Map<string, Buffer>([
    [digestOf(config), config],
    [digestOf(layer), layer],
  ]);
  const client = {
    registry: name,
    async manifestHead(_repo: string, ref: string) {
      calls.push(`manifestHead ${ref}`);
      const digest = manifests[ref];
      return digest ? { digest, mediaType: OCI, size: 1 } : undefined;
    },
    async manifestGet(_repo: string, ref: string) {
      calls.push(`manifestGet ${ref}`);
      return image;
    },
    async manifestPut(_repo: string, ref: string) {
      calls.push(`manifestPut ${ref}`);
      if (putError) throw putError;
      return image.digest;
    },
    async blobHead(repo: string, digest: string) {
      calls.push(`blobHead ${repo} ${digest.slice(7, 11)}`);
      return undefined;
    },
    async blobMountOrStart(repo: string, from: string, digest: string) {
      calls.push(`blobMountOrStart ${repo} from ${from}`);
      return mountable.has(`${from} ${digest}`) ? { mounted: true } : { mounted: false, location: `session-${repo}` };
    },
    blobGet(_repo: string, d: { digest: string }) {
      calls.push(`blobGet ${d.digest.slice(7, 11)}`);
      return Readable.from([blobs.get(d.digest)!]);
    },
    async blobPut(
      repo: string,
      d: { digest: string },
      source: (offset: number) => Readable,
      opts: { location?: string },
    ) {
      calls.push(`blobPut ${repo} ${d.digest.slice(7, 11)}${opts.location ? ` into ${opts.location}` : ''}`);
      for await (const _ of source(0)); // drain, as an upload would
      mountable.add(`${repo} ${d.digest}`);
    },
  };
  return { client: client as unknown as RegistryClient, calls };
}

const writes = (calls: string[]) => calls.filter((c) => /Put|Mount/.test(c));

test('decide: copy when absent, skip when equal, conflict when different unless override', () => {
  const src = { digest: image.digest, mediaType: OCI };
  assert.equal(decide(src, undefined, false).action, 'copy');
  assert.deepEqual(decide(src, { digest: image.digest }, false), {
    action: 'skip',
    sourceDigest: image.digest,
    sourceMediaType: OCI,
    targetDigest: image.digest,
  });
  assert.equal(decide(src, { digest: OTHER }, false).action, 'conflict');
  assert.deepEqual(decide(src, { digest: OTHER }, true), {
    action: 'copy',
    sourceDigest: image.digest,
    sourceMediaType: OCI,
    targetDigest: OTHER,
  });
});

test('override off: a target tag naming another image is TAG_CONFLICT before anything is written', async () => {
  const src = fakeRegistry('src', { v1: image.digest });
  const dst = fakeRegistry('dst', { v1: OTHER });
  await assert.rejects(
    copyImage(
      { client: src.client, repository: 'a', reference: 'v1' },
      { ...dst, repository: 'a', reference: 'v1' },
      {
        override: false,
      },
    ),
    (err: unknown) => err instanceof TagConflictError && err.code === 'TAG_CONFLICT' && err.targetDigest === OTHER,
  );
  assert.deepEqual(dst.calls, ['manifestHead v1']);
  assert.deepEqual(writes(src.calls), []);
});

test('override on (the default) replaces the tag; the same digest is a no-op either way', async () => {
  const src = fakeRegistry('src', { v1: image.digest });
  const dst = fakeRegistry('dst', { v1: OTHER });
  const r = await copyImage(
    { client: src.client, repository: 'a', reference: 'v1' },
    { ...dst, repository: 'a', reference: 'v1' },
  );
  assert.equal(r.unchanged, false);
  const w = writes(dst.calls);
  assert.equal(w.at(-1), 'manifestPut v1', 'the manifest goes last');
  assert.deepEqual(w.slice(0, -1).sort(), [`blobPut a ${short(config)}`, `blobPut a ${short(layer)}`].sort());

  const same = fakeRegistry('dst', { v1: image.digest });
  const again = await copyImage(
    { client: src.client, repository: 'a', reference: 'v1' },
    { ...same, repository: 'a', reference: 'v1' },
    { override: false },
  );
  assert.equal(again.unchanged, true);
  assert.deepEqual(same.calls, ['manifestHead v1']);
});

test('a registry refusing to overwrite an immutable tag is TAG_CONFLICT; other refusals keep their code', async () => {
  const harbor = new RegistryError({
    status: 412,
    method: 'PUT',
    url: 'http://h/v2/a/manifests/v1',
    errors: [{ code: 'PRECONDITION', message: "Failed to process request due to 'a:v1' configured as Immutable" }],
  });
  const invalid = new RegistryError({ status: 400, method: 'PUT', url: 'u', errors: [{ code: 'MANIFEST_INVALID' }] });
  for (const [err, code] of [
    [harbor, 'TAG_CONFLICT'],
    [invalid, 'MANIFEST_INVALID'],
  ] as const) {
    const src = fakeRegistry('src', { v1: image.digest });
    const dst = fakeRegistry('dst', {}, err);
    await assert.rejects(
      copyImage({ client: src.client, repository: 'a', reference: 'v1' }, { ...dst, repository: 'a', reference: 'v1' }),
      (e: unknown) => (e as { code: string }).code === code,
    );
  }
});

test('isImmutableRefusal: 409, 412, and TAG_INVALID / DENIED saying immutable, on PUT only', () => {
  const e = (status: number, method: string, code?: string, message?: string) =>
    new RegistryError({ status, method, url: 'u', errors: code ? [{ code, message }] : [] });
  assert.ok(isImmutableRefusal(e(409, 'PUT')));
  assert.ok(isImmutableRefusal(e(412, 'PUT', 'PRECONDITION', 'configured as Immutable')));
  const ecr = 'The image tag already exists and cannot be overwritten because the repository is immutable.';
  assert.ok(isImmutableRefusal(e(400, 'PUT', 'TAG_INVALID', ecr)));
  assert.ok(isImmutableRefusal(e(403, 'PUT', 'DENIED', 'tag is immutable')));
  assert.ok(!isImmutableRefusal(e(403, 'PUT', 'DENIED', 'requested access to the resource is denied')));
  assert.ok(!isImmutableRefusal(e(400, 'PUT', 'MANIFEST_INVALID', 'immutable')));
  assert.ok(!isImmutableRefusal(e(409, 'GET')));
  assert.ok(!isImmutableRefusal(new Error('409')));
});

test('a blob ledger sends a shared blob once per target registry and mounts it into other repositories', async () => {
  const src = fakeRegistry('src');
  const dst = fakeRegistry('dst');
  const ledger = new BlobLedger();
  const blob = desc(layer, 'application/vnd.oci.image.layer.v1.tar');
  const from = { client: src.client, repository: 'ns/a' };
  const [first, second, same] = await Promise.all([
    ledger.copy(from, { client: dst.client, repository: 'm/a' }, blob),
    ledger.copy(from, { client: dst.client, repository: 'm/b' }, blob),
    ledger.copy(from, { client: dst.client, repository: 'm/a' }, blob),
  ]);
  assert.deepEqual([first, second, same], ['copied', 'mounted', 'exists']);
  assert.equal(src.calls.filter((c) => c.startsWith('blobGet')).length, 1);
  assert.deepEqual(writes(dst.calls), [`blobPut m/a ${short(layer)}`, 'blobMountOrStart m/b from m/a']);

  // The registry has honoured a mount: a blob nobody holds yet is probed with a mount from the repository itself
  // (no HEAD), and its bytes go to the session that probe opened.
  const other = desc(config, 'application/vnd.oci.image.config.v1+json');
  assert.equal(await ledger.copy(from, { client: dst.client, repository: 'm/c' }, other), 'copied');
  assert.deepEqual(dst.calls.slice(-2), [
    'blobMountOrStart m/c from m/c',
    `blobPut m/c ${short(config)} into session-m/c`,
  ]);
  assert.ok(!dst.calls.some((c) => c.startsWith('blobHead m/c')));
});
