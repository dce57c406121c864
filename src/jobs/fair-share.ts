// Fair sharing of a process's crawl slots between projects: a project may hold at most half of them (at least
// one) at a time, so one project's slow or stuck registries cannot keep another project's crawl waiting. A job
// taken while its project is at its share goes back to the queue a few seconds later, freeing the slot for the
// next job, which may be another project's. Counted per process (each worker process has its own slots).
import type { AppContext } from '../app/context.js';

const RETRY_AFTER_SECONDS = 3;

export class FairShare {
  private readonly active = new Map<string, number>();
  readonly perProject: number;

  constructor(slots: number) {
    this.perProject = Math.max(1, Math.floor(slots / 2));
  }

  /** Runs `work` if `project` is under its share and resolves true; false when it is at its share. */
  async run(project: string, work: () => Promise<void>): Promise<boolean> {
    const held = this.active.get(project) ?? 0;
    if (held >= this.perProject) return false;
    this.active.set(project, held + 1);
    try {
      await work();
    } finally {
      const left = (this.active.get(project) ?? 1) - 1;
      if (left > 0) this.active.set(project, left);
      else this.active.delete(project);
    }
    return true;
  }
}

/** Puts a job back on its queue to start a little later (its project was at its share). */
export async function requeueLater(ctx: AppContext, queue: string, data: object): Promise<void> {
  await ctx.boss.send(queue, data, { startAfter: RETRY_AFTER_SECONDS });
}
