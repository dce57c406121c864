// Blob uploads: monolithic (POST, then PUT with the bytes) for small blobs, chunked (POST, PATCH…, PUT) for
// large ones, and cross-repository mounts. Chunks are held in memory one at a time (plus one read ahead), so a
// PATCH that fails can be resent from where the registry says it stopped, without reading the source again.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-blobs
import type { Readable } from 'node:stream';
import { blobHead } from './blob-read.js';
import { isRetryable, RegattaError, RegistryError } from './errors.js';
import type { Descriptor } from './manifest.js';
import { backoffDelay, DEFAULT_RETRY, sleep } from './retry.js';
import { pullScope, pushScope } from './scopes.js';
import type { Transport } from './transport.js';

/** Bytes to upload, read once from start to end. */
export type BlobSource = Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface BlobWriteOptions {
  /** Blobs up to this size go up in one PUT; larger ones in PATCH chunks of this size. */
  chunkSize?: number;
  /** Called with the number of bytes the registry acknowledged. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
}

export const DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;
type Target = Pick<Descriptor, 'digest' | 'size'>;

/** Uploads a blob, monolithic or chunked by size. The registry verifies the digest on the final PUT. */
export async function blobPut(
  t: Transport,
  repository: string,
  desc: Target,
  source: BlobSource,
  opts: BlobWriteOptions = {},
): Promise<void> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (desc.size <= chunkSize) {
    const data = await readAll(source, desc.size);
    const location = await uploadStart(t, repository, opts.signal);
    await uploadFinish(t, repository, location, desc.digest, data, opts.signal);
    opts.onProgress?.(data.length);
    return;
  }
  const location = await uploadStart(t, repository, opts.signal);
  const last = await uploadChunks(t, repository, location, source, chunkSize, opts);
  await uploadFinish(t, repository, last, desc.digest, Buffer.alloc(0), opts.signal);
}

/**
 * Mounts a blob from another repository of the same registry: no bytes move. Returns false when the registry
 * declined (it then opened an upload session, which is cancelled).
 */
