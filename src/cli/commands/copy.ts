// `regatta copy SRC DST`: one image or index, digest-identical, blobs in parallel, present blobs skipped;
// with --all-tags, every tag of a repository, several images at once, each with its own outcome.
import type { Command } from 'commander';
import type { RegistryClient } from '../../oci/client.js';
import { RegattaError } from '../../oci/errors.js';
import { parsePlatform } from '../../oci/manifest.js';
import { parseReference, parseRepository, type Reference } from '../../oci/reference.js';
import type { RetryInfo } from '../../oci/transport.js';
import type { CopyEvent } from '../../replication/copy-events.js';
import type { ImageCopyOptions, ImageCopyResult } from '../../replication/image-copy.js';
import { copyWithReferrers, type ReferrersCopied, referrerTags } from '../../replication/referrers.js';
import { syncImages } from '../../replication/run.js';
import { connect } from '../connect.js';
import { formatBytes, print } from '../output.js';
import { ProgressBar } from '../progress.js';

interface CopyFlags {
  allPlatforms?: boolean;
  platform?: string;
  allTags?: boolean;
  referrers?: boolean;
  srcCreds?: string;
  destCreds?: string;
  insecure?: boolean;
  concurrency: string;
  images: string;
  chunkSize: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerCopy(program: Command): void {
  program
    .command('copy')
    .alias('cp')
    .description('copy an image or a whole index between registries, digest-identical')
    .argument('<src>', 'HOST[:PORT]/REPO[:TAG|@DIGEST] (with --all-tags: HOST[:PORT]/REPO)')
    .argument('<dst>', 'HOST[:PORT]/REPO[:TAG] (the tag defaults to the source tag)')
    .option('--all-platforms', 'copy every platform of an index (the default)')
    .option('--platform <os/arch[/variant]>', 'copy only this platform of an index, as a plain image')
    .option('--all-tags', 'copy every tag of the source repository')
    .option(
      '--referrers',
      "copy the image's signatures, SBOMs and attestations after it (regatta sync does by default)",
    )
    .option('--src-creds <user:password>', 'source credentials (default: Docker config.json)')
    .option('--dest-creds <user:password>', 'destination credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to non-loopback registries')
    .option('-j, --concurrency <n>', 'blobs transferred at once, per image', '4')
    .option('--images <n>', 'images copied at once with --all-tags', '4')
    .option(
      '--chunk-size <MiB>',
      'upload large blobs in PATCH chunks of this size (a proxy in front may cap bodies)',
      '64',
    )
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'print nothing on success')
    .addHelpText(
      'after',
      `
Examples:
  regatta copy 127.0.0.1:5000/app:1.0 127.0.0.1:5001/mirror/app
  regatta copy --platform linux/arm64 --dest-creds ci:secret src.example/app:1.0 dst.example/app:1.0-arm64
  regatta copy --all-tags --json 127.0.0.1:5000/team/app 127.0.0.1:5001/backup/app`,
    )
    .action(async (srcArg: string, dstArg: string, flags: CopyFlags) => {
      if (flags.allPlatforms && flags.platform)
        throw new RegattaError('USAGE', '--all-platforms and --platform exclude each other');
      const src = flags.allTags ? parseRepository(srcArg) : parseReference(srcArg);
      const dst = flags.allTags
        ? parseRepository(dstArg)
        : destination(parseReference(dstArg, { defaultTag: false }), src);
      const bar = ProgressBar.forTerminal(!flags.json && !flags.quiet);
      const onEvent = (e: CopyEvent) => bar?.onEvent(e);
      const onRetry = (r: RetryInfo) =>
        onEvent({ type: 'retry', what: r.url, attempt: r.attempt, delayMs: r.delayMs, code: r.error.code });
      const concurrency = positive(flags.concurrency, '--concurrency');
      const perHost = concurrency * (flags.allTags ? positive(flags.images, '--images') : 2);
      const common = { insecure: flags.insecure, onRetry, concurrency: perHost };
      const from = await connect(src.registry, { ...common, creds: flags.srcCreds });
      const to = await connect(dst.registry, { ...common, creds: flags.destCreds });
      const opts: ImageCopyOptions = {
        platform: flags.platform ? parsePlatform(flags.platform) : undefined,
        concurrency,
        chunkSize: positive(flags.chunkSize, '--chunk-size') * 1024 * 1024,
        onEvent,
      };
      try {
        if (flags.allTags) await copyTags(from, to, src, dst, opts, flags, bar);
        else await copyOne(from, to, src, dst as Reference, opts, flags, bar);
      } finally {
        bar?.end();
        await Promise.all([from.close(), to.close()]);
      }
    });
}

