import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConnectorConfig, createConnector, REGISTRY_TYPES, type RegistryType } from './connector.js';
import { DistributionConnector } from './distribution.js';
import { HarborConnector, morePages } from './harbor.js';
import { JfrogConnector } from './jfrog.js';

const config = (type: RegistryType, address = '127.0.0.1:5000'): ConnectorConfig => ({
  type,
  address,
  protocol: 'http',
});

test('createConnector picks the adapter by type; SWR and Other use the Distribution base', async () => {
  const expected: Record<RegistryType, unknown> = {
    Harbor: HarborConnector,
    Jfrog: JfrogConnector,
    SwrPrivate: DistributionConnector,
    SwrShared: DistributionConnector,
    SwrEnterprise: DistributionConnector,
    Other: DistributionConnector,
  };
  for (const type of REGISTRY_TYPES) {
    const c = createConnector(config(type));
    try {
      assert.equal(c.constructor, expected[type], type);
      assert.equal(c.type, type);
      assert.equal(c.client.registry, '127.0.0.1:5000');
    } finally {
      await c.close();
    }
  }
});

test('capabilities are declared per type', async () => {
  const caps = (type: RegistryType) => {
    const c = createConnector(config(type));
    void c.close();
    return c.capabilities();
  };
  assert.deepEqual(caps('Other'), {
    catalog: true,
    vendorListing: false,
    mount: true,
    referrers: false,
    deleteManifests: false,
  });
  assert.deepEqual(caps('Harbor'), {
    catalog: true,
    vendorListing: true,
    mount: true,
    referrers: true,
    deleteManifests: true,
  });
  assert.deepEqual(caps('Jfrog'), {
    catalog: false,
    vendorListing: true,
    mount: false,
    referrers: false,
    deleteManifests: true,
  });
});

test('an unknown type or an address with a scheme or path is INVALID_CONFIG', () => {
  assert.throws(() => createConnector(config('Quay' as RegistryType)), { code: 'INVALID_CONFIG' });
  for (const address of ['https://harbor.example.com', 'host/path', '', 'host:port', 'a b']) {
    assert.throws(() => createConnector(config('Other', address)), { code: 'INVALID_CONFIG' }, address);
  }
  for (const address of ['harbor.example.com', 'localhost:5000', '[::1]:5000', 'registry-1']) {
    void createConnector(config('Other', address)).close();
  }
});

test('Harbor paging: Link rel="next", else X-Total-Count, else a full page', () => {
  const next = { link: '</api/v2.0/projects?page=2&page_size=2>; rel="next"' };
  const prev = { link: '</api/v2.0/projects?page=1&page_size=2>; rel="prev"' };
  assert.equal(morePages(next, 2, 2, 2), true);
  assert.equal(morePages(prev, 4, 2, 2), false);
  assert.equal(morePages({ 'x-total-count': '5' }, 4, 2, 2), true);
  assert.equal(morePages({ 'x-total-count': '4' }, 4, 2, 2), false);
  assert.equal(morePages({}, 4, 2, 2), true);
  assert.equal(morePages({}, 5, 1, 2), false);
});
