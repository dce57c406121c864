// What the console reads to start: who the caller is (its project, for the HSS paths), the dashboard's counts,
// and the policies in force (scan on sync, schedules, the advisory folder): the process's settings, with what the
// project chose over them (PUT /settings).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { SCHEDULES, type WorkerOptions } from '../../app/worker-options.js';
import { DEFAULT_STALE_HOURS } from '../../scanning/feeds/status.js';
import { projectOverview } from '../../store/overview.js';
import { type ProjectSettings, readProjectSettings, writeProjectSettings } from '../../store/project-settings.js';
import { nativeScope } from './rules.js';
import { taskView } from './tasks.js';

/** The policies a server runs with, as `regatta serve` resolved them from its environment. */
export interface ServerPolicy {
  scan_on_sync: boolean;
  vulndb: string | null;
  /** Scan data older than this is flagged stale (REGATTA_VULNDB_STALE_HOURS). */
  vulndb_stale_hours: number;
  scanner_adapter: string | null;
  poll_interval_seconds: number | null;
  schedules: {
    readonly inventory: string;
    readonly scan: string;
    readonly health: string;
    readonly vulndb: string | null;
  };
}

/** The policies workers started with `opts` follow (their defaults where unset), as the console shows them. */
export function policyOf(opts: WorkerOptions = {}): ServerPolicy {
  return {
    scan_on_sync: opts.scanOnSync ?? true,
    vulndb: opts.vulndb ?? null,
    vulndb_stale_hours: opts.vulndbStaleHours ?? DEFAULT_STALE_HOURS,
    scanner_adapter: opts.scannerAdapter?.url ?? null,
    poll_interval_seconds: opts.pollIntervalSeconds ?? null,
    schedules: { ...SCHEDULES, vulndb: opts.vulndbUpdate?.schedule || null },
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

  // The server's policies, with what the caller's project chose over them. Webhooks are the context's
  // (REGATTA_WEBHOOK_URL, read by the runtime), not the workers'.
  const settingsOf = async (projectId: string) => {
    const project = await readProjectSettings(ctx.db, projectId);
    return {
      ...policy,
      scan_on_sync: project.scan_on_sync ?? policy.scan_on_sync,
      server: { scan_on_sync: policy.scan_on_sync },
      project,
      webhook: Boolean(ctx.webhook),
    };
  };
  app.get('/settings', { schema: { tags: ['console'], summary: 'Scan and sync policies in force' } }, (request) =>
    settingsOf(request.identity!.projectId),
  );

  // A project's own choices; null goes back to the server's default.
  app.put<{ Body: ProjectSettings }>(
    '/settings',
    {
      schema: {
        tags: ['console'],
        summary: "The project's own policies (null: the server's default)",
        body: {
          type: 'object',
          required: ['scan_on_sync'],
          additionalProperties: false,
          properties: { scan_on_sync: { type: ['boolean', 'null'] } },
        },
      },
    },
    async (request) => {
      const identity = request.identity!;
      await writeProjectSettings(ctx.db, identity.projectId, request.body, identity.name);
      return settingsOf(identity.projectId);
    },
  );
}
