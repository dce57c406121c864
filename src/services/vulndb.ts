// Keeping the scan data current on a server: a job brings every feed up to date (scanning/feeds), on a schedule
// (every 6 hours by default, REGATTA_VULNDB_UPDATE), once at the first start without data, or when asked through
// the API. When an update put new data live, every digest is asked for again: a result made with the previous
// data is scanned again, one made with the current data is reused, so only what the new data can change costs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../app/context.js';
import { Queues } from '../app/queue.js';
import type { VulndbUpdateOptions } from '../app/worker-options.js';
import { currentGenerationName } from '../scanning/feeds/generations.js';
import { feedSources } from '../scanning/feeds/sources.js';
import { type UpdateReport, updateFeeds } from '../scanning/feeds/update.js';
import { scheduledScans } from './scanning.js';

/** Told of every update this process ran (metrics, logs). */
const listeners = new Set<(r: UpdateReport) => void>();
export function onVulndbUpdate(listener: (r: UpdateReport) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function runVulndbUpdate(ctx: AppContext, opts: VulndbUpdateOptions): Promise<UpdateReport> {
  const report = await updateFeeds(opts.dir, feedSources(opts.feeds));
  for (const l of listeners) l(report);
  const failed = report.feeds.filter((f) => f.status === 'failed');
  for (const f of failed)
    process.stderr.write(`regatta: vulndb update: ${f.name}: ${f.error?.code}: ${f.error?.message}\n`);
  if (report.changed) await scheduledScans(ctx);
  return report;
}

/** Queues an update (one waits at most beside the one running). */
export async function requestVulndbUpdate(ctx: AppContext): Promise<void> {
  await ctx.jobs.send(Queues.vulndbUpdate, {});
}

/** Whether the folder has no advisories yet: neither an update's generation nor records placed by hand. */
export async function hasNoAdvisories(dir: string): Promise<boolean> {
  return !(await currentGenerationName(dir)) && !existsSync(join(dir, 'osv'));
}
