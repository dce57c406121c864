// Replication queue handlers: a rule run's selection, one sync task's copy, and their dead letters. What starts
// the work (a rule run, an image list, a push) is in services/replication.ts.
import type { AppContext } from '../app/context.js';
import { Queues, type RuleSelectJob, type SyncTaskJob } from '../app/queue.js';
import { withRetryListener } from '../inventory/connector-pool.js';
import { runSyncTask } from '../replication/run-task.js';
import { checkTaskGates } from '../services/gates.js';
import { selectBatch, taskFinished } from '../services/replication.js';
import type { ClaimedTask } from '../store/sync-tasks.js';

export function runRuleSelectJob(ctx: AppContext, job: RuleSelectJob): Promise<void> {
  return selectBatch(ctx, job.batchId);
}

/** The dead letter of a selection that failed on every try: the batch says so rather than SELECTING forever. */
export async function runRuleSelectFailed(ctx: AppContext, job: RuleSelectJob): Promise<void> {
  await ctx.syncTasks.failSelection(job.batchId, 'SOURCE_UNLISTABLE: the source could not be listed on any attempt');
}

export async function runSyncTaskJob(ctx: AppContext, job: SyncTaskJob, perRegistry?: number): Promise<void> {
  let claimed: ClaimedTask | undefined;
  const outcome = await runSyncTask(
    {
      tasks: ctx.syncTasks,
      connect: (id) => ctx.connectors.acquire(id),
      withRetries: withRetryListener,
      perRegistry,
      gate: (task, source, signal) => checkTaskGates(ctx, task, source.client, signal),
    },
    job.taskId,
    (task) => {
      claimed = task;
    },
  );
  // A registry at its limit: the task waits its turn as a new job, and this worker takes other work meanwhile.
  if (outcome === 'BUSY') {
    const startAfter = 1 + Math.floor(Math.random() * 3);
    await ctx.boss.send(Queues.syncTask, job, { startAfter, priority: job.priority ?? 0 });
  } else if (outcome === 'WAIT') {
    // Its gates wait for a scan: looked at again in a few seconds (a scan of a small image takes about that).
    await ctx.boss.send(Queues.syncTask, job, { startAfter: GATE_RECHECK_S, priority: job.priority ?? 0 });
  } else if (outcome && claimed) await taskFinished(ctx, claimed);
}

/** Seconds between two looks at a task whose gates wait for a scan. */
const GATE_RECHECK_S = 3;

/** The dead letter of a task whose worker died on every try: it ends ERROR rather than SYNCHRONIZING forever. */
export async function runSyncTaskFailed(ctx: AppContext, job: SyncTaskJob): Promise<void> {
  await ctx.syncTasks.finish(job.taskId, {
    status: 'ERROR',
    issue: 'INTERNAL_ERROR',
    detail: 'the task was interrupted on every attempt',
  });
}
