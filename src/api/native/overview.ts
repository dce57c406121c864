// What the console reads to start: who the caller is (its project, for the HSS paths), the dashboard's counts,
// and the policies in force (scan on sync, schedules, the advisory folder): the process's settings, with what the
// project chose over them (PUT /settings).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { SCHEDULES, type WorkerOptions } from '../../app/worker-options.js';
import { DEFAULT_STALE_HOURS } from '../../scanning/feeds/status.js';
import { projectOverview } from '../../store/overview.js';
import { readProjectSettings, writeProjectSettings } from '../../store/project-settings.js';
import { typed } from '../typed.js';
import { nativeScope } from './rules.js';
import { arrayOf, bool, int, nullableInt, nullableStr, num, str, view } from './schemas.js';
import { taskSchema, taskView } from './tasks.js';

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

/** Counts by state (registries by status, images by severity level, tasks by status). */
const counts = { type: 'object', additionalProperties: int } as const;
const scanOnSync = { type: ['boolean', 'null'] } as const;

/** The settings in force: the server's policies, with the project's own choices over them. */
const settingsSchema = view({
  scan_on_sync: bool,
  vulndb: nullableStr,
  vulndb_stale_hours: num,
  scanner_adapter: nullableStr,
  poll_interval_seconds: { type: ['number', 'null'] },
  schedules: view({ inventory: str, scan: str, health: str, vulndb: nullableStr }),
  server: view({ scan_on_sync: bool }),
  project: view({ scan_on_sync: scanOnSync }),
  webhook: bool,
});

export function registerOverviewRoutes(app: FastifyInstance, ctx: AppContext, policy: ServerPolicy): void {
  typed(app).get(
    '/overview',
    {
      config: { access: 'read' },
      schema: {
        tags: ['console'],
        summary: 'Counts by state, newest failures',
        response: {
          200: {
            description: "The project's dashboard",
            ...view({
              registries: counts,
              images: counts,
              tasks: counts,
              failures: arrayOf(taskSchema),
              oldest_sync: nullableInt,
              newest_sync: nullableInt,
              never_synced: int,
            }),
          },
        },
      },
    },
    async (request) => {
      const o = await projectOverview(ctx.db, nativeScope(request));
      return { ...o, failures: o.failures.map(taskView) };
    },
  );

  registerSettingsRoutes(app, ctx, policy);
}

function registerSettingsRoutes(app: FastifyInstance, ctx: AppContext, policy: ServerPolicy): void {
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
  typed(app).get(
    '/settings',
    {
      config: { access: 'read' },
      schema: {
        tags: ['console'],
        summary: 'Scan and sync policies in force',
        response: { 200: { description: 'The policies in force', ...settingsSchema } },
      },
    },
    (request) => settingsOf(request.identity!.projectId),
  );

  // A project's own choices; null goes back to the server's default.
  typed(app).put(
    '/settings',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['console'],
        summary: "The project's own policies (null: the server's default)",
        body: {
          type: 'object',
          required: ['scan_on_sync'],
          additionalProperties: false,
          properties: { scan_on_sync: scanOnSync },
        },
        response: { 200: { description: 'The policies in force now', ...settingsSchema } },
      },
    },
    async (request) => {
      const identity = request.identity!;
      await writeProjectSettings(ctx.db, identity.projectId, request.body, identity.name);
      return settingsOf(identity.projectId);
    },
  );
}
