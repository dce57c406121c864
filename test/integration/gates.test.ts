// Replication gates (issue 15) through a real server, real registries and real scans: a rule that requires a
// signature by the project's trusted key "release" and no Critical vulnerability copies the signed clean image,
// blocks the unsigned one and the signed one carrying Log4Shell (log4j-core 2.14.1 in a jar) with POLICY_BLOCKED,
// as ACR ListRepoSyncTask (the real pop-core SDK), SWR's sync_job and the drift view say; the preview shows each
// verdict; an allow-list entry for the CVE, added to the rule, gets the vulnerable image copied with no manual
// retry, while the unsigned one stays blocked. No scan was asked for by hand: the gates asked for them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import RPCClient from '@alicloud/pop-core';
import { type BuiltImage, buildImage, pushImage } from '../support/fixtures.js';
import { log4jJar } from '../support/log4j-jar.js';
import { cosignKeyPair, pushCosignSignature } from '../support/referrers.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import { VULNDB } from '../support/vulndb.js';
import {
  AK,
  addRegistry,
  apiCall,
  endedTasks,
  inventorySync,
  type Json,
  runRule,
  SK,
  startServer,
  type TestServer,
  TOKEN,
} from './server.js';

let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
let dir: string;
const ids: Record<string, string> = {};
const images: Record<'clean' | 'unsigned' | 'vulnerable', BuiltImage> = {} as never;
let ruleId: string;
let batchId: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'regatta-gates-'));
  // SWR answers for the registry of its region: the source.
  server = await startServer({ workerOptions: { vulndb: VULNDB }, app: { swrRegion: 'cn-gate' } });
  [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  images.clean = await buildImage({ format: 'oci', seed: 'gate-clean', user: 'app' });
  images.unsigned = await buildImage({ format: 'oci', seed: 'gate-unsigned', user: 'app' });
  images.vulnerable = await buildImage({
    format: 'oci',
    seed: 'gate-log4j',
    user: 'app',
    files: { 'app/lib/log4j-core-2.14.1.jar': await log4jJar(dir) },
  });
  const release = cosignKeyPair();
  for (const [name, image] of Object.entries(images)) await pushImage(src, `gated/${name}`, '1.0', image);
  await pushCosignSignature(src, 'gated/clean', images.clean.digest, release.privateKey);
  await pushCosignSignature(src, 'gated/vulnerable', images.vulnerable.digest, release.privateKey);
  // The unsigned image carries a signature too, by a key nobody trusts.
  await pushCosignSignature(src, 'gated/unsigned', images.unsigned.digest, cosignKeyPair().privateKey);
  for (const [name, reg, instance, region] of [
    ['src', src, 'cri-gsrc', 'cn-gate'],
    ['dst', dst, 'cri-gdst', 'cn-prod'],
  ] as const) {
    ids[name] = await addRegistry(server.url, { name, host: reg.host, instance, region });
  }
  const key = await api('POST', '/trusted-keys', { name: 'release', public_key_pem: release.publicKeyPem });
  assert.equal(key.status, 201, JSON.stringify(key.json));
});
after(async () => {
  await server?.stop();
  await Promise.all([src?.stop(), dst?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const api = (method: string, path: string, body?: unknown) => apiCall(server.url, method, path, { body });
const pop = (action: string, params: Record<string, unknown>) =>
  new RPCClient({ accessKeyId: AK, accessKeySecret: SK, endpoint: server.url, apiVersion: '2018-12-01' }).request(
    action,
    params,
    { method: 'POST' },
  ) as Promise<Json>;

const ruleBody = (allow: { id: string }[] = []) => ({
  source: { registry_id: ids.src, namespace: 'gated' },
  target: { registry_id: ids.dst, namespace: 'prod' },
  gates: { signed_by: ['release'], block_severity: 'Critical', allow_vulnerabilities: allow },
});

/** The batch's tasks by source repository once none is open. */
async function ended(batch: string): Promise<Map<string, Json>> {
  const tasks = await endedTasks(server.url, batch, 120_000);
  return new Map(tasks.map((t) => [t.source.repository as string, t]));
}

test('the gates copy the signed clean image and block the unsigned and the vulnerable one (scans asked for by the gates)', async () => {
  const rule = await api('POST', '/rules', ruleBody());
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  ruleId = rule.json.id;
  const run = await runRule(server.url, ruleId);
  batchId = run.batch_id;
  const tasks = await ended(batchId);
  assert.equal(tasks.get('clean')?.status, 'SUCCESS', JSON.stringify(tasks.get('clean')));
  const unsigned = tasks.get('unsigned')!;
  assert.deepEqual([unsigned.status, unsigned.issue], ['ERROR', 'POLICY_BLOCKED']);
  assert.match(unsigned.issue_detail, /^signed_by: no signature verified by release/);
  const vulnerable = tasks.get('vulnerable')!;
  assert.deepEqual([vulnerable.status, vulnerable.issue], ['ERROR', 'POLICY_BLOCKED']);
  assert.match(
    vulnerable.issue_detail,
    /^block_severity: 1 vulnerabilities at or above Critical: .*(CVE-2021-44228|GHSA-jfh8-c2jp-5v3q)/,
  );
  // Only the clean image is at the target, byte for byte.
  assert.equal(sha256Hex(await skopeoInspectRaw(`${dst.host}/prod/clean:1.0`)), images.clean.digest);
  await assert.rejects(skopeoInspectRaw(`${dst.host}/prod/vulnerable:1.0`));
  await assert.rejects(skopeoInspectRaw(`${dst.host}/prod/unsigned:1.0`));
});

test('the blocked tasks read POLICY_BLOCKED in ACR ListRepoSyncTask (pop-core), SWR sync_job and the drift view', async () => {
  const acr = await pop('ListRepoSyncTask', {
    InstanceId: 'cri-gsrc',
    RepoNamespaceName: 'gated',
    RepoName: 'vulnerable',
  });
  assert.equal(acr.TotalCount, '1', JSON.stringify(acr));
  const row = acr.SyncTasks[0] as Json;
  assert.deepEqual([row.TaskStatus, row.TaskIssue], ['ERROR', 'POLICY_BLOCKED']);
  assert.match(row.TaskIssueDetail, /^block_severity: /);

  const swr = await fetch(
    new URL('/v2/manage/namespaces/gated/repos/unsigned/sync_job?filter=limit::10|offset::0', server.url),
    {
      headers: { 'x-auth-token': TOKEN },
    },
  );
  const jobs = (await swr.json()) as Json[];
  assert.equal(swr.status, 200, JSON.stringify(jobs));
  assert.deepEqual(
    jobs.map((j) => [j.status, j.taskIssue]),
    [['failed', 'POLICY_BLOCKED']],
  );

  await inventorySync(server.url, [ids.src!, ids.dst!]);
  // The crawl saw the signature tags as new and had the blocked images decided again: wait for that to end.
  await ended(batchId);
  const drift = await api('GET', `/rules/${ruleId}/drift`);
  assert.equal(drift.json.counts.blocked, 2, JSON.stringify(drift.json));
  assert.equal(drift.json.counts.in_sync, 1);
});

test('the preview shows each image verdict', async () => {
  const preview = await api('POST', '/rules/preview', ruleBody());
  assert.equal(preview.status, 200, JSON.stringify(preview.json));
  const verdicts = Object.fromEntries(
    preview.json.items.map((i: Json) => [i.source.repository, [i.gate.verdict, i.gate.gate ?? null]]),
  );
  assert.deepEqual(verdicts, {
    clean: ['pass', null],
    unsigned: ['blocked', 'signed_by'],
    vulnerable: ['blocked', 'block_severity'],
  });
});

test('an allow-list entry for the CVE gets the vulnerable image copied without a manual retry; the unsigned one stays blocked', async () => {
  const updated = await api('PUT', `/rules/${ruleId}`, ruleBody([{ id: 'CVE-2021-44228' }]));
  assert.equal(updated.status, 200, JSON.stringify(updated.json));
  const tasks = await until(
    'the vulnerable image copied',
    async () => {
      const t = await ended(batchId);
      return t.get('vulnerable')?.status === 'SUCCESS' ? t : undefined;
    },
    60_000,
  );
  assert.equal(sha256Hex(await skopeoInspectRaw(`${dst.host}/prod/vulnerable:1.0`)), images.vulnerable.digest);
  assert.deepEqual([tasks.get('unsigned')?.status, tasks.get('unsigned')?.issue], ['ERROR', 'POLICY_BLOCKED']);
  await assert.rejects(skopeoInspectRaw(`${dst.host}/prod/unsigned:1.0`));
});
