// An external scanner adapter finds the vulnerabilities: Regatta B has no advisory data of its own and sends its
// images, through Harbor's pluggable scanner API, to an adapter — here Regatta A serving that API (so the client is
// tested against a real server, itself tested against a client written from the spec). B's image rows show A's
// vulnerabilities beside B's own malware, setting and secret findings; the registry needs basic auth, which B
// passes on as the scan request's authorization.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { buildRiskyImage } from '../support/risky-image.js';
import { until } from '../support/until.js';
import { VULNDB } from '../support/vulndb.js';
import { hssCall, inventorySync, type Json, startServer, type TestServer, TOKEN } from './server.js';

let adapter: TestServer;
let server: TestServer;
let registry: TestRegistry;

before(async () => {
  adapter = await startServer({ workers: false, app: { vulndb: VULNDB } });
  // B: malware lists and secret rules would come from a vulndb; give it none, so every finding it has is A's
  // (vulnerabilities) or its own checks' (settings, files).
  server = await startServer({
    workerOptions: { vulndb: '/nonexistent', scannerAdapter: { url: adapter.url, token: TOKEN } },
  });
  registry = await startRegistry({ auth: 'basic' });
  await pushImage(registry, 'ext/app', 'v1', await buildRiskyImage());
});
after(async () => {
  await server?.stop();
  await adapter?.stop();
  await registry?.stop();
});

test("the adapter's vulnerabilities fill the rows of a Regatta without advisories", async () => {
  const add = await hssCall(server.url, 'POST', '/image/registries', {
    body: {
      registry_name: 'ext',
      registry_type: 'Other',
      protocol: 'http',
      registry_addr: registry.host,
      registry_username: registry.username,
      registry_password: registry.password,
    },
  });
  assert.equal(add.status, 200, JSON.stringify(add.json));
  await inventorySync(server.url, [String(add.json.id)]);
  const row = await until(
    'scanned through the adapter',
    async () => {
      const r = (await hssCall(server.url, 'GET', '/image/registries/images')).json.data_list?.[0];
      return r?.scan_status === 'success' || r?.scan_status === 'failed' ? (r as Json) : undefined;
    },
    120_000,
  );
  assert.equal(row.scan_status, 'success', JSON.stringify(row));
  assert.ok(row.vul_num > 20, `vul_num ${row.vul_num}`);
  assert.equal(row.unsafe_setting_num, 6, "B's own setting checks still ran");
  assert.equal(row.severity_level, 'High');
  const vulns = await hssCall(server.url, 'GET', `/image/${row.image_id}/vulnerabilities`, {
    query: { app_name: 'libssl3' },
  });
  assert.ok(vulns.json.total_num > 0);
  assert.match(vulns.json.data_list[0].vul_id, /^CVE-/);
  assert.match(vulns.json.data_list[0].solution, /^Upgrade libssl3 to /);
});
