// What a worker process runs with: its concurrency, intervals, scan data and the schedules of periodic work.
// Parsed from the environment with the rest of the configuration (config.ts); the API reads it
// to show the policy in force (native overview).
import type { AdapterConfig } from '../scanning/external/harbor-adapter.js';
import type { FeedConfig } from '../scanning/feeds/sources.js';

/** Cron schedules (UTC) of the periodic work: access checks, the daily crawl, then the daily scan of every digest. */
export const SCHEDULES = { health: '*/10 * * * *', inventory: '0 3 * * *', scan: '0 5 * * *' } as const;

/** When the advisory feeds are refreshed by default (cron, UTC): every 6 hours. */
export const DEFAULT_VULNDB_SCHEDULE = '0 */6 * * *';

export interface WorkerOptions {
  /** Crawls run at once in this process. */
  inventoryConcurrency?: number;
  /** Sync tasks (image copies) run at once in this process (REGATTA_SYNC_CONCURRENCY, default 4). */
  syncConcurrency?: number;
  /** Sync tasks at once from or to one registry, across every process (REGATTA_REGISTRY_CONCURRENCY, default 8). */
  registryConcurrency?: number;
  /** Seconds between polls of PASSIVE rules' source registries (REGATTA_POLL_INTERVAL, default 60). */
  pollIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
  /** The advisory folder scans match against (REGATTA_VULNDB: osv/, malware/). */
  vulndb?: string;
  /** An external scanner adapter (Harbor's pluggable scanner API) that finds vulnerabilities instead. */
  scannerAdapter?: AdapterConfig;
  /** Scans at once in this process (REGATTA_SCAN_CONCURRENCY, default 1: a scan keeps a core busy). */
  scanConcurrency?: number;
  /** MiB of layers a scanning process keeps read (REGATTA_SCAN_LAYER_CACHE_MB, default 256; 0: none). */
  scanLayerCacheMiB?: number;
  /** Keep the advisory feeds of `vulndb` up to date (REGATTA_VULNDB_UPDATE and the feed settings); off when unset. */
  vulndbUpdate?: VulndbUpdateOptions;
  /** Hours after which the scan data is reported stale (REGATTA_VULNDB_STALE_HOURS, default 48). */
  vulndbStaleHours?: number;
  /** Scan the digests an inventory sync finds new (REGATTA_SCAN_ON_SYNC, default true). */
  scanOnSync?: boolean;
  /** Told of every job done (one JSON line per job in `regatta worker`). */
  onJobDone?: (queue: string, data: unknown, pid: number) => void;
}

export interface VulndbUpdateOptions {
  /** The advisory folder the feeds are kept in (the workers' vulndb). */
  dir: string;
  feeds: FeedConfig;
  /** Cron (UTC) of the periodic update (and an update at the first start without data), or false: only when asked. */
  schedule: string | false;
}
