// A realistic, deterministic image inventory for bench/inventory.ts: one project, 20 registries of every type,
// ~5,000 namespaces per million rows (of very different sizes), ~150k repositories per million rows with 3–10
// tags each, exactly one latest_version per repository (its newest tag), ~10 % multi-arch repositories, update
// times over two years (recent ones more likely), a sync in the last day, and a scan mix: most rows `unscan`,
// some `success` with a severity and vulnerability/baseline/malware counts, a few failed, scanning or waiting.
// Rows come out in column batches, the same for every engine (a seeded PRNG, no Math.random).

export const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/** Column order of the generated `images` rows (id is an identity column and is left to the database). */
export const IMAGE_COLUMNS = [
  'project_id',
  'enterprise_project_id',
  'registry_id',
  'namespace',
  'image_name',
  'image_version',
  'image_digest',
  'image_id',
  'media_type',
  'image_size',
  'is_multiple_arch',
  'latest_version',
  'latest_update_time',
  'latest_sync_time',
  'scan_status',
  'scan_failed_code',
  'latest_scan_time',
  'vul_num',
  'unsafe_setting_num',
  'malicious_file_num',
  'severity_level',
] as const;
export type ImageColumn = (typeof IMAGE_COLUMNS)[number];

/** PostgreSQL type of each column, for `unnest($n::type[])`. */
export const IMAGE_COLUMN_TYPES: Record<ImageColumn, string> = {
  project_id: 'text',
  enterprise_project_id: 'text',
  registry_id: 'uuid',
  namespace: 'text',
  image_name: 'text',
  image_version: 'text',
  image_digest: 'text',
  image_id: 'text',
  media_type: 'text',
  image_size: 'int8',
  is_multiple_arch: 'bool',
  latest_version: 'bool',
  latest_update_time: 'int8',
  latest_sync_time: 'int8',
  scan_status: 'text',
  scan_failed_code: 'text',
  latest_scan_time: 'int8',
  vul_num: 'int4',
  unsafe_setting_num: 'int4',
  malicious_file_num: 'int4',
  severity_level: 'text',
};

export type Cell = string | number | boolean | null;
/** A batch of rows, column by column (each array has `rows` entries). */
export interface ImageBatch {
  rows: number;
  columns: Record<ImageColumn, Cell[]>;
}

export interface BenchRegistry {
  id: string;
  registry_name: string;
  registry_type: string;
  instance_id: string | null;
  registry_addr: string;
}

/** What was generated, and filter values for the benchmark cases taken from it. */
export interface InventoryStats {
  rows: number;
  repositories: number;
  namespaces: number;
  latestRows: number;
  multiArchRows: number;
  platformRows: number;
  scanStatus: Record<string, number>;
  severity: Record<string, number>;
  rowsByRegistry: Record<string, number>;
  /** A registry of about average size. */
  sampleRegistry: string;
  /** A namespace of about average size. */
  sampleNamespace: string;
  sampleNamespaceRows: number;
  /** The largest namespace. */
  bigNamespace: string;
  bigNamespaceRows: number;
}

export const PROJECT_ID = 'bench-project-0001';

const REGISTRY_TYPES: { type: string; count: number }[] = [
  { type: 'SwrPrivate', count: 6 },
  { type: 'Harbor', count: 5 },
  { type: 'SwrEnterprise', count: 4 },
  { type: 'SwrShared', count: 2 },
  { type: 'Jfrog', count: 2 },
  { type: 'Other', count: 1 },
];

