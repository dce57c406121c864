// The worker's shared connectors: one per registry while its settings stay, a new one when they change, none for
// a removed registry, and retries told to the task whose request it was (a real registry behind a fault proxy).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FaultProxy, startFaultProxy } from '../../test/support/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import type { RetryInfo } from '../oci/transport.js';
import type { RegistryStore, RegistryView } from '../store/registries.js';
import { ConnectorPool, withRetryListener } from './connector-pool.js';

let registry: TestRegistry;
let proxy: FaultProxy;
before(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy({ target: registry.url, rate: 0, seed: 3, faults: ['503'] });
});
after(async () => {
  await proxy?.stop();
  await registry?.stop();
});

/** A registry store holding rows in memory: what the pool reads is the row, not how it is stored. */
function rowsOf(rows: Map<string, Partial<RegistryView> & { password?: string }>): RegistryStore {
  return { connectionOf: async (id: string) => rows.get(id) } as unknown as RegistryStore;
}

const row = (host: string, username: string | null = null): Partial<RegistryView> => ({
  registry_type: 'Other',
  registry_addr: host,
  protocol: 'http',
  registry_username: username,
  namespace: null,
});

test('one connector per registry while its settings stay; a new one after they change; none once removed', async () => {
  const rows = new Map<string, Partial<RegistryView> & { password?: string }>([['r1', row(registry.host)]]);
  const pool = new ConnectorPool(rowsOf(rows), { rowTtlMs: 0 });
  try {
    const a = await pool.acquire('r1');
    const b = await pool.acquire('r1');
    assert.ok(a && b);
    assert.equal(a.connector, b.connector, 'two tasks share one connector');
    a.release();
    b.release();
    rows.set('r1', { ...row(registry.host, 'someone'), password: 'secret' });
    const c = await pool.acquire('r1');
    assert.notEqual(c?.connector, a.connector, 'new credentials, new connector');
    c?.release();
    rows.delete('r1');
    assert.equal(await pool.acquire('r1'), undefined);
  } finally {
    await pool.close();
  }
});

test('a retry is told to the task whose request it was, not to the others sharing the connector', async () => {
  const pool = new ConnectorPool(rowsOf(new Map([['r1', row(proxy.host)]])));
  try {
    const lease = await pool.acquire('r1');
    assert.ok(lease);
    const heard: Record<string, RetryInfo[]> = { failing: [], quiet: [] };
    proxy.setRate(1);
    const failing = withRetryListener(
      (i) => heard.failing!.push(i),
      () => lease.connector.client.tagList('x/y').catch(() => undefined),
    );
    await failing;
    proxy.setRate(0);
    await withRetryListener(
      (i) => heard.quiet!.push(i),
      () => lease.connector.client.tagList('x/y').catch(() => undefined),
    );
    assert.ok(heard.failing!.length > 0, 'the failing request was retried and its task told');
    assert.equal(heard.quiet!.length, 0);
    lease.release();
  } finally {
    await pool.close();
  }
});
