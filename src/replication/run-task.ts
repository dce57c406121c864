// Runs one sync task: claims it, copies the image with the copy engine, reports progress (bytes, layers,
// "retrying") as it goes, and ends it SUCCESS or ERROR with a TaskIssue. A cancel (the row turning CANCELED)
// aborts the copy within a second. Running a task again after a crash is safe: blobs and manifests the target
// already has are not copied again (HEAD first), so nothing is copied twice.
import type { Connector } from '../connectors/connector.js';
import { RegattaError } from '../errors.js';
import { RegistryError } from '../oci/errors.js';
import { parsePlatform } from '../oci/manifest.js';
import type { RetryInfo } from '../oci/transport.js';
import type { LayerTask } from '../store/schema.js';
import type { ClaimedTask, SyncTaskRow, SyncTaskStore } from '../store/sync-tasks.js';
import { censusForBatch, ledgerForBatch } from './batch-ledgers.js';
import { BlobLedger } from './blob-ledger.js';
import type { CopyEvent } from './copy-events.js';
import { copyWithReferrers } from './referrers.js';
import { fullPath } from './rule-match.js';
import { taskIssueOf } from './task-issue.js';

/** A stored registry's connector, held for one task and given back with `release`. */
export interface HeldConnector {
  connector: Connector;
  release(): void;
}

/** The connector of a stored registry, or undefined when it was removed. */
export type ConnectRegistry = (registryId: string) => Promise<HeldConnector | undefined>;

export interface RunTaskDeps {
  tasks: SyncTaskStore;
  connect: ConnectRegistry;
  /** Runs the copy so that the retries of its requests reach `onRetry` (shared connectors: connector-pool.ts). */
  withRetries: <T>(onRetry: (info: RetryInfo) => void, copy: () => Promise<T>) => Promise<T>;
  /** How often progress is written and a cancel looked for (ms). */
  tickMs?: number;
  /** Tasks at once from or to one registry, across every worker (REGATTA_REGISTRY_CONCURRENCY). */
  perRegistry?: number;
  /** The rule's replication gates, decided before anything is copied (services/gates.ts). */
  gate?: (task: ClaimedTask, source: Connector, signal: AbortSignal) => Promise<GateDecision>;
}

/** A gate's decision as a task runner needs it: copy, refuse (POLICY_BLOCKED), or wait and come back. */
export type GateDecision =
  | { pass: true }
  | { pass: false; gate: string; detail: string; digest: string }
  | { pass: 'wait'; note: string };

/**
 * Runs task `id` to its end; returns the final status it wrote, BUSY when a registry of it is at its task limit
 * or WAIT when its gates wait for a scan (either way the task is PENDING: the caller queues it again later), or
 * undefined if it was not runnable.
 */
export async function runSyncTask(
  deps: RunTaskDeps,
  id: string,
  /** Told of the task once claimed (what its end needs to know of its rule). */
  onClaimed?: (task: ClaimedTask) => void,
): Promise<'SUCCESS' | 'ERROR' | 'BUSY' | 'WAIT' | undefined> {
  const task = await deps.tasks.claim(id, deps.perRegistry);
  if (task === 'busy') return 'BUSY';
  if (!task) return undefined; // finished or canceled before a worker got to it
  onClaimed?.(task);
  const progress = new TaskProgress();
  const stop = new AbortController();
  const onRetry = (info: RetryInfo) => progress.retrying(info.error.code, info.attempt, info.delayMs);
  const [source, target] = await Promise.all([
    deps.connect(task.source_registry_id),
    deps.connect(task.target_registry_id),
  ]);
  const ticker = setInterval(() => void tick(deps, task.id, progress, stop), deps.tickMs ?? 1000);
  // The ticker alone never keeps a process alive (a worker shutting down while a copy hangs must still exit).
  ticker.unref();
  // A cancel ends the task at once, whatever the copy is still waiting on (its requests are aborted too).
  const cancelled = new Promise<never>((_, reject) => {
    stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true });
  });
  cancelled.catch(() => undefined);
  try {
    if (!source || !target) throw new RegattaError('REGISTRY_DELETED', 'the source or target registry was removed');
    const gate = deps.gate ? await deps.gate(task, source.connector, stop.signal) : { pass: true as const };
    if (gate.pass === 'wait') return (await deps.tasks.unclaim(task.id, gate.note)) ? 'WAIT' : undefined;
    if (gate.pass === false) {
      const detail = `${gate.gate}: ${gate.detail}`.slice(0, 500);
      await deps.tasks.finish(task.id, { status: 'ERROR', issue: 'POLICY_BLOCKED', detail, digest: gate.digest });
      return 'ERROR';
    }
    const copy = () => copyTask(task, source.connector, target.connector, progress, stop.signal);
    const result = await Promise.race([deps.withRetries(onRetry, copy), cancelled]);
    // With the last layers and bytes, which a copy faster than one tick never wrote: one statement.
    await deps.tasks.finish(task.id, { status: 'SUCCESS', digest: result.digest, progress: progress.snapshot() });
    return 'SUCCESS';
  } catch (err) {
    if (stop.signal.aborted) return undefined; // canceled: the row already says so
    const detail = err instanceof Error ? err.message.slice(0, 500) : String(err);
    await deps.tasks.finish(task.id, {
      status: 'ERROR',
      issue: taskIssueOf(err),
      detail,
      progress: progress.snapshot(),
    });
    return 'ERROR';
  } finally {
    clearInterval(ticker);
    source?.release();
    target?.release();
  }
}

