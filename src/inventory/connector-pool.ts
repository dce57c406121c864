// Connectors for stored registries, shared by the tasks of one worker process, as `regatta sync` shares one
// client per registry for a whole run: their kept-alive connections and cached tokens serve every image, where a
// connector per task paid a new connection (and a token) for each of 240 small images. A connector is replaced
// when its registry's connection settings change (address, type, credentials, namespace: read again at most every
// few seconds), closed when idle, and never shared across processes.
// Retries are told to the task that made the request: the copy runs inside `withRetryListener`, and the shared
// transport's onRetry finds that task's listener through AsyncLocalStorage.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { Connector } from '../connectors/connector.js';
import type { RetryInfo } from '../oci/transport.js';
import type { RegistryStore, RegistryView } from '../store/registries.js';
import { connectorOf } from './connect.js';

type RetryListener = (info: RetryInfo) => void;
const retryListener = new AsyncLocalStorage<RetryListener>();

/** Runs `fn` with `listener` told of the retries of the requests it makes through pooled connectors. */
export function withRetryListener<T>(listener: RetryListener, fn: () => Promise<T>): Promise<T> {
  return retryListener.run(listener, fn);
}

export interface Lease {
  registry: RegistryView;
  connector: Connector;
  /** Gives the connector back (it stays open for the next task until idle). */
  release(): void;
}

interface Entry {
  fingerprint: string;
  connector: Connector;
  users: number;
  retired: boolean;
  idle?: NodeJS.Timeout;
}

type Row = (RegistryView & { password?: string }) | undefined;

export interface ConnectorPoolOptions {
  /** How long a stored registry's row is trusted before it is read again (ms). */
  rowTtlMs?: number;
  /** How long an unused connector stays open (ms). */
  idleMs?: number;
  /** Connections per registry host, shared by this process's tasks. */
  concurrency?: number;
}

export class ConnectorPool {
  private readonly entries = new Map<string, Entry>();
  private readonly rows = new Map<string, { row: Promise<Row>; at: number }>();

  constructor(
    private readonly registries: RegistryStore,
    private readonly opts: ConnectorPoolOptions = {},
  ) {}

  /** The connector of registry `id`, or undefined when the registry was removed. */
  async acquire(id: string): Promise<Lease | undefined> {
    const row = await this.row(id);
    if (!row) return undefined;
    const { password, ...registry } = row;
    const fingerprint = fingerprintOf(row);
    let entry = this.entries.get(id);
    if (entry && entry.fingerprint !== fingerprint) {
      this.retire(id, entry);
      entry = undefined;
    }
    if (!entry) {
      entry = { fingerprint, connector: this.create(registry, password), users: 0, retired: false };
      this.entries.set(id, entry);
    }
    clearTimeout(entry.idle);
    entry.users++;
    const held = entry;
    let released = false;
    return {
      registry,
      connector: held.connector,
      release: () => {
        if (released) return;
        released = true;
        held.users--;
        if (held.users > 0) return;
        if (held.retired) void held.connector.close();
        else held.idle = setTimeout(() => this.retire(id, held), this.opts.idleMs ?? 60_000).unref();
      },
    };
  }

  /** Closes every connector (a process shutting down). */
  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const e of all) clearTimeout(e.idle);
    await Promise.allSettled(all.map((e) => e.connector.close()));
  }

  private row(id: string): Promise<Row> {
    const cached = this.rows.get(id);
    const now = Date.now();
    if (cached && now - cached.at < (this.opts.rowTtlMs ?? 5_000)) return cached.row;
    const row = this.registries.connectionOf(id);
    this.rows.set(id, { row, at: now });
    row.catch(() => this.rows.delete(id));
    return row;
  }

  private create(registry: RegistryView, password: string | undefined): Connector {
    return connectorOf(registry, password, {
      concurrency: this.opts.concurrency ?? 16,
      onRetry: (info) => retryListener.getStore()?.(info),
    });
  }

  /** Takes `entry` out of use: closed now if unused, else by its last user. */
  private retire(id: string, entry: Entry): void {
    if (this.entries.get(id) === entry) this.entries.delete(id);
    entry.retired = true;
    clearTimeout(entry.idle);
    if (entry.users === 0) void entry.connector.close();
  }
}

/** What a connector is built from; the password only as a hash, so it is not kept in a second place. */
function fingerprintOf(row: NonNullable<Row>): string {
  const secret = createHash('sha256')
    .update(row.password ?? '')
    .digest('base64');
  return JSON.stringify([
    row.registry_type,
    row.registry_addr,
    row.protocol,
    row.registry_username,
    row.namespace,
    secret,
  ]);
}
