// Chunked blob upload, streamed: each PATCH body is the next `chunkSize` bytes of the source, passed through
// without being held in memory. When a PATCH fails, the session's status says how many bytes the registry has;
// the source is re-opened at that offset and the upload goes on from there.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-a-blob-in-chunks
import type { Readable } from 'node:stream';
import { isRetryable, RegattaError, RegistryError } from './errors.js';
import { backoffDelay, DEFAULT_RETRY, sleep } from './retry.js';
import { pushScope } from './scopes.js';
import type { Transport } from './transport.js';

/** The bytes of a blob from `offset` to its end; called again with a later offset to resume. */
export type BlobSource = (offset: number) => Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface ChunkedUpload {
  repository: string;
  /** The session opened by POST. */
  location: string;
  size: number;
  chunkSize: number;
  source: BlobSource;
  onProgress?: (position: number) => void;
  signal?: AbortSignal;
}

/** Sends every chunk; returns the session location for the final PUT. */
export async function uploadChunks(t: Transport, up: ChunkedUpload): Promise<string> {
  // A bad size would reach undici as an invalid Content-Length, which it refuses without freeing the connection.
  if (!Number.isSafeInteger(up.chunkSize) || up.chunkSize <= 0)
    throw new RegattaError('INVALID_ARGUMENT', `chunk size ${up.chunkSize}`);
  const policy = t.config.retry ?? DEFAULT_RETRY;
  let location = up.location;
  let offset = 0;
  let reader = new ByteReader(up.source(0));
  try {
    for (let failures = 0; offset < up.size; ) {
      const length = Math.min(up.chunkSize, up.size - offset);
      try {
        location = await patch(t, up, location, offset, length, reader);
        offset += length;
        failures = 0;
        up.onProgress?.(offset);
      } catch (err) {
        // 416: the registry holds another offset than we thought; 401: a token expired during a long upload
        // (the transport has already dropped it). Both are settled by asking the session where it stands.
        const resumable =
          isRetryable(err) || (err instanceof RegistryError && (err.status === 416 || err.status === 401));
        if (up.signal?.aborted || !resumable || ++failures >= policy.attempts) throw err;
        const delayMs = backoffDelay(policy, failures, err instanceof RegistryError ? err.retryAfter : undefined);
        t.reportRetry('PATCH', location, failures, delayMs, err as RegattaError);
        await sleep(delayMs, up.signal);
        ({ location, received: offset } = await uploadStatus(t, up.repository, location, up.signal));
        reader.close();
        reader = new ByteReader(up.source(offset));
      }
    }
    return location;
  } finally {
    reader.close();
  }
}

async function patch(
  t: Transport,
  up: ChunkedUpload,
  location: string,
  offset: number,
  length: number,
  reader: ByteReader,
): Promise<string> {
  const headers = {
    'content-type': 'application/octet-stream',
    'content-length': String(length),
    'content-range': `${offset}-${offset + length - 1}`,
  };
  const res = await t.send({
    method: 'PATCH',
    url: location,
    headers,
    body: () => reader.take(length),
    scopes: [pushScope(up.repository)],
    expect: [202],
    retry: false,
    signal: up.signal,
  });
  await res.body.dump();
  return sessionLocation(res.headers.location, res.url);
}

/** GET on the session: `Range: 0-<last byte>` tells how much arrived. Distribution says 0-0 for an empty session. */
async function uploadStatus(t: Transport, repository: string, location: string, signal?: AbortSignal) {
  const res = await t.send({ method: 'GET', url: location, scopes: [pushScope(repository)], expect: [204], signal });
  await res.body.dump();
  const range = /^(?:bytes=)?0-(\d+)$/.exec(String(res.headers.range ?? ''));
  const last = range ? Number(range[1]) : -1;
  return { location: sessionLocation(res.headers.location, res.url), received: last > 0 ? last + 1 : 0 };
}

/** The absolute URL of an upload session from a Location header (relative or absolute). */
export function sessionLocation(header: string | string[] | undefined, base: string): string {
  if (typeof header !== 'string') throw new RegattaError('INVALID_RESPONSE', 'upload session without Location');
  return new URL(header, base).toString();
}

/** Hands out a byte stream in exact-length slices, keeping what is left of a chunk for the next slice. */
class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  private leftover?: Buffer;

  constructor(private readonly source: ReturnType<BlobSource>) {
    this.iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  /** The next `length` bytes; fails with SIZE_INVALID when the source ends first. */
  async *take(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      let chunk = this.leftover;
      this.leftover = undefined;
      if (!chunk) {
        const next = await this.iterator.next();
        if (next.done) throw new RegattaError('SIZE_INVALID', `blob source ended ${left} bytes early`);
        chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      }
      if (chunk.length > left) {
        this.leftover = chunk.subarray(left);
        chunk = chunk.subarray(0, left);
      }
      left -= chunk.length;
      yield chunk;
    }
  }

  close(): void {
    if ('destroy' in this.source && typeof this.source.destroy === 'function') this.source.destroy();
    else void this.iterator.return?.();
  }
}