export async function blobMount(
  t: Transport,
  repository: string,
  from: string,
  digest: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const url = `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  const res = await t.send({
    method: 'POST',
    url,
    scopes: [pushScope(repository), pullScope(from)],
    expect: [201, 202],
    retry: true,
    signal,
  });
  await res.body.dump();
  if (res.status === 201) return true;
  const location = res.headers.location;
  if (typeof location === 'string') {
    await t
      .send({
        method: 'DELETE',
        url: new URL(location, res.url).toString(),
        scopes: [pushScope(repository)],
        expect: [204, 202, 200, 404],
      })
      .then(
        (r) => r.body.dump(),
        () => undefined,
      );
  }
  return false;
}

/** POST opens an upload session; its Location is where the bytes go. Retried: an unused session costs nothing. */
async function uploadStart(t: Transport, repository: string, signal?: AbortSignal): Promise<string> {
  const res = await t.send({
    method: 'POST',
    url: `/v2/${repository}/blobs/uploads/`,
    scopes: [pushScope(repository)],
    expect: [202],
    retry: true,
    signal,
  });
  await res.body.dump();
  return sessionLocation(res.headers.location, res.url);
}

/**
 * PUT `?digest=` closes the session; the registry checks the digest of everything it received. A PUT whose
 * answer was lost may have landed: a retry then finds the session gone, and a HEAD tells whether the blob is there.
 */
async function uploadFinish(
  t: Transport,
  repository: string,
  location: string,
  digest: string,
  data: Buffer,
  signal?: AbortSignal,
): Promise<void> {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  const headers = { 'content-type': 'application/octet-stream' };
  try {
    const res = await t.send({
      method: 'PUT',
      url: url.toString(),
      headers,
      body: data,
      scopes: [pushScope(repository)],
      expect: [201],
      signal,
    });
    await res.body.dump();
  } catch (err) {
    if (
      !(err instanceof RegistryError && err.status === 404) ||
      (await blobHead(t, repository, digest, signal)) === undefined
    )
      throw err;
  }
}

/** Sends the source in PATCH chunks, reading the next chunk while the current one uploads. */
async function uploadChunks(
  t: Transport,
  repository: string,
  location: string,
  source: BlobSource,
  chunkSize: number,
  opts: BlobWriteOptions,
): Promise<string> {
  const chunks = rechunk(source, chunkSize);
  let offset = 0;
  let next = chunks.next();
  try {
    for (;;) {
      const { value, done } = await next;
      if (done) return location;
      next = chunks.next();
      location = await patchChunk(t, repository, location, value, offset, opts.signal);
      offset += value.length;
      opts.onProgress?.(value.length);
    }
  } finally {
    next.catch(() => undefined);
    if ('destroy' in source && typeof source.destroy === 'function') source.destroy();
  }
}

/** One chunk, resent from the registry's acknowledged offset when a try fails. */
async function patchChunk(
  t: Transport,
  repository: string,
  location: string,
  chunk: Buffer,
  offset: number,
  signal?: AbortSignal,
): Promise<string> {
  const policy = t.config.retry ?? DEFAULT_RETRY;
  let start = offset;
  for (let attempt = 1; ; attempt++) {
    const body = chunk.subarray(start - offset);
    const headers = {
      'content-type': 'application/octet-stream',
      'content-range': `${start}-${offset + chunk.length - 1}`,
    };
    try {
      const res = await t.send({
        method: 'PATCH',
        url: location,
        headers,
        body,
        scopes: [pushScope(repository)],
        expect: [202],
        retry: false,
        signal,
      });
      await res.body.dump();
      return sessionLocation(res.headers.location, res.url);
    } catch (err) {
      const rangeRefused = err instanceof RegistryError && err.status === 416;
      if ((!isRetryable(err) && !rangeRefused) || attempt >= policy.attempts) throw err;
      await sleep(backoffDelay(policy, attempt), signal);
      const status = await uploadStatus(t, repository, location, signal);
      location = status.location;
      start = status.received;
      if (start < offset || start > offset + chunk.length) {
        throw new RegattaError(
          'BLOB_UPLOAD_INVALID',
          `registry holds ${start} bytes of an upload expected at ${offset}`,
        );
      }
      if (start === offset + chunk.length) return location;
    }
  }
}

/** GET on the session: `Range: 0-<last byte>` tells how much arrived. Distribution says 0-0 for an empty session. */
async function uploadStatus(
  t: Transport,
  repository: string,
  location: string,
  signal?: AbortSignal,
): Promise<{ location: string; received: number }> {
  const res = await t.send({ method: 'GET', url: location, scopes: [pushScope(repository)], expect: [204], signal });
  await res.body.dump();
  const range = /^(?:bytes=)?0-(\d+)$/.exec(String(res.headers.range ?? ''));
  const last = range ? Number(range[1]) : -1;
  return { location: sessionLocation(res.headers.location, res.url), received: last > 0 ? last + 1 : 0 };
}

function sessionLocation(header: string | string[] | undefined, base: string): string {
  if (typeof header !== 'string') throw new RegattaError('INVALID_RESPONSE', 'upload session without Location');
  return new URL(header, base).toString();
}

/** Regroups a byte stream into chunks of exactly `size` bytes (the last one shorter). */
async function* rechunk(source: BlobSource, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const data of source) {
    let buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    while (held + buf.length >= size) {
      const take = size - held;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts, size);
      buf = buf.subarray(take);
      parts = [];
      held = 0;
    }
    if (buf.length > 0) {
      parts.push(buf);
      held += buf.length;
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}

/** Reads a small blob into memory, refusing more than `size` bytes. */
async function readAll(source: BlobSource, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let held = 0;
  for await (const data of source) {
    held += data.byteLength;
    if (held > size) throw new RegattaError('SIZE_INVALID', `blob larger than its descriptor's ${size} bytes`);
    parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  return Buffer.concat(parts, held);
}
