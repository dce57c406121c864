// `regatta sync SRC DST`: every repository and tag under a namespace, copied to another namespace (of the same or
// another registry), many images at once; `regatta sync -f rules.yaml` runs several such rules in one pool.
// Tags whose target already names another image are conflicts unless --override: reported, left untouched.
// Exit code 0 when every image was copied or unchanged, 1 when any failed (a conflict included), 2 on bad usage.
import type { Command } from 'commander';
import { RegattaError } from '../../oci/errors.js';
import type { RetryInfo } from '../../oci/transport.js';
import type { SyncGate } from '../../replication/run.js';
import { ReportedError } from '../output.js';
import { ProgressBar } from '../progress.js';
import { buildReport, failedLines, planLines, type SyncReport, summaryLine } from '../sync-report.js';
import { type ResolvedRule, type RuleInput, resolveRule, runRules } from '../sync-run.js';

interface SyncFlags {
  file?: string;
  tags?: string;
  repos?: string;
  platform?: string;
  allPlatforms?: boolean;
  override?: boolean;
  referrers?: boolean;
  requireSignature: string[];
  dryRun?: boolean;
  jobs?: string;
  srcCreds?: string;
  destCreds?: string;
  insecure?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const DEFAULT_JOBS = 8;
/** Blobs in flight per image: with 8 images at once, 32 connections per registry. */
const BLOBS_PER_IMAGE = 4;

const FLAG_NAMES: Record<keyof RuleInput, string> = {
  src: 'SRC',
  dst: 'DST',
  tags: '--tags',
  repos: '--repos',
  platform: '--platform',
  override: '--override',
  referrers: '--no-referrers',
  srcCreds: '--src-creds',
  destCreds: '--dest-creds',
  insecure: '--insecure',
};

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('copy every repository and tag under a namespace to another registry, or run a rules file')
    .argument('[src]', 'HOST[:PORT]/NAMESPACE (the namespace may have several components)')
    .argument('[dst]', 'HOST[:PORT]/NAMESPACE: SRC/REPO:TAG goes to DST/REPO:TAG')
    .option('-f, --file <rules.yaml>', 'run the rules of a YAML file instead of SRC DST')
    .option('--tags <regex>', 'only tags the regex matches in full')
    .option('--repos <regex>', 'only repositories whose path below the namespace the regex matches in full')
    .option('--platform <os/arch[/variant]>', 'copy only this platform of each index, as a plain image')
    .option('--all-platforms', 'copy every platform of an index (the default)')
    .option('--override', 'overwrite target tags that name another image (default: report a TAG_CONFLICT)')
    .option('--no-referrers', "leave each image's signatures, SBOMs and attestations behind (default: copied after it)")
    .option(
      '--require-signature <key.pub>',
      'copy only images with a cosign signature this PEM key verifies (again for more keys: any one will do)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--dry-run', 'print what would be copied, skipped or in conflict; copy nothing')
    .option('--jobs <n>', `images copied at once (default ${DEFAULT_JOBS})`)
    .option('--src-creds <user:password>', 'source credentials (default: Docker config.json)')
    .option('--dest-creds <user:password>', 'destination credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to non-loopback registries')
    .option('--json', 'print one JSON document: every image with its outcome, and totals')
    .option('-q, --quiet', 'print nothing on success (failures still go to stderr)')
    .addHelpText(
      'after',
      `
Every repository SRC/NAMESPACE/PATH (found in the source's catalog) and each of its tags is copied to
DST/NAMESPACE/PATH with the same tag. Images already at the target cost one manifest HEAD on each side.

Rules file (-f):
  defaults: { override: false, jobs: 8 }
  rules:
    - src: 127.0.0.1:5000/corpus
      dst: 127.0.0.1:5001/mirror
      tags: '^v?\\d+\\.\\d+'        # optional; also repos, platform, override, srcCreds, destCreds, insecure
      platform: linux/amd64

Exit status: 0 every image copied or unchanged, 1 some failed (a tag conflict counts as failed, on a dry run too),
2 usage error (also a bad rules file).

Examples:
  regatta sync 127.0.0.1:5000/team 127.0.0.1:5001/backup/team
  regatta sync --tags 'v\\d+(\\.\\d+)*' --platform linux/amd64 --dry-run src.example/apps dst.example/apps
  regatta sync --override --json --dest-creds ci:secret src.example/apps dst.example/apps
  regatta sync -f rules.yaml --jobs 16`,
    )
    .action(async (src: string | undefined, dst: string | undefined, flags: SyncFlags) => {
      const { rules, jobs } = await rulesOf(src, dst, flags);
      await run(rules, jobs, flags);
    });
}

