// What a copy of one image would do, decided without writing anything: `copy`, `skip` (the target reference
// already names the source's digest) or `conflict` (it names another image and override is off). A sync's
// --dry-run prints these; a real copy runs the same check first, so a conflict leaves the target untouched.
import { RegattaError, RegistryError, redactUrl } from '../oci/errors.js';
import { type Descriptor, formatPlatform, type Manifest, type Platform, platformMatches } from '../oci/manifest.js';
import type { ManifestStat } from '../oci/manifests.js';
import { INDEX_TYPES } from '../oci/media-types.js';
import { isValidDigest } from '../oci/reference.js';
import type { ImageEndpoint } from './image-copy.js';

export type PlanAction = 'copy' | 'skip' | 'conflict';

export interface ImagePlan {
  action: PlanAction;
  /** What the target reference will name: the source's digest, or with a platform the chosen child's. */
  sourceDigest: string;
  sourceMediaType: string;
  /** What the target reference names now; absent when it does not exist. */
  targetDigest?: string;
  /** With a platform: the source index the child was chosen from. */
  fromIndex?: string;
}

export interface PlanOptions {
  /** The platform to take out of an index (the target then gets that child, not the index). */
  platform?: Platform;
  /** Overwrite a target tag that names another image (default true). */
  override?: boolean;
  signal?: AbortSignal;
}

/**
 * Plans `src` → `dst` from two manifest HEADs, run at once. With a platform and an index at the source, the index
 * is read too, to learn which child the target would get. A target addressed by digest cannot conflict.
 */
export async function planImage(src: ImageEndpoint, dst: ImageEndpoint, opts: PlanOptions = {}): Promise<ImagePlan> {
  const [from, to] = await Promise.all([
    src.client.manifestHead(src.repository, src.reference, opts.signal),
    dst.client.manifestHead(dst.repository, dst.reference, opts.signal),
  ]);
  return planFrom(src, dst, from, to, opts);
}

/** Plans against a target reference already looked at (`to`): one HEAD at the source. */
export async function planAgainst(
  src: ImageEndpoint,
  dst: ImageEndpoint,
  to: ManifestStat | undefined,
  opts: PlanOptions = {},
): Promise<ImagePlan> {
  const from = await src.client.manifestHead(src.repository, src.reference, opts.signal);
  return planFrom(src, dst, from, to, opts);
}

async function planFrom(
  src: ImageEndpoint,
  dst: ImageEndpoint,
  from: ManifestStat | undefined,
  to: ManifestStat | undefined,
  opts: PlanOptions,
): Promise<ImagePlan> {
  if (!from) throw notFound(src);
  if (opts.platform && INDEX_TYPES.includes(from.mediaType)) {
    const index = await src.client.manifestGet(src.repository, from.digest, opts.signal);
    if (index.kind === 'index') {
      const child = selectPlatform(index, opts.platform);
      const plan = decide(child, to, opts.override ?? true, isValidDigest(dst.reference));
      return { ...plan, fromIndex: index.digest };
    }
  }
  return decide(from, to, opts.override ?? true, isValidDigest(dst.reference));
}

/** The decision alone, from what the two sides hold: pure, so every combination is cheap to test. */
export function decide(
  source: Pick<ManifestStat, 'digest' | 'mediaType'>,
  target: Pick<ManifestStat, 'digest'> | undefined,
  override: boolean,
  targetByDigest = false,
): ImagePlan {
  const base = { sourceDigest: source.digest, sourceMediaType: source.mediaType };
  if (!target) return { action: 'copy', ...base };
  const targetDigest = target.digest;
  if (targetDigest === source.digest) return { action: 'skip', ...base, targetDigest };
  return { action: override || targetByDigest ? 'copy' : 'conflict', ...base, targetDigest };
}

/** The 404 a GET would have raised, so a missing source fails the same way with and without planning. */
function notFound(src: ImageEndpoint): RegistryError {
  return new RegistryError({
    status: 404,
    method: 'HEAD',
    url: redactUrl(src.client.transport.resolve(`/v2/${src.repository}/manifests/${src.reference}`)),
    errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
  });
}

/** The entry of an index matching `want`; NO_MATCHING_PLATFORM lists what the index offers. */
export function selectPlatform(index: Manifest & { kind: 'index' }, want: Platform): Descriptor {
  const child = index.body.manifests.find((d) => platformMatches(d.platform, want));
  if (child) return child;
  const offered = index.body.manifests.flatMap((d) => (d.platform ? [formatPlatform(d.platform)] : []));
  throw new RegattaError(
    'NO_MATCHING_PLATFORM',
    `no ${formatPlatform(want)} image in the index (has ${offered.join(', ') || 'none'})`,
  );
}
