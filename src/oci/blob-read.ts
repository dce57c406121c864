// Blob reads: HEAD for existence, GET streamed and verified, resumed with `Range` when a connection breaks.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-blobs

import { Readable } from 'node:stream';
import { StreamVerifier } from './digest.js';
import { DigestMismatchError, isRetryable, NetworkError, RegattaError } from './errors.js';
import type { Descriptor } from './manifest.js';
import { blobPath } from './paths.js';
import { backoffDelay, DEFAULT_RETRY, sleep } from './retry.js';
import { pullScope } from './scopes.js';
import type { Transport } from './transport.js';

export interface BlobReadOptions {
  /** Start here instead of at byte 0 (an upload resuming where the registry stopped). */
  offset?: number;
  /** Called as bytes arrive, with the position reached in the blob. */
  onProgress?: (position: number) => void;
  /**
   * Check the bytes against the digest here (default true). A copy into a registry passes false: the registry
   * checks the digest of every upload itself (DIGEST_INVALID otherwise), and hashing each byte a second time costs
   * about a second of CPU per GiB that the registries on a small machine then lack. The size is checked either way.
   */
  verify?: boolean;
  signal?: AbortSignal;
}

/** Size of a blob the registry has, or undefined when it does not have it. */
export async function blobHead(
  t: Transport,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const res = await t.send({
    method: 'HEAD',
    url: blobPath(repository, digest),
    scopes: [pullScope(repository)],
    expect: [200, 404],
    signal,
  });
  await res.body.dump();
  return res.status === 200 ? Number(res.headers['content-length'] ?? 0) : undefined;
}

/**
 * A stream of a blob's bytes from `opts.offset` (default 0) to the end. A body cut short is resumed from where
 * it broke with a `Range` request (a registry that ignores Range is read past the bytes already seen). Read from
 * the start, the stream fails with DIGEST_INVALID unless the bytes match the descriptor's digest and size, so a
 * consumer only sees a clean end for good data; read from an offset, the size is checked and the digest is left
 * to whoever holds the whole (an upload's final PUT).
 */
export function blobGet(
  t: Transport,
  repository: string,
  descriptor: Pick<Descriptor, 'digest' | 'size'>,
  opts: BlobReadOptions = {},
): Readable {
  return Readable.from(blobChunks(t, repository, descriptor, opts), { objectMode: false, highWaterMark: 1024 * 1024 });
}

async function* blobChunks(
  t: Transport,
  repository: string,
  descriptor: Pick<Descriptor, 'digest' | 'size'>,
  opts: BlobReadOptions,
): AsyncGenerator<Buffer> {
  const from = opts.offset ?? 0;
  const verifier =
    from === 0 && opts.verify !== false ? new StreamVerifier(descriptor.digest, descriptor.size) : undefined;
  const policy = t.config.retry ?? DEFAULT_RETRY;
  const url = blobPath(repository, descriptor.digest);
  let position = from;
  for (let breaks = 0; ; ) {
    const offset = position;
    const res = await t.send({
      method: 'GET',
      url,
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      scopes: [pullScope(repository)],
      expect: offset > 0 ? [206, 200] : [200],
      signal: opts.signal,
    });
    // 200 to a Range request: the registry sends everything again; skip what we already have.
    let skip = offset > 0 && res.status === 200 ? offset : 0;
    try {
      for await (const data of res.body as AsyncIterable<Buffer>) {
        let chunk = data;
        if (skip > 0) {
          const drop = Math.min(skip, chunk.length);
          skip -= drop;
          chunk = chunk.subarray(drop);
          if (chunk.length === 0) continue;
        }
        if (position + chunk.length > descriptor.size)
          throw new DigestMismatchError(`blob ${descriptor.digest}`, `${descriptor.size} bytes`, 'more');
        verifier?.update(chunk);
        position += chunk.length;
        opts.onProgress?.(position);
        yield chunk;
      }
      if (position < descriptor.size) throw new NetworkError('GET', res.url, 'body ended early');
      verifier?.verify();
      return;
    } catch (err) {
      res.body.destroy();
      if (opts.signal?.aborted) throw opts.signal.reason;
      const fault = err instanceof RegattaError ? err : new NetworkError('GET', res.url, err);
      // Progress since the last break earns a fresh budget: long transfers survive sporadic faults.
      breaks = position > offset ? 1 : breaks + 1;
      if (!isRetryable(fault) || breaks >= policy.attempts) throw fault;
      const delayMs = backoffDelay(policy, breaks);
      t.reportRetry('GET', url, breaks, delayMs, fault);
      await sleep(delayMs, opts.signal);
    }
  }
}