/**
 * Copies the task's image. The tasks of one batch share a blob ledger (a layer they share crosses to the target
 * once, then is mounted). A target that refuses the manifest because a blob the ledger trusted is not linked in the
 * repository (MANIFEST_BLOB_UNKNOWN: seen from Distribution when other processes upload the same blobs at once)
 * gets one more copy with a fresh ledger, which checks every blob at the target and sends what is missing.
 */
async function copyTask(
  task: SyncTaskRow,
  source: Connector,
  target: Connector,
  progress: TaskProgress,
  signal: AbortSignal,
) {
  const platform = task.platforms?.length === 1 ? parsePlatform(task.platforms[0]!) : undefined;
  const src = {
    client: source.client,
    repository: fullPath(task.source_namespace, task.source_repository),
    reference: task.source_tag,
  };
  const dst = {
    client: target.client,
    repository: fullPath(task.target_namespace, task.target_repository),
    reference: task.target_tag,
  };
  const opts = { platform, override: task.override, signal, onEvent: (e: CopyEvent) => progress.on(e) };
  const referrers = task.referrers ? { tags: task.referrer_tags ?? undefined } : undefined;
  const targetAbsent = await censusForBatch(task.batch_id).absent(dst, signal);
  try {
    return await copyWithReferrers(
      src,
      dst,
      { ...opts, targetAbsent, blobs: ledgerForBatch(task.batch_id) },
      referrers,
    );
  } catch (err) {
    if (!missingBlob(err)) throw err;
    return copyWithReferrers(src, dst, { ...opts, blobs: new BlobLedger() }, referrers);
  }
}

/** A manifest refused because a blob it names is not in the target repository. */
function missingBlob(err: unknown): boolean {
  return err instanceof RegistryError && err.errors.some((e) => e.code === 'MANIFEST_BLOB_UNKNOWN');
}

/** Writes progress when it changed and aborts the copy when the task was canceled. */
async function tick(deps: RunTaskDeps, id: string, progress: TaskProgress, stop: AbortController): Promise<void> {
  try {
    if ((await deps.tasks.statusOf(id)) === 'CANCELED') {
      stop.abort(new RegattaError('CANCELED', 'the task was canceled'));
      return;
    }
    const snapshot = progress.take();
    if (snapshot) await deps.tasks.progress(id, snapshot);
    // A copy waiting on a slow registry still shows it is alive, or the per-registry limit counts it out.
    else if (progress.idleTicks() % 5 === 0) await deps.tasks.heartbeat(id);
  } catch {
    // A missed tick is harmless: the next one writes the latest state.
  }
}

/** Copy events folded into what a task row shows: LayerTasks, bytes, and the latest retry. */
class TaskProgress {
  private readonly layers = new Map<string, LayerTask>();
  private retry: string | null = null;
  private changed = false;

  on(e: CopyEvent): void {
    this.changed = true;
    if (e.type === 'blob-start') {
      this.layers.set(e.digest, { digest: e.digest, size: e.size, synced: 0, status: 'SYNCHRONIZING' });
    } else if (e.type === 'blob-progress') {
      const layer = this.layers.get(e.digest);
      if (layer) layer.synced = e.position;
    } else if (e.type === 'blob-done') {
      this.layers.set(e.digest, {
        digest: e.digest,
        size: e.size,
        synced: e.size,
        status: e.how === 'copied' ? 'SUCCESS' : 'EXISTS',
      });
      this.retry = null;
    } else if (e.type === 'retry') {
      this.retrying(e.code, e.attempt, e.delayMs);
    }
  }

  retrying(code: string, attempt: number, delayMs: number): void {
    this.changed = true;
    this.retry = `${code} (attempt ${attempt}, next in ${Math.round(delayMs)} ms)`;
  }

  private idle = 0;

  /** What changed since the last take, or undefined. */
  take() {
    if (!this.changed) {
      this.idle++;
      return undefined;
    }
    this.changed = false;
    this.idle = 0;
    return this.snapshot();
  }

  /** Takes in a row that found nothing new. */
  idleTicks(): number {
    return this.idle;
  }

  snapshot() {
    const layers = [...this.layers.values()];
    return {
      layers,
      totalSize: layers.reduce((n, l) => n + l.size, 0),
      syncedSize: layers.reduce((n, l) => n + l.synced, 0),
      retrying: this.retry,
    };
  }
}