const NAME_HEADS = [
  'api',
  'auth',
  'billing',
  'cart',
  'catalog',
  'checkout',
  'config',
  'data',
  'edge',
  'event',
  'fraud',
  'gateway',
  'identity',
  'inventory',
  'kafka',
  'ledger',
  'log',
  'mail',
  'media',
  'metrics',
  'nginx',
  'notify',
  'order',
  'payment',
  'pdf',
  'postgres',
  'pricing',
  'profile',
  'queue',
  'rating',
  'redis',
  'report',
  'search',
  'session',
  'shipping',
  'sso',
  'stock',
  'stream',
  'tax',
  'ticket',
  'trace',
  'user',
  'video',
  'web',
  'worker',
  'etl',
  'ml',
  'feature',
  'geo',
  'image',
  'chat',
  'cms',
  'crm',
  'erp',
  'hr',
  'iot',
  'lb',
  'ocr',
  'vpn',
  'wiki',
];
const NAME_TAILS = [
  'api',
  'app',
  'backend',
  'batch',
  'cache',
  'cli',
  'consumer',
  'cron',
  'db',
  'exporter',
  'frontend',
  'gateway',
  'grpc',
  'indexer',
  'ingest',
  'job',
  'loader',
  'manager',
  'migrator',
  'monitor',
  'operator',
  'processor',
  'producer',
  'proxy',
  'relay',
  'scheduler',
  'server',
  'service',
  'sidecar',
  'store',
  'sync',
  'ui',
  'validator',
  'web',
  'worker',
  'agent',
  'bridge',
  'controller',
  'daemon',
  'engine',
];
const TEAMS = ['core', 'platform', 'data', 'infra', 'mobile', 'web', 'sec', 'ops', 'ml', 'finance', 'retail', 'iot'];
const FAILED_CODES = [
  'unknown_error',
  'authentication_failed',
  'download_failed',
  'image_over_sized',
  'response_timed_out',
];
const MEDIA_INDEX = 'application/vnd.oci.image.index.v1+json';
const MEDIA_SINGLE = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
];

