// `regatta copy SRC DST`: one image or index, digest-identical, blobs in parallel, present blobs skipped.
import type { Command } from 'commander';
import { type Platform, parsePlatform } from '../../oci/manifest.js';
import { parseReference, type Reference } from '../../oci/reference.js';
import type { CopyEvent } from '../../replication/copy-events.js';
import { copyImage, type ImageCopyResult } from '../../replication/image-copy.js';
import { connect } from '../connect.js';
import { formatBytes, print } from '../output.js';
import { ProgressBar } from '../progress.js';

interface CopyFlags {
  allPlatforms?: boolean;
  platform?: string;
  srcCreds?: string;
  destCreds?: string;
  insecure?: boolean;
  concurrency: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerCopy(program: Command): void {
  program
    .command('copy')
    .alias('cp')
    .description('copy an image or a whole index between registries, digest-identical')
    .argument('<src>', 'HOST[:PORT]/REPO[:TAG|@DIGEST]')
    .argument('<dst>', 'HOST[:PORT]/REPO[:TAG] (the tag defaults to the source tag)')
    .option('--all-platforms', 'copy every platform of an index (the default)')
    .option('--platform <os/arch[/variant]>', 'copy only this platform of an index, as a plain image')
    .option('--src-creds <user:password>', 'source credentials (default: Docker config.json)')
    .option('--dest-creds <user:password>', 'destination credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to non-loopback registries')
    .option('-j, --concurrency <n>', 'blobs transferred at once', '4')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'print nothing on success')
    .addHelpText(
      'after',
      '\nExamples:\n  regatta copy 127.0.0.1:5000/app:1.0 127.0.0.1:5001/mirror/app\n  regatta copy --platform linux/arm64 --dest-creds ci:secret src.example/app:1.0 dst.example/app:1.0-arm64',
    )
    .action(async (srcArg: string, dstArg: string, flags: CopyFlags) => {
      if (flags.allPlatforms && flags.platform) throw new Error('--all-platforms and --platform exclude each other');
      const src = parseReference(srcArg);
      const dst = destination(parseReference(dstArg, { defaultTag: false }), src);
      const platform: Platform | undefined = flags.platform ? parsePlatform(flags.platform) : undefined;
      const bar = ProgressBar.forTerminal(!flags.json && !flags.quiet);
      const onEvent = (e: CopyEvent) => bar?.onEvent(e);
      const onRetry = (r: { url: string; attempt: number; delayMs: number; error: { code: string } }) =>
        onEvent({ type: 'retry', what: r.url, attempt: r.attempt, delayMs: r.delayMs, code: r.error.code });
      const concurrency = Number(flags.concurrency);
      const from = await connect(src.registry, {
        creds: flags.srcCreds,
        insecure: flags.insecure,
        onRetry,
        concurrency: concurrency * 2,
      });
      const to = await connect(dst.registry, {
        creds: flags.destCreds,
        insecure: flags.insecure,
        onRetry,
        concurrency: concurrency * 2,
      });
      try {
        const result = await copyImage(
          { client: from, repository: src.repository, reference: src.digest ?? src.tag! },
          { client: to, repository: dst.repository, reference: dst.tag ?? dst.digest! },
          { platform, concurrency, onEvent },
        );
        bar?.end();
        print(flags, { source: srcArg, destination: dstArg, ...result }, () => summary(result, dst));
      } finally {
        bar?.end();
        await Promise.all([from.close(), to.close()]);
      }
    });
}

/** The target keeps the source tag unless one is given; a source by digest only is pushed by digest. */
function destination(dst: Reference, src: Reference): Reference {
  if (dst.tag || dst.digest) return dst;
  return src.tag ? { ...dst, tag: src.tag } : { ...dst, digest: src.digest };
}

function summary(r: ImageCopyResult, dst: Reference): string {
  const s = r.stats;
  const where = `${dst.registry}/${dst.repository}${dst.tag ? `:${dst.tag}` : ''}@${r.digest}`;
  const platforms = r.platforms.length ? ` (${r.platforms.join(', ')})` : '';
  return `copied ${where}${platforms}: ${s.blobsCopied} blobs (${formatBytes(s.bytesCopied)}) sent, ${s.blobsExisting} already there, ${s.blobsMounted} mounted`;
}