type Endpoint = Pick<Reference, 'registry' | 'repository'> & Partial<Reference>;

async function copyOne(
  from: RegistryClient,
  to: RegistryClient,
  src: Endpoint,
  dst: Reference,
  opts: ImageCopyOptions,
  flags: CopyFlags,
  bar?: ProgressBar,
) {
  const result = await copyWithReferrers(
    { client: from, repository: src.repository, reference: src.digest ?? src.tag! },
    { client: to, repository: dst.repository, reference: dst.tag ?? dst.digest! },
    opts,
    flags.referrers ? {} : undefined,
  );
  bar?.end();
  print(flags, { source: formatEndpoint(src), destination: formatEndpoint(dst), ...result }, () =>
    summary(result, dst),
  );
}

async function copyTags(
  from: RegistryClient,
  to: RegistryClient,
  src: Endpoint,
  dst: Endpoint,
  opts: ImageCopyOptions,
  flags: CopyFlags,
  bar?: ProgressBar,
) {
  const listed = await from.tagList(src.repository);
  // With --referrers, referrer-schema tags travel with the images they name instead of being copied on their own.
  const attached = flags.referrers ? referrerTags(listed) : [];
  const tags = listed.filter((t) => !attached.includes(t));
  // The one pipeline's runner (replication/run.ts): the shared blob ledger and per-tag outcomes, as `regatta sync`.
  const outcomes = await syncImages(
    tags.map((tag) => ({
      src: { client: from, repository: src.repository, reference: tag },
      dst: { client: to, repository: dst.repository, reference: tag },
      override: true,
      platform: opts.platform,
      ...(flags.referrers ? { referrers: { tags: attached } } : {}),
    })),
    { ...opts, jobs: positive(flags.images, '--images') },
  );
  bar?.end();
  const images = outcomes.map((o, i) => ({ tag: tags[i]!, ...o }));
  const failed = images.filter((o) => o.status === 'failed');
  print(flags, { source: formatEndpoint(src), destination: formatEndpoint(dst), images }, () =>
    images
      .map((o) =>
        o.status === 'failed' ? `FAILED ${o.tag}: ${o.code}: ${o.message}` : `${o.status} ${o.tag}@${o.digest}`,
      )
      .join('\n'),
  );
  if (failed.length > 0) {
    throw new RegattaError(
      'COPY_INCOMPLETE',
      `${failed.length} of ${images.length} tags failed (first: ${failed[0]!.tag}: ${failed[0]!.code})`,
    );
  }
}

/** A flag's value as a positive integer, or a USAGE error naming the flag. */
function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new RegattaError('USAGE', `${flag} wants a positive integer, not "${value}"`);
  return n;
}

/** The target keeps the source tag unless one is given; a source by digest only is pushed by digest. */
function destination(dst: Reference, src: Endpoint): Reference {
  if (dst.tag || dst.digest) return dst;
  return src.tag ? { ...dst, tag: src.tag } : { ...dst, digest: src.digest };
}

function formatEndpoint(e: Endpoint): string {
  return `${e.registry}/${e.repository}${e.tag ? `:${e.tag}` : ''}${e.digest ? `@${e.digest}` : ''}`;
}

function summary(r: ImageCopyResult & { referrers?: ReferrersCopied }, dst: Reference): string {
  const s = r.stats;
  const n = r.referrers ? r.referrers.copied + r.referrers.unchanged : 0;
  const referrers = n > 0 ? `, ${n} referrers (signatures, SBOMs) with it` : '';
  const where = `${dst.registry}/${dst.repository}${dst.tag ? `:${dst.tag}` : ''}@${r.digest}`;
  const platforms = r.platforms.length ? ` (${r.platforms.join(', ')})` : '';
  return `copied ${where}${platforms}: ${s.blobsCopied} blobs (${formatBytes(s.bytesCopied)}) sent, ${s.blobsExisting} already there, ${s.blobsMounted} mounted${referrers}`;
}