/** mulberry32: a small, fast, seeded PRNG with values in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A UUID (version-4 layout) from the PRNG, so every run seeds the same ids. */
function uuidFrom(rand: () => number): string {
  const h = hex(rand, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[Math.floor(rand() * 4)]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const hexBuffer = Buffer.alloc(32);

/** `length` (≤ 64, a multiple of 8) hex digits from the PRNG. */
function hex(rand: () => number, length: number): string {
  for (let i = 0; i < length / 8; i++) hexBuffer.writeUInt32LE(Math.floor(rand() * 0x100000000), i * 4);
  return hexBuffer.toString('hex', 0, length / 2);
}

/** Index into `cumulative` (ascending, last = total) for a uniform draw. */
function pick(cumulative: Float64Array, rand: () => number): number {
  const x = rand() * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulate(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i]!;
    out[i] = sum;
  }
  return out;
}

/** A normal deviate (Box–Muller). */
function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export interface InventoryOptions {
  rows: number;
  /** Reference "now" (ms): update times fall in the two years before it. */
  now: number;
  seed?: number;
  batchRows?: number;
}

/** The generator: registries first (fixed), then `batches()` once, then `stats()`. */
export class Inventory {
  readonly registries: BenchRegistry[];
  private readonly rand: () => number;
  private readonly namespaces: { name: string; registry: number }[];
  private readonly namespaceWeights: Float64Array;
  private readonly rowsByNamespace: Int32Array;
  private readonly namesByNamespace: Map<number, Set<string>>;
  private readonly counts = {
    rows: 0,
    repositories: 0,
    latestRows: 0,
    multiArchRows: 0,
    scanStatus: {} as Record<string, number>,
    severity: {} as Record<string, number>,
    rowsByRegistry: {} as Record<string, number>,
  };

  constructor(private readonly opts: InventoryOptions) {
    this.rand = prng(opts.seed ?? 20261124);
    const rand = this.rand;
    this.registries = [];
    for (const { type, count } of REGISTRY_TYPES) {
      for (let i = 1; i <= count; i++) {
        const n = this.registries.length + 1;
        const name = `${type.toLowerCase()}-${String(n).padStart(2, '0')}`;
        this.registries.push({
          id: uuidFrom(rand),
          registry_name: name,
          registry_type: type,
          instance_id: type === 'SwrEnterprise' ? `instance-${(i % 2) + 1}` : null,
          registry_addr: `${name}.registry.example.com`,
        });
      }
    }
    // Registries of very different sizes: weight ∝ 1/rank^0.8, in a shuffled order.
    const registryWeights = this.registries.map((_, i) => 1 / (i + 1) ** 0.8);
    for (let i = registryWeights.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [registryWeights[i], registryWeights[j]] = [registryWeights[j]!, registryWeights[i]!];
    }
    const registryCumulative = cumulate(registryWeights);
    const namespaceCount = Math.max(20, Math.round((5000 * opts.rows) / 1_000_000));
    this.namespaces = [];
    const weights: number[] = [];
    for (let i = 0; i < namespaceCount; i++) {
      this.namespaces.push({
        name: `${TEAMS[Math.floor(rand() * TEAMS.length)]!}-${i.toString(36).padStart(3, '0')}`,
        registry: pick(registryCumulative, rand),
      });
      weights.push(Math.exp(1.1 * gauss(rand))); // log-normal: most namespaces small, a few very large
    }
    this.namespaceWeights = cumulate(weights);
    this.rowsByNamespace = new Int32Array(namespaceCount);
    this.namesByNamespace = new Map();
  }

  /** The image rows, `batchRows` (default 20,000) at a time. */
  *batches(): Generator<ImageBatch> {
    const { rows: total, now } = this.opts;
    const batchRows = this.opts.batchRows ?? 20_000;
    const rand = this.rand;
    const start = now - 2 * YEAR_MS;
    let batch = emptyBatch();
    while (this.counts.rows < total) {
      const ns = pick(this.namespaceWeights, rand);
      const namespace = this.namespaces[ns]!;
      const registry = this.registries[namespace.registry]!;
      const name = this.repositoryName(ns);
      const tags = Math.min(3 + Math.floor(rand() * 8), total - this.counts.rows);
      const multiArch = rand() < 0.1;
      // Newest tag: recent pushes are likelier (u^1.6 over two years); older tags spread back to the start.
      const newest = Math.round(now - 2 * YEAR_MS * rand() ** 1.6);
      const times: number[] = [newest];
      for (let t = 1; t < tags; t++) times.push(Math.round(start + (newest - start) * rand()));
      times.sort((a, b) => a - b);
      for (let t = 1; t < tags; t++) if (times[t]! <= times[t - 1]!) times[t] = times[t - 1]! + 1;
      const major = 1 + Math.floor(rand() * 3);
      const latestTag = rand() < 0.25;
      this.counts.repositories++;
      for (let t = 0; t < tags; t++) {
        const newestTag = t === tags - 1;
        const version = newestTag && latestTag ? 'latest' : `${major}.${t}.0`;
        this.addRow(batch, registry, namespace.name, name, version, times[t]!, newestTag, multiArch);
        this.rowsByNamespace[ns]!++;
        if (batch.rows === batchRows) {
          yield batch;
          batch = emptyBatch();
        }
      }
    }
    if (batch.rows > 0) yield batch;
  }

  private repositoryName(ns: number): string {
    const rand = this.rand;
    let names = this.namesByNamespace.get(ns);
    if (!names) {
      names = new Set();
      this.namesByNamespace.set(ns, names);
    }
    const base = `${NAME_HEADS[Math.floor(rand() * NAME_HEADS.length)]!}-${NAME_TAILS[Math.floor(rand() * NAME_TAILS.length)]!}`;
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}-${n}`;
    names.add(name);
    return name;
  }

  private addRow(
    batch: ImageBatch,
    registry: BenchRegistry,
    namespace: string,
    name: string,
    version: string,
    updated: number,
    latest: boolean,
    multiArch: boolean,
  ): void {
    const rand = this.rand;
    const { now } = this.opts;
    const digest = hex(rand, 64);
    const r = rand();
    // Newest tags are scanned more often than old ones.
    const success = latest ? 0.45 : 0.17;
    const status =
      r < success
        ? 'success'
        : r < success + 0.03
          ? 'failed'
          : r < success + 0.04
            ? 'scanning'
            : r < success + 0.08
              ? 'waiting_for_scan'
              : 'unscan';
    let severity: string | null = null;
    let vul = 0;
    let unsafe = 0;
    let malicious = 0;
    let scanned: number | null = null;
    let failedCode: string | null = null;
    if (status === 'success' || status === 'failed') scanned = Math.round(updated + (now - updated) * rand());
    if (status === 'failed') failedCode = FAILED_CODES[Math.floor(rand() * FAILED_CODES.length)]!;
    if (status === 'success') {
      const s = rand();
      severity = s < 0.25 ? 'Security' : s < 0.45 ? 'Low' : s < 0.75 ? 'Medium' : 'High';
      vul =
        severity === 'Security'
          ? 0
          : severity === 'Low'
            ? 1 + Math.floor(rand() * 20)
            : severity === 'Medium'
              ? 5 + Math.floor(rand() * 100)
              : 20 + Math.floor(rand() * 500);
      if (rand() < 0.3) unsafe = 1 + Math.floor(rand() * 10);
      if (rand() < 0.01) malicious = 1 + Math.floor(rand() * 3);
      this.counts.severity[severity] = (this.counts.severity[severity] ?? 0) + 1;
    }
    const c = batch.columns;
    c.project_id.push(PROJECT_ID);
    c.enterprise_project_id.push('0');
    c.registry_id.push(registry.id);
    c.namespace.push(namespace);
    c.image_name.push(name);
    c.image_version.push(version);
    c.image_digest.push(`sha256:${digest}`);
    c.image_id.push(multiArch ? digest : hex(rand, 64));
    c.media_type.push(multiArch ? MEDIA_INDEX : MEDIA_SINGLE[Math.floor(rand() * 2)]!);
    c.image_size.push(Math.round(Math.exp(17 + 1.2 * gauss(rand)))); // median ~24 MB, long tail
    c.is_multiple_arch.push(multiArch);
    c.latest_version.push(latest);
    c.latest_update_time.push(updated);
    c.latest_sync_time.push(now - Math.floor(rand() * DAY_MS));
    c.scan_status.push(status);
    c.scan_failed_code.push(failedCode);
    c.latest_scan_time.push(scanned);
    c.vul_num.push(vul);
    c.unsafe_setting_num.push(unsafe);
    c.malicious_file_num.push(malicious);
    c.severity_level.push(severity);
    batch.rows++;
    this.counts.rows++;
    if (latest) this.counts.latestRows++;
    if (multiArch) this.counts.multiArchRows++;
    this.counts.scanStatus[status] = (this.counts.scanStatus[status] ?? 0) + 1;
    this.counts.rowsByRegistry[registry.registry_name] = (this.counts.rowsByRegistry[registry.registry_name] ?? 0) + 1;
  }

  /** Totals and sample filter values; call after `batches()` is exhausted. */
  stats(): InventoryStats {
    const c = this.counts;
    const byRegistry = Object.entries(c.rowsByRegistry);
    const average = c.rows / this.registries.length;
    const [sampleRegistry] = byRegistry.reduce((best, e) =>
      Math.abs(e[1] - average) < Math.abs(best[1] - average) ? e : best,
    );
    const used = [...this.rowsByNamespace.keys()].filter((i) => this.rowsByNamespace[i]! > 0);
    const mean = c.rows / used.length;
    let sample = used[0]!;
    let big = used[0]!;
    for (const i of used) {
      if (Math.abs(this.rowsByNamespace[i]! - mean) < Math.abs(this.rowsByNamespace[sample]! - mean)) sample = i;
      if (this.rowsByNamespace[i]! > this.rowsByNamespace[big]!) big = i;
    }
    return {
      rows: c.rows,
      repositories: c.repositories,
      namespaces: used.length,
      latestRows: c.latestRows,
      multiArchRows: c.multiArchRows,
      platformRows: 2 * c.multiArchRows,
      scanStatus: c.scanStatus,
      severity: c.severity,
      rowsByRegistry: c.rowsByRegistry,
      sampleRegistry,
      sampleNamespace: this.namespaces[sample]!.name,
      sampleNamespaceRows: this.rowsByNamespace[sample]!,
      bigNamespace: this.namespaces[big]!.name,
      bigNamespaceRows: this.rowsByNamespace[big]!,
    };
  }
}

function emptyBatch(): ImageBatch {
  const columns = {} as Record<ImageColumn, Cell[]>;
  for (const col of IMAGE_COLUMNS) columns[col] = [];
  return { rows: 0, columns };
}

/** A batch as COPY text-format lines, columns in IMAGE_COLUMNS order (no value needs escaping: none has a tab, newline or backslash). */
export function copyText(batch: ImageBatch): string {
  const c = batch.columns;
  const v = (x: Cell | undefined) => (x === null || x === undefined ? '\\N' : x === true ? 't' : x === false ? 'f' : x);
  let out = '';
  for (let i = 0; i < batch.rows; i++) {
    out += `${c.project_id[i]}\t${c.enterprise_project_id[i]}\t${c.registry_id[i]}\t${c.namespace[i]}\t${c.image_name[i]}\t${c.image_version[i]}\t${c.image_digest[i]}\t${c.image_id[i]}\t${c.media_type[i]}\t${c.image_size[i]}\t${v(c.is_multiple_arch[i])}\t${v(c.latest_version[i])}\t${c.latest_update_time[i]}\t${c.latest_sync_time[i]}\t${c.scan_status[i]}\t${v(c.scan_failed_code[i])}\t${v(c.latest_scan_time[i])}\t${c.vul_num[i]}\t${c.unsafe_setting_num[i]}\t${c.malicious_file_num[i]}\t${v(c.severity_level[i])}\n`;
  }
  return out;
}
