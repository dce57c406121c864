// Copies one blob between registries: skip it when the target has it, mount it when source and target are
// repositories of one registry, else stream it source → target with digest verification and bounded memory.
import type { RegistryClient } from '../oci/client.js';
import { isRetryable } from '../oci/errors.js';
import type { Descriptor } from '../oci/manifest.js';
import { backoffDelay, DEFAULT_RETRY, sleep } from '../oci/retry.js';
import type { CopyListener } from './copy-events.js';

export interface BlobEndpoint {
  client: RegistryClient;
  repository: string;
}

export interface BlobCopyOptions {
  onEvent?: CopyListener;
  signal?: AbortSignal;
  chunkSize?: number;
}

/** How the blob reached the target. */
export type BlobOutcome = 'copied' | 'exists' | 'mounted';

/** Whole-blob tries, each starting over; below them the transport retries requests and uploads resume. */
const BLOB_ATTEMPTS = 3;

export async function copyBlob(
  src: BlobEndpoint,
  dst: BlobEndpoint,
  blob: Descriptor,
  opts: BlobCopyOptions = {},
): Promise<BlobOutcome> {
  if ((await dst.client.blobHead(dst.repository, blob.digest, opts.signal)) !== undefined) return 'exists';
  if (src.client.registry === dst.client.registry && src.repository !== dst.repository) {
    if (await dst.client.blobMount(dst.repository, src.repository, blob.digest, opts.signal)) return 'mounted';
  }
  await sendBlob(src, dst, blob, opts);
  return 'copied';
}

/**
 * Streams the blob to the target, whole-blob retries included, without asking first whether it is there. The
 * first try may use an upload session the caller already opened (`session`: a declined mount's).
 */
export async function sendBlob(
  src: BlobEndpoint,
  dst: BlobEndpoint,
  blob: Descriptor,
  opts: BlobCopyOptions & { session?: string },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await streamBlob(src, dst, blob, opts, attempt === 1 ? opts.session : undefined);
      return;
    } catch (err) {
      if (opts.signal?.aborted || !isRetryable(err) || attempt >= BLOB_ATTEMPTS) throw err;
      await sleep(backoffDelay(DEFAULT_RETRY, attempt), opts.signal);
    }
  }
}

async function streamBlob(
  src: BlobEndpoint,
  dst: BlobEndpoint,
  blob: Descriptor,
  opts: BlobCopyOptions,
  location: string | undefined,
): Promise<void> {
  opts.onEvent?.({ type: 'blob-start', digest: blob.digest, size: blob.size });
  const onProgress = (position: number) => opts.onEvent?.({ type: 'blob-progress', digest: blob.digest, position });
  // The upload re-opens the source at the offset the target acknowledged when a chunk fails. The target checks the
  // digest of what it received (DIGEST_INVALID otherwise), so the bytes are not hashed here a second time.
  const source = (offset: number) =>
    src.client.blobGet(src.repository, blob, { offset, onProgress, verify: false, signal: opts.signal });
  await dst.client.blobPut(dst.repository, blob, source, { chunkSize: opts.chunkSize, location, signal: opts.signal });
}
