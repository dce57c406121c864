// Blob reads: HEAD for existence, GET streamed and verified, resumed with `Range` when a connection breaks.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-blobs
import { Readable } from 'node:stream';
import { StreamVerifier } from './digest.js';
import { isRetryable, NetworkError, RegattaError } from './errors.js';
import type { Descriptor } from './manifest.js';
import { backoffDelay, DEFAULT_RETRY, sleep } from './retry.js';
import { pullScope } from './scopes.js';
import type { Transport } from './transport.js';

export interface BlobReadOptions {
  /** Called with the number of new bytes as they arrive. */
  onProgress?: (bytes: number) => void;
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
    url: `/v2/${repository}/blobs/${digest}`,
    scopes: [pullScope(repository)],
    expect: [200, 404],
    signal,
  });
  await res.body.dump();
  return res.status === 200 ? Number(res.headers['content-length'] ?? 0) : undefined;
}

/**
 * A stream of a blob's bytes. A body cut short is resumed from where it broke with a `Range` request (a
 * registry that ignores Range is read past the bytes already seen). The stream fails with DIGEST_INVALID
 * unless the bytes match the descriptor's digest and size, so a consumer only sees a clean end for good data.
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
  const verifier = new StreamVerifier(descriptor.digest, descriptor.size);
  const policy = t.config.retry ?? DEFAULT_RETRY;
  const url = `/v2/${repository}/blobs/${descriptor.digest}`;
  for (let breaks = 0; ; ) {
    const offset = verifier.bytes;
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const res = await t.send({
      method: 'GET',
      url,
      headers,
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
        verifier.update(chunk);
        opts.onProgress?.(chunk.length);
        yield chunk;
      }
      if (verifier.bytes < descriptor.size) throw new NetworkError('GET', res.url, 'body ended early');
      verifier.verify();
      return;
    } catch (err) {
      res.body.destroy();
      if (opts.signal?.aborted) throw opts.signal.reason;
      const fault = err instanceof RegattaError ? err : new NetworkError('GET', res.url, err);
      // Progress since the last break earns a fresh budget: long transfers survive sporadic faults.
      breaks = verifier.bytes > offset ? 1 : breaks + 1;
      if (!isRetryable(fault) || breaks >= policy.attempts) throw fault;
      await sleep(backoffDelay(policy, breaks), opts.signal);
    }
  }
}
