// Scanning through the HSS APIs of a running Regatta whose workers read the real advisory data: an inventory
// sync of a real registry scans the new digests by itself (scan-on-sync), the image rows show the risk
// (vul_num, malicious_file_num, unsafe_setting_num, severity_level High) and the scan filters of
// ListRegistryImages select by it; per-image lists (vulnerabilities with CVE ids and fixed versions, malicious
// files, sensitive files, unsafe settings) and the SBOM answer; a manual scan task of an already-scanned digest
// ends at once from the stored result, and so does the daily schedule's; the task list shows every task.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scheduledScans } from '../../src/services/scanning.js';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { buildRiskyImage } from '../support/risky-image.js';
import { until } from '../support/until.js';
import { VULNDB } from '../support/vulndb.js';
import { runCli } from './cli.js';
import { addRegistry, apiCall, hssCall, type Json, PROJECT, startServer, type TestServer, TOKEN } from './server.js';

let server: TestServer;
let registry: TestRegistry;
let risky: Json;
let clean: Json;

const hss = (method: 'GET' | 'POST' | 'PUT', path: string, opts: { query?: Json; body?: unknown } = {}) =>
  hssCall(server.url, method, path, opts);

before(async () => {
  server = await startServer({ workerOptions: { vulndb: VULNDB } });
  registry = await startRegistry();
  await pushImage(registry, 'shop/api', 'risky', await buildRiskyImage());
  await pushImage(registry, 'shop/static', '1.0', await buildImage({ format: 'oci', seed: 'clean', user: 'www' }));
  const id = await addRegistry(server.url, { name: 'shop', host: registry.host });
  const task = await hss('POST', '/image/image-sync/tasks', { body: { registry_info: [{ registry_id: id }] } });
  assert.equal(task.status, 200, JSON.stringify(task.json));
  const rows = await until(
    'both images scanned',
    async () => {
      const list = await hss('GET', '/image/registries/images', { query: { limit: 50 } });
      const done = list.json.data_list?.filter((r: Json) => r.scan_status === 'success' || r.scan_status === 'failed');
      return done?.length === 2 ? (list.json.data_list as Json[]) : undefined;
    },
    120_000,
  );
  risky = rows.find((r) => r.image_name === 'api')!;
  clean = rows.find((r) => r.image_name === 'static')!;
});
after(async () => {
  await server?.stop();
  await registry?.stop();
});

test('scan-on-sync fills the image rows; the scan filters of ListRegistryImages select by them', async () => {
  assert.equal(risky.scan_status, 'success', JSON.stringify(risky));
  assert.ok(risky.vul_num > 20, `vul_num ${risky.vul_num}`);
  assert.equal(risky.malicious_file_num, 1);
  assert.equal(risky.unsafe_setting_num, 6);
  assert.equal(risky.severity_level, 'High');
  assert.ok(risky.latest_scan_time > 0);
  // The clean image (no OS, no packages, an unprivileged user) has nothing to report.
  assert.equal(clean.scan_status, 'success', JSON.stringify(clean));
  assert.deepEqual([clean.vul_num, clean.malicious_file_num, clean.unsafe_setting_num], [0, 0, 0]);
  assert.equal(clean.severity_level, 'Security');

  const names = async (query: Json) =>
    (await hss('GET', '/image/registries/images', { query })).json.data_list.map((r: Json) => r.image_name);
  assert.deepEqual(await names({ has_malicious_file: true }), ['api']);
  assert.deepEqual(await names({ has_vul: false }), ['static']);
  assert.deepEqual(await names({ risky: true }), ['api']);
  assert.deepEqual(await names({ severity_level: 'High' }), ['api']);
  assert.deepEqual((await names({ scan_status: 'success' })).sort(), ['api', 'static']);
});

test('ListImageVulnerabilities, malwares, sensitive files, unsafe settings and the SBOM of an image', async () => {
  const base = `/image/${risky.image_id}`;
  const vulns = await hss('GET', `${base}/vulnerabilities`, { query: { limit: 200 } });
  assert.equal(vulns.status, 200, JSON.stringify(vulns.json));
  assert.equal(vulns.json.total_num, risky.vul_num);
  const ssl = vulns.json.data_list.find((v: Json) => v.app_name === 'libssl3');
  assert.match(ssl.vul_id, /^CVE-\d{4}-\d+$/);
  assert.equal(ssl.version, '3.0.9-1');
  assert.match(ssl.solution, /^Upgrade libssl3 to 3\.0\.\d+/);
  assert.ok(['immediate_repair', 'delay_repair', 'not_needed_repair'].includes(ssl.repair_necessity));
  assert.match(ssl.url, /^https:\/\//);
  const lodash = await hss('GET', `${base}/vulnerabilities`, { query: { app_name: 'lodash' } });
  assert.equal(lodash.json.total_num, 4);

  const malware = await hss('GET', `${base}/malwares`);
  assert.deepEqual(
    malware.json.data_list.map((m: Json) => [m.file_path, m.malware_name, m.source]),
    [['/tmp/eicar.com', 'EICAR-Test-File (SHA256)', 'test-hashes.txt']],
  );
  const sensitive = await hss('GET', `${base}/sensitive`);
  assert.deepEqual(sensitive.json.data_list.map((s: Json) => s.rule_id).sort(), [
    'secret.aws-access-token',
    'secret.generic-api-key',
    'secret.github-pat',
    'secret.private-key',
  ]);
  const settings = await hss('GET', `${base}/baseline/risk-configs`, { query: { limit: 50 } });
  assert.equal(settings.json.total_num, 6);
  assert.ok(settings.json.data_list.some((s: Json) => s.rule_id === 'user.root'));

  const sbom = await hss('GET', `${base}/sbom`);
  assert.equal(sbom.json.bomFormat, 'CycloneDX');
  assert.ok(sbom.json.components.some((c: Json) => c.name === 'libssl3' && c.version === '3.0.9-1'));

  const unknown = await hss('GET', '/image/0000000000000000/vulnerabilities');
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error_code, 'HSS.0011');
});

