// Replication gates at work (issue 15): before a sync task of a gated rule copies anything, the facts the gates
// ask for are gathered (the image's platform digests from the source, their scan results, the signature checks)
// and replication/gates.ts decides. A missing or too old scan is requested here and the task waits for it (it
// goes back to PENDING and is looked at again a few seconds later); a refusal ends the task POLICY_BLOCKED. When
// the reason may have gone away (a scan ended, the rule's gates or allow-list changed, a signature or a trusted key
// arrived), the blocked tasks concerned are put back in the queue: `reopenBlocked`.
import type { AppContext } from '../app/context.js';
import { unscannableImage } from '../inventory/scannable.js';
import type { RegistryClient } from '../oci/client.js';
import { type Manifest, parsePlatform } from '../oci/manifest.js';
import {
  blockedSeverities,
  evaluateGates,
  type GateName,
  hasGates,
  needsScan,
  type ScannedPlatform,
} from '../replication/gates.js';
import { selectPlatform } from '../replication/plan.js';
import { fullPath } from '../replication/rule-match.js';
import type { GateDecision } from '../replication/run-task.js';
import type { RuleGates } from '../store/schema.js';
import type { ClaimedTask, ReopenScope, SyncTaskRow } from '../store/sync-tasks.js';
import { enqueueTasks } from './replication.js';
import { requestScans } from './scanning.js';
import { verifyImage } from './signatures.js';

/** How long a task waits for the scans its gates asked for before it ends blocked. */
const SCAN_WAIT_MS = 60 * 60 * 1000;

/** The gates of `task`'s rule, decided for the image its source tag names now. */
export async function checkTaskGates(
  ctx: AppContext,
  task: ClaimedTask,
  source: RegistryClient,
  signal?: AbortSignal,
): Promise<GateDecision> {
  const gates = task.rule_gates;
  if (!hasGates(gates)) return { pass: true };
  const repository = fullPath(task.source_namespace, task.source_repository);
  const manifest = await source.manifestGet(repository, task.source_tag, signal);
  const image = {
    projectId: task.project_id,
    registryId: task.source_registry_id,
    repository,
    manifest,
    client: source,
  };
  const verdict = await decide(ctx, gates, image, task.platforms, signal);
  if (verdict.pass !== 'wait') return verdict;
  if (task.started_at && Date.now() - task.started_at.getTime() > SCAN_WAIT_MS) {
    return { pass: false, gate: 'scan', detail: 'no scan result after an hour of waiting', digest: manifest.digest };
  }
  await requestMissingScans(ctx, task, verdict.digests);
  return { pass: 'wait', note: `WAITING_FOR_SCAN: a gate needs the scan of ${verdict.digests.join(', ')}` };
}

export interface GatedImage {
  projectId: string;
  registryId: string;
  repository: string;
  manifest: Manifest;
  /** The source registry's client, for an index's platform manifests. */
  client: RegistryClient;
}

/** A verdict on one image: the refused digest named, the digests to scan first when it must wait. */
export type Decision =
  | { pass: true }
  | { pass: false; gate: GateName; detail: string; digest: string }
  | { pass: 'wait'; digests: string[] };

/** The verdict for one image (a task's, or the rule preview's). */
export async function decide(
  ctx: AppContext,
  gates: RuleGates,
  image: GatedImage,
  platforms?: string[] | null,
  signal?: AbortSignal,
): Promise<Decision> {
  const digest = image.manifest.digest;
  const verifiedBy = gates.signed_by?.length
    ? (await verifyImage(ctx, { ...image, digest, keyNames: gates.signed_by, signal }))
        .filter((r) => r.verified)
        .map((r) => r.name)
    : undefined;
  const digests = needsScan(gates) ? await scannableDigests(image, platforms, signal) : [];
  const scans = await Promise.all(digests.map((d) => scannedPlatform(ctx, d, gates)));
  const verdict = evaluateGates(gates, { digests, scans, verifiedBy, now: new Date() });
  return verdict.pass === false ? { ...verdict, digest } : verdict;
}

