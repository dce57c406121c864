// A running server keeps its scan data current: before any data its scans say failed_to_scan_vulnerability and
// /api/v1/vulndb, /readyz and /metrics say the data is missing and stale; an update asked through the API
// (run by the workers from a loopback OSV mirror) puts data live, and the server re-scans the digests it had
// scanned, so the image row shows the vulnerabilities the new data names; a later update that adds an advisory
// re-scans again and the count grows; data status (counts, age, staleness, version) is reported everywhere.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { DEBIAN_FACTS, osvRecord } from '../support/advisories.js';
import { freshPostgresDatabase } from '../support/database.js';
import { pushImage } from '../support/fixtures.js';
import { type OsvServer, startOsvServer, writeAllZip, writeModifiedIds, writeRecord } from '../support/osv-server.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { buildRiskyImage } from '../support/risky-image.js';
import { until } from '../support/until.js';
import {
  addRegistry,
  apiCall,
  hssCall,
  inventorySync,
  type Json,
  startServer,
  type TestServer,
  TOKEN,
} from './server.js';

let tmp: string;
let osv: OsvServer;
let server: TestServer;
let registry: TestRegistry;
let fresh: Awaited<ReturnType<typeof freshPostgresDatabase>> | undefined;

const openssl = DEBIAN_FACTS.filter((f) => f.package === 'openssl').map(osvRecord);
const row = async () =>
  (await hssCall(server.url, 'GET', '/image/registries/images', { query: { image_name: 'api' } })).json
    .data_list[0] as Json;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'regatta-vulndb-server-'));
  const bucket = join(tmp, 'bucket');
  writeAllZip(bucket, 'Debian', openssl);
  writeModifiedIds(bucket, 'Debian', openssl);
  osv = await startOsvServer(bucket);
  const vulndb = join(tmp, 'vulndb');
  // On PostgreSQL when DATABASE_URL is set (as on CI), else the embedded default.
  fresh = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  server = await startServer({
    databaseUrl: fresh?.url,
    workerOptions: {
      vulndb,
      vulndbUpdate: {
        dir: vulndb,
        feeds: { osvBase: osv.url, ecosystems: ['Debian'], malware: [], rules: [] },
        schedule: false,
      },
    },
  });
  registry = await startRegistry();
  await pushImage(registry, 'shop/api', 'risky', await buildRiskyImage());
});
after(async () => {
  await server?.stop();
  await registry?.stop();
  await osv?.stop();
  await fresh?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('without data a scan says why, and every status says the data is missing', async () => {
  const id = await addRegistry(server.url, { name: 'shop', host: registry.host });
  await inventorySync(server.url, [id]);
  const scanned = await until('scanned without advisories', async () => {
    const r = await row();
    return r?.scan_status === 'failed' ? r : undefined;
  });
  assert.equal(scanned.scan_failed_desc, 'The vulnerability scan failed.');
  // A failed scan is no verdict: no severity_level, no counts, on an image never scanned to the end.
  assert.deepEqual([scanned.severity_level, scanned.vul_num, scanned.scan_stale], [undefined, 0, undefined]);
  const status = await apiCall(server.url, 'GET', '/vulndb');
  assert.equal(status.status, 200);
  assert.deepEqual([status.json.generation, status.json.stale, status.json.feeds], [null, true, []]);
  const ready = await request(`${server.url}/readyz`);
  assert.equal(ready.statusCode, 200, 'old or missing data never makes the server unready');
  assert.equal(((await ready.body.json()) as Json).vulndb.stale, true);
});

test('an update through the API puts data live and the server re-scans what it had scanned', async () => {
  const asked = await apiCall(server.url, 'POST', '/vulndb/update');
  assert.equal(asked.status, 202);
  const scanned = await until(
    'the image re-scanned with the new data',
    async () => {
      const r = await row();
      return r?.scan_status === 'success' ? r : undefined;
    },
    120_000,
  );
  assert.ok(scanned.severity_level, 'a completed scan has a severity');
  // Every openssl advisory fixed after the release version names both libssl3 and openssl.
  const applies = openssl.filter((r) => JSON.stringify(r).includes('deb12u')).length;
  assert.equal(scanned.vul_num, applies * 2, 'openssl and libssl3 per advisory (no npm feed: lodash has none)');
  const status = await apiCall(server.url, 'GET', '/vulndb');
  assert.equal(status.json.stale, false);
  assert.match(status.json.generation, /^gen-/);
  assert.match(status.json.version, /^osv-/);
  assert.deepEqual(
    status.json.feeds.map((f: Json) => [f.name, f.records, f.error]),
    [['Debian', openssl.length, null]],
  );
  const metrics = await request(`${server.url}/metrics`, { headers: { 'x-auth-token': TOKEN } });
  const text = await metrics.body.text();
  assert.match(text, new RegExp(`regatta_vulndb_records\\{feed="Debian",kind="osv"\\} ${openssl.length}`));
  assert.match(text, /regatta_vulndb_age_seconds\{feed="all"\} \d+/);
  assert.match(text, /regatta_vulndb_update_failing\{feed="Debian"\} 0/);
});

test('an update that adds an advisory re-scans the affected digest; the count grows', async () => {
  const before = await row();
  const glibc = osvRecord({ ...DEBIAN_FACTS.find((f) => f.package === 'glibc')!, modified: '2026-07-01T00:00:00Z' });
  writeRecord(osv.root, 'Debian', glibc);
  writeModifiedIds(osv.root, 'Debian', [...openssl, glibc]);
  assert.equal((await apiCall(server.url, 'POST', '/vulndb/update')).status, 202);
  const after = await until(
    'the new advisory found',
    async () => {
      const r = await row();
      return r?.scan_status === 'success' && r.vul_num > before.vul_num ? r : undefined;
    },
    120_000,
  );
  assert.equal(after.vul_num, before.vul_num + 1, 'libc6 now has one advisory');
});