async function rulesOf(src: string | undefined, dst: string | undefined, flags: SyncFlags) {
  if (flags.allPlatforms && flags.platform)
    throw new RegattaError('USAGE', '--all-platforms and --platform exclude each other');
  const jobs = flags.jobs === undefined ? undefined : positive(flags.jobs, '--jobs');
  if (!flags.file) {
    if (!src || !dst) throw new RegattaError('USAGE', 'give SRC and DST (HOST[:PORT]/NAMESPACE), or -f rules.yaml');
    const rule = resolveRule({ src, dst, ...flags }, (field) => FLAG_NAMES[field]);
    return { rules: [rule], jobs: jobs ?? DEFAULT_JOBS };
  }
  if (src || dst) throw new RegattaError('USAGE', 'give either SRC DST or -f rules.yaml, not both');
  // One place for each setting: a rules file carries its own filters, platforms and credentials.
  const inFile = ['tags', 'repos', 'platform', 'override', 'srcCreds', 'destCreds'] as const;
  const clash = inFile.find((f) => flags[f] !== undefined) ?? (flags.referrers === false ? 'referrers' : undefined);
  if (clash) throw new RegattaError('USAGE', `with -f, set ${FLAG_NAMES[clash]} in the rules file`);
  const file = flags.file;
  // Loaded with -f alone: the YAML parser and its schema are start-up time a plain sync does not need.
  const { loadRulesFile } = await import('../sync-file.js');
  const loaded = await loadRulesFile(file);
  const rules = loaded.rules.map((r, i) =>
    resolveRule({ ...r, insecure: r.insecure || flags.insecure }, (field) => `${file}: rules[${i}].${field}`),
  );
  return { rules, jobs: jobs ?? loaded.jobs ?? DEFAULT_JOBS };
}

async function run(rules: ResolvedRule[], jobs: number, flags: SyncFlags): Promise<void> {
  const bar = ProgressBar.forTerminal(!flags.json && !flags.quiet && !flags.dryRun);
  const onRetry = (r: RetryInfo) =>
    bar?.onEvent({ type: 'retry', what: r.url, attempt: r.attempt, delayMs: r.delayMs, code: r.error.code });
  let total = 0;
  const started = performance.now();
  let report: SyncReport;
  try {
    const gate = await requiredSignature(flags.requireSignature);
    const outcomes = await runRules(rules, {
      jobs,
      ...(gate ? { gate } : {}),
      dryRun: !!flags.dryRun,
      concurrency: BLOBS_PER_IMAGE,
      onEvent: bar?.onEvent,
      onRetry,
      onListed: (n) => {
        total = n;
      },
      onImage: () => bar?.imageDone(total),
    });
    report = buildReport(outcomes, !!flags.dryRun, (performance.now() - started) / 1000);
  } finally {
    bar?.end();
  }
  print(report, flags);
  const failed = report.failed;
  if (failed.length > 0) {
    const first = failed[0]!;
    throw new ReportedError(
      'SYNC_INCOMPLETE',
      `${failed.length} of ${report.totals.images} images ${flags.dryRun ? 'would fail' : 'failed'} (first: ${first.source}: ${first.code})`,
    );
  }
}

/** The `--require-signature` gate; its keys are read and the signing code loaded only when asked for. */
async function requiredSignature(keyFiles: string[]): Promise<SyncGate | undefined> {
  if (keyFiles.length === 0) return undefined;
  const [{ readKey }, { signatureGate }] = await Promise.all([import('./verify.js'), import('../signature-gate.js')]);
  return signatureGate(await Promise.all(keyFiles.map(readKey)));
}

function print(report: SyncReport, flags: SyncFlags): void {
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  if (flags.quiet) {
    const lines = failedLines(report);
    if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
    return;
  }
  const lines = flags.dryRun ? planLines(report.images) : [];
  lines.push(summaryLine(report), ...failedLines(report));
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** A flag's value as a positive integer, or a USAGE error naming the flag. */
function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new RegattaError('USAGE', `${flag} wants a positive integer, not "${value}"`);
  return n;
}