/**
 * The digests a scan gate looks at: the image, or the platform images of an index (the one the rule copies when it
 * picks a platform); artifacts and images the scanner cannot read are left out (nothing to scan there).
 */
async function scannableDigests(image: GatedImage, platforms?: string[] | null, signal?: AbortSignal) {
  const m = image.manifest;
  if (m.kind === 'image') return unscannableImage(m.body) ? [] : [m.digest];
  const wanted =
    platforms?.length === 1
      ? [selectPlatform(m, parsePlatform(platforms[0]!))]
      : m.body.manifests.filter((d) => d.platform && d.platform.os !== 'unknown');
  const out: string[] = [];
  for (const d of wanted) {
    const child = await image.client.manifestGet(image.repository, d.digest, signal);
    if (child.kind === 'image' && !unscannableImage(child.body)) out.push(d.digest);
  }
  return out;
}

/** One platform image's latest scan as the gates read it; undefined when it has none. */
async function scannedPlatform(
  ctx: AppContext,
  digest: string,
  gates: RuleGates,
): Promise<ScannedPlatform | undefined> {
  const r = await ctx.scanResults.get(digest);
  if (!r) return undefined;
  const severities = blockedSeverities(gates) as ('Critical' | 'High' | 'Medium' | 'Low')[];
  const vulnerabilities = severities.length
    ? (await ctx.scanResults.vulnerabilities(digest, { severities })).items.map((v) => ({
        id: v.id,
        ids: v.ids ?? [],
        severity: v.severity,
      }))
    : [];
  return {
    digest,
    // A failed rescan keeps the last completed result (stale): the gates read that one.
    status: r.status === 'failed' && !r.stale ? 'failed' : 'success',
    failedCode: r.failed_code,
    scannedAt: r.scanned_at,
    vulnerabilities,
    maliciousFiles: r.malicious_file_num,
    secrets: r.sensitive_file_num,
  };
}

/** Asks for the scans a gate waits for, unless a scan task already wants them. */
async function requestMissingScans(ctx: AppContext, task: SyncTaskRow, digests: string[]): Promise<void> {
  const missing: string[] = [];
  for (const d of digests) if (!(await ctx.scanTasks.wanted(d))) missing.push(d);
  if (missing.length === 0) return;
  const scope = { projectId: task.project_id, enterpriseProjectId: task.enterprise_project_id };
  const place = {
    registry_id: task.source_registry_id,
    namespace: task.source_namespace,
    image_name: task.source_repository,
  };
  await requestScans(ctx, scope, {
    taskType: 'autoSync',
    isAll: false,
    targets: missing.map((image_digest) => ({ image_digest, ...place })),
  });
}

/** The gates a scan result decides: a new scan may undo their refusals. */
export const SCAN_GATES: readonly GateName[] = [
  'max_scan_age_hours',
  'block_severity',
  'no_malicious',
  'no_secrets',
  'scan',
];
/** The gate a signature or a trusted key decides. */
export const SIGNATURE_GATES: readonly GateName[] = ['signed_by'];

/**
 * Puts the tasks a gate blocked back in the queue when their reason may have gone away; each is decided again.
 * `digests`: scanned or newly signed digests (the indexes holding them are looked up too).
 */
export async function reopenBlocked(ctx: AppContext, by: ReopenScope): Promise<number> {
  let digests = by.digests;
  if (digests) {
    const indexes = await Promise.all(digests.map((d) => ctx.images.indexesOf(d)));
    digests = [...new Set([...digests, ...indexes.flat()])];
  }
  const reopened = await ctx.syncTasks.reopenBlocked({ ...by, ...(digests ? { digests } : {}) });
  if (reopened.length > 0) await enqueueTasks(ctx, reopened);
  return reopened.length;
}