test('vulnerabilities filter and page in the store; the native API finds every image affected by one', async () => {
  const base = `/image/${risky.image_id}`;
  const all = (await hss('GET', `${base}/vulnerabilities`, { query: { limit: 200 } })).json.data_list as Json[];
  const slice = await hss('GET', `${base}/vulnerabilities`, { query: { offset: 5, limit: 10 } });
  assert.equal(slice.json.total_num, all.length);
  assert.deepEqual(slice.json.data_list, all.slice(5, 15), 'a page is the same rows as the full list, in order');
  let counted = 0;
  for (const repair of ['immediate_repair', 'delay_repair', 'not_needed_repair']) {
    const part = await hss('GET', `${base}/vulnerabilities`, { query: { repair_necessity: repair, limit: 200 } });
    assert.ok(
      part.json.data_list.every((v: Json) => v.repair_necessity === repair),
      repair,
    );
    assert.equal(part.json.total_num, all.filter((v) => v.repair_necessity === repair).length, repair);
    counted += part.json.total_num;
  }
  assert.equal(counted, all.length, 'the three repair classes cover every finding');
  const cve = all.find((v) => v.app_name === 'libssl3')!.vul_id;
  const byPart = await hss('GET', `${base}/vulnerabilities`, { query: { vul_id: cve.slice(4) } });
  assert.ok(
    byPart.json.data_list.some((v: Json) => v.vul_id === cve),
    'vul_id matches a part of the id',
  );

  const affected = await apiCall(server.url, 'GET', `/images?vulnerability=${cve}`);
  assert.equal(affected.status, 200, JSON.stringify(affected.json));
  assert.deepEqual(
    affected.json.data_list.map((r: Json) => [r.image_name, r.image_digest]),
    [['api', risky.image_digest]],
  );
  const none = await apiCall(server.url, 'GET', '/images?vulnerability=CVE-1999-0001');
  assert.deepEqual([none.status, none.json.total_num], [200, 0]);
  const bad = await apiCall(server.url, 'GET', `/images?vulnerability=${encodeURIComponent('x/../y')}`);
  assert.equal(bad.status, 400);
  const cli = await runCli([
    'images',
    'ls',
    '--vulnerability',
    cve,
    '--server',
    server.url,
    '--token',
    TOKEN,
    '--project',
    PROJECT,
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /shop\/api:risky {2}sha256:[0-9a-f]{64}\n1 images\n$/);
});

test('a manual scan of a scanned digest ends from the stored result; the task list shows it', async () => {
  const created = await hss('POST', '/image/image-scan/tasks', {
    body: { image_info: [{ image_id: risky.image_id }] },
  });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const task = await until('the manual task ended', async () => {
    const list = await hss('GET', '/image/tasks', { query: { type: 'image_scan', task_id: created.json.task_id } });
    const t = list.json.data_list?.[0];
    return t?.task_status === 'finished' ? t : undefined;
  });
  assert.deepEqual([task.task_type, task.total_num, task.success_num, task.failed_num], ['manual', 1, 1, 0]);
  // The daily schedule asks for every digest; both were scanned against this database, so both reuse results.
  await scheduledScans(server.runtime.ctx);
  const cycle = await until('the scheduled task ended', async () => {
    const list = await hss('GET', '/image/tasks', { query: { type: 'image_scan' } });
    const t = list.json.data_list?.find((x: Json) => x.task_type === 'cycle');
    return t?.task_status === 'finished' ? t : undefined;
  });
  assert.deepEqual([cycle.total_num, cycle.success_num, cycle.is_all], [2, 2, true]);
  const all = await hss('GET', '/image/tasks', { query: { type: 'image_scan' } });
  assert.deepEqual(all.json.data_list.map((t: Json) => t.task_type).sort(), ['autoSync', 'cycle', 'manual']);

  // BatchScan: by namespace, name and tag, or every image matching filters.
  const byName = await hss('POST', '/image/batch-scan', {
    body: { image_info_list: [{ namespace: 'shop', image_name: 'api', image_version: 'risky' }] },
  });
  assert.equal(byName.status, 200, JSON.stringify(byName.json));
  const filtered = await hss('POST', '/image/batch-scan', { body: { operate_all: true, image_name: 'static' } });
  for (const id of [byName.json.task_id, filtered.json.task_id]) {
    const t = await until('the batch scan ended', async () => {
      const r = (await hss('GET', '/image/tasks', { query: { type: 'image_scan', task_id: id } })).json.data_list?.[0];
      return r?.task_status === 'finished' ? r : undefined;
    });
    assert.deepEqual([t.total_num, t.success_num], [1, 1]);
  }
  const unknownImage = await hss('POST', '/image/batch-scan', {
    body: { image_info_list: [{ namespace: 'shop', image_name: 'nope', image_version: '1' }] },
  });
  assert.equal(unknownImage.json.error_code, 'HSS.0011');

  const stopEnded = await hss('PUT', `/image/image-scan/tasks/${created.json.task_id}/stop`);
  assert.equal(stopEnded.status, 400);
  assert.equal(stopEnded.json.error_code, 'HSS.1001');
  const bad = await hss('POST', '/image/image-scan/tasks', { body: {} });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error_code, 'HSS.0001');
});
