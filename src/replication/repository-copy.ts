// Copies every tag of a repository (or a chosen list), several images at once. One image failing does not stop
// the others: each tag gets its own outcome with a machine-readable code.
import pLimit from 'p-limit';
import type { RegistryClient } from '../oci/client.js';
import { RegattaError } from '../oci/errors.js';
import { copyImage, type ImageCopyOptions, type ImageCopyResult } from './image-copy.js';

export interface RepositoryEndpoint {
  client: RegistryClient;
  repository: string;
}

export interface RepositoryCopyOptions extends ImageCopyOptions {
  /** Tags to copy; default every tag of the source repository. */
  tags?: string[];
  /** Images copied at once. */
  imageConcurrency?: number;
  /** Told as each tag finishes. */
  onImage?: (outcome: TagOutcome) => void;
}

export type TagOutcome =
  | ({ tag: string; status: 'copied' } & ImageCopyResult)
  | { tag: string; status: 'failed'; code: string; message: string };

const DEFAULT_IMAGE_CONCURRENCY = 4;

export async function copyRepository(
  src: RepositoryEndpoint,
  dst: RepositoryEndpoint,
  opts: RepositoryCopyOptions = {},
): Promise<TagOutcome[]> {
  const tags = opts.tags ?? (await src.client.tagList(src.repository, { signal: opts.signal }));
  const limit = pLimit(opts.imageConcurrency ?? DEFAULT_IMAGE_CONCURRENCY);
  return Promise.all(tags.map((tag) => limit(() => copyTag(src, dst, tag, opts))));
}

async function copyTag(
  src: RepositoryEndpoint,
  dst: RepositoryEndpoint,
  tag: string,
  opts: RepositoryCopyOptions,
): Promise<TagOutcome> {
  let outcome: TagOutcome;
  try {
    const result = await copyImage({ ...src, reference: tag }, { ...dst, reference: tag }, opts);
    outcome = { tag, status: 'copied', ...result };
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const code = err instanceof RegattaError ? err.code : 'INTERNAL';
    outcome = { tag, status: 'failed', code, message: err instanceof Error ? err.message : String(err) };
  }
  opts.onImage?.(outcome);
  return outcome;
}
