// What the console reads to start: who the caller is (its project, for the HSS paths), the dashboard's counts,
// and the policies in force (scan on sync, schedules, the advisory folder), which are the process's settings.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../jobs/context.js';
import { SCHEDULES, type WorkerOptions } from '../../jobs/workers.js';
import { projectOverview } from '../../store/overview.js';
import { nativeScope } from './rules.js';
import { taskView } from './tasks.js';

/** The policies a server runs with, as `regatta serve` resolved them from its environment. */
export interface ServerPolicy {
  scan_on_sync: boolean;
  vulndb: string | null;
  scanner_adapter: string | null;
  poll_interval_seconds: number | null;
  schedules: { readonly inventory: string; readonly scan: string; readonly health: string };
}

/** The policies workers started with `opts` follow (their defaults where unset), as the console shows them. */
export function policyOf(opts: WorkerOptions = {}): ServerPolicy {
  return {
    scan_on_sync: opts.scanOnSync ?? true,
    vulndb: opts.vulndb ?? null,
    scanner_adapter: opts.scannerAdapter?.url ?? null,
    poll_interval_seconds: opts.pollIntervalSeconds ?? null,
    schedules: SCHEDULES,
  };
}

export function registerOverviewRoutes(app: FastifyInstance, ctx: AppContext, policy: ServerPolicy): void {
  app.get('/whoami', { schema: { tags: ['console'], summary: 'The caller: identity name and project' } }, (request) => {
    const identity = request.identity!;
    return { name: identity.name, project_id: identity.projectId };
  });

  app.get(
    '/overview',
    { schema: { tags: ['console'], summary: 'Counts by state, newest failures' } },
    async (request) => {
      const o = await projectOverview(ctx.db, nativeScope(request));
      return { ...o, failures: o.failures.map(taskView) };
    },
  );

  // Webhooks are the context's (REGATTA_WEBHOOK_URL, read by the runtime), not the workers'.
  app.get('/settings', { schema: { tags: ['console'], summary: 'Scan and sync policies in force' } }, async () => ({
    ...policy,
    webhook: Boolean(ctx.webhook),
  }));
}
