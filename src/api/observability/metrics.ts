// Prometheus metrics at /metrics (prom-client), authenticated like every request (Prometheus sends a Bearer
// token): HTTP requests by route and status, jobs by queue and state and the queue depth (read from pg-boss's
// table at scrape time, so every process reports the shared queue), sync tasks by status, bytes copied, scans by
// outcome with their durations, requests to registries by host, status and error code, rate-limit waits by host,
// and each rule's images by drift state. Process metrics (CPU, memory, event loop) too.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../../app/context.js';
import { onRateLimitWait } from '../../oci/host-budget.js';
import { onRegistryRequest } from '../../oci/request-events.js';
import { DRIFT_STATES, type DriftState, driftCounts } from '../../replication/drift.js';
import type { VulndbStatus } from '../../scanning/feeds/status.js';
import { ruleDrift } from '../../services/drift.js';
import { onScanFinished } from '../../services/scanning.js';
import { ALL_ENTERPRISE_PROJECTS } from '../../store/scope.js';
import { bytesCopied, countsByStatus, jobCounts, queueDepth } from '../../store/stats.js';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  close(): void;
}

export function createMetrics(ctx: AppContext, vulndb: () => Promise<VulndbStatus>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'regatta_' });
  const httpRequests = new Counter({
    name: 'regatta_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const rateLimitWaits = new Counter({
    name: 'regatta_rate_limit_waits_total',
    help: 'Pauses imposed on a registry host by 429 answers or rate-limit headers',
    labelNames: ['host', 'reason'] as const,
    registers: [registry],
  });
  const unsubscribe = onRateLimitWait((w) => rateLimitWaits.inc({ host: w.host, reason: w.reason }));
  const registryRequests = new Counter({
    name: 'regatta_registry_requests_total',
    help: 'Requests to registries (every try), by host, method, HTTP status (none: no answer) and error code (OK)',
    labelNames: ['host', 'method', 'status', 'code'] as const,
    registers: [registry],
  });
  const stopCountingRequests = onRegistryRequest((r) => registryRequests.inc({ ...r }));
  new Gauge({
    name: 'regatta_jobs',
    help: 'Jobs in the shared queue, by queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await jobCounts(ctx.db)) this.set({ queue: r.queue, state: r.state }, r.n);
    },
  });
  registerVulndbGauges(registry, vulndb);
  new Gauge({
    name: 'regatta_queue_depth',
    help: 'Jobs waiting to run (created or waiting to retry), all queues',
    registers: [registry],
    async collect() {
      this.set(await queueDepth(ctx.db));
    },
  });
  new Gauge({
    name: 'regatta_sync_tasks',
    help: 'Sync tasks by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await countsByStatus(ctx.db, 'sync_tasks')) this.set({ status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'regatta_sync_bytes_copied',
    help: 'Bytes of finished sync tasks (SUCCESS), all time',
    registers: [registry],
    async collect() {
      this.set(await bytesCopied(ctx.db));
    },
  });
  new Gauge({
    name: 'regatta_scans',
    help: 'Scanned digests by outcome',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await countsByStatus(ctx.db, 'scan_results')) this.set({ status: r.status }, r.n);
    },
  });
  registerDriftGauge(registry, ctx);
  const scanDurations = new Histogram({
    name: 'regatta_scan_duration_seconds',
    help: 'Durations of the scans this process ran, by outcome',
    labelNames: ['status'] as const,
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const stopScans = onScanFinished((s) => scanDurations.observe({ status: s.status }, s.durationMs / 1000));
  return {
    registry,
    httpRequests,
    close: () => {
      unsubscribe();
      stopCountingRequests();
      stopScans();
    },
  };
}

/** The scan data's freshness per feed, read at scrape time from the live generation's state. */
function registerVulndbGauges(registry: Registry, vulndb: () => Promise<VulndbStatus>): void {
  let read: Promise<VulndbStatus> | undefined;
  // One read per scrape for all three gauges.
  const current = () => {
    read ??= vulndb().finally(() => setTimeout(() => (read = undefined), 1000).unref());
    return read;
  };
  new Gauge({
    name: 'regatta_vulndb_records',
    help: 'Records (advisories, hashes or rules) in each scan data feed',
    labelNames: ['feed', 'kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of (await current()).feeds) this.set({ feed: f.name, kind: f.kind }, f.records);
    },
  });
  new Gauge({
    name: 'regatta_vulndb_age_seconds',
    help: 'Seconds since each feed\'s data last changed (the age of the oldest feed: feed="all")',
    labelNames: ['feed'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const s = await current();
      for (const f of s.feeds) this.set({ feed: f.name }, f.age_seconds);
      if (s.age_seconds !== null) this.set({ feed: 'all' }, s.age_seconds);
    },
  });
  new Gauge({
    name: 'regatta_vulndb_update_failing',
    help: "1 while a feed's last update failed (its previous data is in use)",
    labelNames: ['feed'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of (await current()).feeds) this.set({ feed: f.name }, f.error ? 1 : 0);
    },
  });
}

/** How long one computation of every rule's drift serves scrapes (it reads two inventories per rule). */
const DRIFT_TTL_MS = 60_000;

/** Every rule's images by drift state (services/drift.ts, from the inventories), computed at most once a minute. */
function registerDriftGauge(registry: Registry, ctx: AppContext): void {
  let cached: { at: number; counts: Promise<Map<string, Record<DriftState, number>>> } | undefined;
  const current = () => {
    if (cached && Date.now() - cached.at < DRIFT_TTL_MS) return cached.counts;
    const counts = driftOfEveryRule(ctx);
    const entry = { at: Date.now(), counts };
    cached = entry;
    counts.catch(() => {
      if (cached === entry) cached = undefined; // a failed computation is not served for a minute
    });
    return counts;
  };
  new Gauge({
    name: 'regatta_rule_drift_images',
    help: 'Images of each sync rule by drift state (in_sync, missing, drifted, conflict, blocked, extra), from the inventories',
    labelNames: ['rule', 'state'] as const,
    registers: [registry],
    async collect() {
      const counts = await current();
      this.reset();
      for (const [rule, byState] of counts) for (const state of DRIFT_STATES) this.set({ rule, state }, byState[state]);
    },
  });
}

async function driftOfEveryRule(ctx: AppContext): Promise<Map<string, Record<DriftState, number>>> {
  const out = new Map<string, Record<DriftState, number>>();
  for (const project of await ctx.projects.list()) {
    const scope = { projectId: project.id, enterpriseProjectId: ALL_ENTERPRISE_PROJECTS };
    for (let offset = 0; ; offset += 1000) {
      const { rows } = await ctx.syncRules.list(scope, { offset, limit: 1000 });
      for (const rule of rows) {
        // A rule whose drift cannot be computed (its registry just removed) is left out, not the scrape.
        const drift = await ruleDrift(ctx, scope, rule.id).catch(() => undefined);
        if (drift) out.set(rule.id, driftCounts(drift.items));
      }
      if (rows.length < 1000) break;
    }
  }
  return out;
}
