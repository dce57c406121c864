// Blob uploads and mounts. Small blobs go up monolithic (POST, then PUT with the bytes, held in memory so the
// PUT can be resent); large ones in streamed PATCH chunks (blob-chunks.ts). Mounts move no bytes at all.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-blobs

import { type BlobSource, sessionLocation, uploadChunks } from './blob-chunks.js';
import { blobHead } from './blob-read.js';
import { RegattaError, RegistryError } from './errors.js';
import type { Descriptor } from './manifest.js';
import { mountPath, uploadPath } from './paths.js';
import { pullScope, pushScope } from './scopes.js';
import type { Transport } from './transport.js';

export type { BlobSource } from './blob-chunks.js';

export interface BlobWriteOptions {
  /** Bytes per PATCH for large blobs. */
  chunkSize?: number;
  /** Blobs up to this size go up in one PUT from memory. */
  monolithicMax?: number;
  /** Called as the registry acknowledges bytes, with the position reached. */
  onProgress?: (position: number) => void;
  /** An upload session already open (the one a declined mount opened), used instead of a new POST. */
  location?: string;
  signal?: AbortSignal;
}

export const DEFAULT_CHUNK_SIZE = 64 * 1024 * 1024;
export const DEFAULT_MONOLITHIC_MAX = 4 * 1024 * 1024;
type Target = Pick<Descriptor, 'digest' | 'size'>;

/** Uploads a blob; the registry verifies the digest of everything it received on the final PUT. */
export async function blobPut(
  t: Transport,
  repository: string,
  desc: Target,
  source: BlobSource,
  opts: BlobWriteOptions = {},
): Promise<void> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const monolithicMax = Math.min(opts.monolithicMax ?? DEFAULT_MONOLITHIC_MAX, chunkSize);
  if (desc.size <= monolithicMax) {
    const data = await readAll(source(0), desc.size);
    const location = opts.location ?? (await uploadStart(t, repository, opts.signal));
    await uploadFinish(t, repository, location, desc.digest, data, opts.signal);
    opts.onProgress?.(data.length);
    return;
  }
  const location = opts.location ?? (await uploadStart(t, repository, opts.signal));
  const last = await uploadChunks(t, { ...opts, repository, location, size: desc.size, chunkSize, source });
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
  const result = await blobMountOrStart(t, repository, from, digest, signal);
  if (result.mounted) return true;
  if (result.location) await uploadCancel(t, repository, result.location);
  return false;
}

/** A declined mount's session `location`, when the registry sent one. */
export type MountResult = { mounted: true } | { mounted: false; location?: string };

/**
 * POSTs a mount and keeps the upload session a declined mount opens (the spec's fallback), so the caller can send
 * the bytes there without another POST. `from` may be `repository` itself: on Distribution that answers 201 when
 * the repository already has the blob, so one request both checks for the blob and opens the upload.
 */
export async function blobMountOrStart(
  t: Transport,
  repository: string,
  from: string,
  digest: string,
  signal?: AbortSignal,
): Promise<MountResult> {
  const url = mountPath(repository, digest, from);
  const scopes = from === repository ? [pushScope(repository)] : [pushScope(repository), pullScope(from)];
  const res = await t.send({ method: 'POST', url, scopes, expect: [201, 202], retry: true, signal });
  await res.body.dump();
  if (res.status === 201) return { mounted: true };
  const location = res.headers.location;
  return { mounted: false, location: typeof location === 'string' ? new URL(location, res.url).toString() : undefined };
}

/** Cancels an upload session that will not be used; failures are ignored (the registry expires sessions). */
export async function uploadCancel(t: Transport, repository: string, location: string): Promise<void> {
  const cancel = {
    method: 'DELETE' as const,
    url: location,
    scopes: [pushScope(repository)],
    expect: [204, 202, 200, 404],
  };
  await t.send(cancel).then(
    (r) => r.body.dump(),
    () => undefined,
  );
}

/** POST opens an upload session; its Location is where the bytes go. Retried: an unused session costs nothing. */
async function uploadStart(t: Transport, repository: string, signal?: AbortSignal): Promise<string> {
  const url = uploadPath(repository);
  const res = await t.send({
    method: 'POST',
    url,
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
    const lost = err instanceof RegistryError && err.status === 404;
    if (!lost || (await blobHead(t, repository, digest, signal)) === undefined) throw err;
  }
}

/** Reads a small blob into memory, refusing more than `size` bytes. */
async function readAll(source: ReturnType<BlobSource>, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let held = 0;
  for await (const data of source) {
    held += data.byteLength;
    if (held > size) throw new RegattaError('SIZE_INVALID', `blob larger than its descriptor's ${size} bytes`);
    parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  return Buffer.concat(parts, held);
}
