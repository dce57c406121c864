// Seed 003 in full (issue 17), through a running Regatta and the real Huawei SDK: a multi-arch tag whose arm64
// image carries a vulnerable OpenSSL and whose amd64 image does not is scanned platform by platform: the arm64
// association_images entry is success with vul_num > 0, the amd64 one success with 0, and the tag's row carries
// arm64's findings and severity. The scan detail API answers per platform for a platform's image id. A Helm chart
// and a cosign signature pushed beside it are listed with scannable false and never queued for a scan.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { artifact, debianImage, helmChart } from '../support/debian-platforms.js';
import { type BuiltImage, buildIndex, pushImage } from '../support/fixtures.js';
import { huaweiClient, huaweiSdkSandbox } from '../support/huawei-sdk.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { versions } from '../support/risky-image.js';
import { until } from '../support/until.js';
import { VULNDB } from '../support/vulndb.js';
import { AK, addRegistry, hssCall, type Json, PROJECT, SK, startServer, type TestServer } from './server.js';

let server: TestServer;
let registry: TestRegistry;
let undoSandbox: () => void;
const built: Record<string, BuiltImage> = {};

const listRequest = (queryParams: object) => ({
  method: 'GET',
  url: '/v5/{project_id}/image/registries/images',
  queryParams,
  pathParams: {},
  headers: {},
  contentType: 'application/json',
});

before(async () => {
  undoSandbox = huaweiSdkSandbox();
  server = await startServer({ workerOptions: { vulndb: VULNDB } });
  registry = await startRegistry();
  built.arm64 = await debianImage(
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    versions.openssl!.release,
    'platform',
  );
  built.amd64 = await debianImage({ os: 'linux', architecture: 'amd64' }, versions.openssl!.current, 'platform');
  const index = buildIndex([built.amd64, built.arm64], 'oci');
  await pushImage(registry, 'shop/multi', 'v1', index);
  built.chart = helmChart();
  await pushImage(registry, 'charts/web', '0.1.0', built.chart);
  built.signature = artifact(
    'application/vnd.oci.image.config.v1+json',
    '{}',
    'application/vnd.dev.cosign.simplesigning.v1+json',
    JSON.stringify({ critical: { image: { 'docker-manifest-digest': index.digest } } }),
  );
  await pushImage(registry, 'shop/multi', `${index.digest.replace(':', '-')}.sig`, built.signature);
  const id = await addRegistry(server.url, { name: 'shop', host: registry.host });
  const task = await hssCall(server.url, 'POST', '/image/image-sync/tasks', {
    body: { registry_info: [{ registry_id: id }] },
  });
  assert.equal(task.status, 200, JSON.stringify(task.json));
});
after(async () => {
  await server?.stop();
  await registry?.stop();
  undoSandbox?.();
});

test('each platform of a multi-arch tag is scanned by its own digest; the tag row sums them up (Huawei SDK)', async () => {
  const client = huaweiClient(server.url, AK, SK, PROJECT);
  const row = await until(
    'the multi-arch tag scanned',
    async () => {
      const list = (await client.sendRequest(listRequest({ image_name: 'multi', image_version: 'v1' }))) as Json;
      const r = list.data_list?.[0];
      return r?.scan_status === 'success' ? r : undefined;
    },
    120_000,
  );
  assert.equal(row.is_multiple_arch, true);
  assert.equal(row.scannable, true);
  const entries = new Map<string, Json>(row.association_images.map((a: Json) => [a.architecture, a]));
  assert.deepEqual([...entries.keys()].sort(), ['amd64', 'arm64']);
  const arm = entries.get('arm64')!;
  const amd = entries.get('amd64')!;
  assert.equal(arm.image_digest, built.arm64!.digest);
  assert.deepEqual([arm.scan_status, arm.os, arm.variant], ['success', 'linux', 'v8']);
  assert.ok(arm.vul_num > 0, `arm64 vul_num ${arm.vul_num}`);
  assert.deepEqual([amd.scan_status, amd.vul_num, amd.severity_level], ['success', 0, 'Security']);
  // The tag: arm64's findings (the distinct findings of both) and its severity.
  assert.equal(row.vul_num, arm.vul_num);
  assert.equal(row.severity_level, arm.severity_level);
  assert.notEqual(row.severity_level, 'Security');

  // The detail API per platform: by a platform's image id, its own findings; by the tag, all of them.
  const vulns = (imageId: string) =>
    hssCall(server.url, 'GET', `/image/${imageId}/vulnerabilities`, { query: { limit: 200 } });
  const ofArm = await vulns(arm.image_id);
  assert.equal(ofArm.status, 200, JSON.stringify(ofArm.json));
  assert.equal(ofArm.json.total_num, arm.vul_num);
  assert.ok(ofArm.json.data_list.every((v: Json) => v.app_list?.[0]?.app_name === 'libssl3' || v.vul_id));
  assert.equal((await vulns(amd.image_id)).json.total_num, 0);
  assert.equal((await vulns(row.image_id)).json.total_num, row.vul_num);

  // Each platform digest was scanned once, the index digest itself never.
  const scanned = await server.runtime.ctx.db.selectFrom('scan_task_digests').select('digest').execute();
  const digests = scanned.map((r) => r.digest);
  assert.ok(digests.includes(built.arm64!.digest) && digests.includes(built.amd64!.digest));
  assert.equal(digests.includes(row.image_digest), false, 'the index is summarised, not scanned');
});

test('a Helm chart and a cosign signature are listed with scannable false and never queued for a scan', async () => {
  const client = huaweiClient(server.url, AK, SK, PROJECT);
  const list = (await client.sendRequest(listRequest({ limit: 50 }))) as Json;
  const byTag = new Map<string, Json>(list.data_list.map((r: Json) => [`${r.namespace}/${r.image_name}`, r]));
  const chart = byTag.get('charts/web')!;
  assert.deepEqual(
    [chart.scannable, chart.unscannable_reason, chart.scan_status, chart.severity_level],
    [false, 'not_a_container_image', 'unscan', undefined],
  );
  const signature = list.data_list.find((r: Json) => r.image_version.endsWith('.sig'));
  assert.deepEqual([signature.scannable, signature.scan_status], [false, 'unscan']);
  const queued = await server.runtime.ctx.db
    .selectFrom('scan_task_digests')
    .select('digest')
    .where('digest', 'in', [built.chart!.digest, built.signature!.digest])
    .execute();
  assert.deepEqual(queued, [], 'no scan task covers an artifact');
  // Asking for them by hand queues nothing either.
  const asked = await hssCall(server.url, 'POST', '/image/image-scan/tasks', {
    body: { image_info: [{ id: chart.id }] },
  });
  assert.equal(asked.status, 200, JSON.stringify(asked.json));
  const again = await server.runtime.ctx.db
    .selectFrom('scan_task_digests')
    .select('digest')
    .where('digest', '=', built.chart!.digest)
    .execute();
  assert.deepEqual(again, []);
});
