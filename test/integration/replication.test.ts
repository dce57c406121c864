// Replication through the native API against two real registries: a push reaches the target through a PASSIVE
// rule fired by the source registry's own notification; a manual run copies a tag list; a conflicting target tag
// ends TAG_CONFLICT and stays untouched; a canceled batch's task ends CANCELED; retry re-runs only failed tasks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { selectBatch } from '../../src/services/replication.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { buildImage, buildMultiArch, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import { addRegistry, apiCall, type Json, PROJECT, runRule, startServer, type TestServer, TOKEN } from './server.js';

let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
let flaky: FaultProxy;
const ids: Record<string, string> = {};

before(async () => {
  // Two copies at once per registry: the three-task batch below waits its turn (the BUSY path).
  server = await startServer({ workerOptions: { registryConcurrency: 2 } });
  src = await startRegistry({ notifications: { url: `${server.url}/api/v1/events/registry`, token: TOKEN } });
  dst = await startRegistry();
  flaky = await startFaultProxy({ target: src.url, rate: 0, seed: 7, faults: ['500', '503', 'reset'] });
  for (const [name, reg, region] of [
    ['src', src, 'region-a'],
    ['dst', dst, 'region-b'],
    ['flaky', flaky, 'region-c'],
  ] as const) {
    ids[name] = await addRegistry(server.url, { name, host: reg.host, region });
  }
});
after(async () => {
  await server?.stop();
  await src?.stop();
  await dst?.stop();
  await flaky?.stop();
});

const api = (method: string, path: string, body?: unknown) => apiCall(server.url, method, path, { body });

/** The digest of what skopeo, an independent client, reads at `ref`. */
async function digestAt(reg: TestRegistry, ref: string): Promise<string> {
  return sha256Hex(await skopeoInspectRaw(`${reg.host}/${ref}`));
}

async function batchTasks(batchId: string, done = true): Promise<Json[]> {
  return until(`batch ${batchId} done`, async () => {
    const { json } = await api('GET', `/tasks?batch_id=${batchId}`);
    const open = json.tasks.some((t: Json) => t.status === 'PENDING' || t.status === 'SYNCHRONIZING');
    return !done || !open ? (json.tasks as Json[]) : undefined;
  });
}

test('a PASSIVE rule copies a pushed tag to the target, digest-identical, fired by the registry notification', async () => {
  const rule = await api('POST', '/rules', {
    trigger: 'PASSIVE',
    source: { registry_id: ids.src, namespace: 'corpus', repository: 'app', tag_filter: 'v.*' },
    target: { region_id: 'region-b', namespace: 'mirror' },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  const index = await buildMultiArch('oci', 'passive');
  await pushImage(src, 'corpus/app', 'v1', index);
  await pushImage(src, 'corpus/app', 'skipped', await buildImage({ format: 'oci', seed: 'not-matching' }));
  const task = await until('the pushed tag copied', async () => {
    const { json } = await api('GET', '/tasks?status=SUCCESS');
    return json.tasks.find((t: Json) => t.source.tag === 'v1' && t.rule_id === rule.json.id);
  });
  assert.equal(task.trigger, 'PASSIVE');
  assert.equal(task.target.namespace, 'mirror');
  assert.equal(task.source.digest, index.digest);
  assert.equal(await digestAt(dst, 'mirror/app:v1'), index.digest);
  const all = await api('GET', '/tasks');
  assert.ok(!all.json.tasks.some((t: Json) => t.source.tag === 'skipped'), 'the tag filter keeps other tags out');
  assert.equal((await api('DELETE', `/rules/${rule.json.id}`)).status, 204);
});

test('a manual run copies a tag list; a conflicting target tag ends TAG_CONFLICT and stays untouched', async () => {
  const images = await Promise.all(['m1', 'm2', 'm3'].map((seed) => buildImage({ format: 'docker', seed })));
  for (const [i, image] of images.entries()) await pushImage(src, 'team/web', `1.${i}`, image);
  const occupant = await buildImage({ format: 'oci', seed: 'occupant' });
  await pushImage(dst, 'backup/web', '1.2', occupant);

  const rule = await api('POST', '/rules', {
    source: { registry_id: ids.src, namespace: 'team', repository: 'web', tag_semver: '>=1.0.0' },
    target: { registry_id: ids.dst, namespace: 'backup' },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  assert.equal(rule.json.trigger, 'INITIATIVE');
  const run = await runRule(server.url, rule.json.id, { tags: ['1.0', '1.2'] });
  assert.equal(run.status, 202, JSON.stringify(run.json));
  assert.equal(run.tasks, 0, '1.0 and 1.2 are not semver versions: the range keeps them out');

  const semverRule = await api('POST', '/rules', {
    source: { registry_id: ids.src, namespace: 'team', repository: 'web', tag_filter: '1\\.[0-9]+' },
    target: { registry_id: ids.dst, namespace: 'backup' },
  });
  const started = await runRule(server.url, semverRule.json.id, { tags: ['1.0', '1.2'] });
  assert.equal(started.tasks, 2);
  const tasks = await batchTasks(started.json.batch_id);
  const byTag = new Map(tasks.map((t) => [t.source.tag, t]));
  assert.equal(byTag.get('1.0')?.status, 'SUCCESS');
  assert.equal(await digestAt(dst, 'backup/web:1.0'), images[0]!.digest);
  const conflict = byTag.get('1.2')!;
  assert.equal(conflict.status, 'ERROR');
  assert.equal(conflict.issue, 'TAG_CONFLICT');
  assert.match(conflict.issue_description, /override/);
  assert.equal(await digestAt(dst, 'backup/web:1.2'), occupant.digest, 'target untouched');
  assert.equal(byTag.get('1.1'), undefined, 'only the listed tags');

  // Retrying the batch re-runs only the failed task (and it fails the same way: override is still off).
  const retry = await api('POST', `/batches/${started.json.batch_id}/retry`);
  assert.equal(retry.json.retried, 1);
  const again = await batchTasks(started.json.batch_id);
  assert.deepEqual(again.map((t) => `${t.source.tag}:${t.status}:${t.attempts}`).sort(), [
    '1.0:SUCCESS:1',
    '1.2:ERROR:2',
  ]);
});

test('faults: retried to SUCCESS while the source fails now and then; ERROR NETWORK_ERROR once the budget is spent', async () => {
  for (const tag of ['f1', 'f2', 'f3']) {
    await pushImage(src, 'faulty/db', tag, await buildImage({ format: 'oci', seed: tag, layers: 3 }));
  }
  const rule = await api('POST', '/rules', {
    source: { registry_id: ids.flaky, namespace: 'faulty', repository: 'db' },
    target: { registry_id: ids.dst, namespace: 'faulty' },
  });
  flaky.setRate(0.3);
  const first = await runRule(server.url, rule.json.id);
  assert.equal(first.status, 202, JSON.stringify(first.json));
  const ok = await batchTasks(first.json.batch_id);
  assert.deepEqual(
    ok.map((t) => t.status),
    ['SUCCESS', 'SUCCESS', 'SUCCESS'],
    JSON.stringify(ok.map((t) => t.issue_detail)),
  );
  const faults = flaky.stats['500'] + flaky.stats['503'] + flaky.stats.reset;
  assert.ok(faults > 0, 'the proxy did inject faults');

  await pushImage(src, 'faulty/db', 'f4', await buildImage({ format: 'oci', seed: 'f4' }));
  flaky.setRate(1);
  const second = await runRule(server.url, rule.json.id, { tags: ['f4'] });
  const [failed] = await batchTasks(second.json.batch_id);
  flaky.setRate(0);
  assert.equal(failed?.status, 'ERROR');
  assert.equal(failed?.issue, 'NETWORK_ERROR', failed?.issue_detail);
});

test('bad input: an invalid regex, an unknown registry and an unknown rule answer in the native error format', async () => {
  const badRegex = await api('POST', '/rules', {
    source: { registry_id: ids.src, namespace: 'x', tag_filter: '(' },
    target: { registry_id: ids.dst, namespace: 'y' },
  });
  assert.equal(badRegex.status, 400);
  assert.equal(badRegex.json.code, 'INVALID_RULE');
  const unknown = await api('POST', '/rules', {
    source: { registry_id: ids.src, namespace: 'x' },
    target: { region_id: 'nowhere', namespace: 'y' },
  });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.code, 'NOT_FOUND');
  const missing = await api('GET', '/rules/crsr-doesnotexist0000');
  assert.equal(missing.status, 404);
  assert.ok(missing.json.request_id);
  const anonymous = await request(`${server.url}/api/v1/rules`);
  assert.equal(anonymous.statusCode, 401);
  assert.equal(((await anonymous.body.json()) as Json).code, 'UNAUTHENTICATED');
});

test('a rule run answers 202 before it lists anything, selects in the background, and selects once', async () => {
  // A namespace of two components: the rule takes every repository below `deep/team`, not `deep/other`.
  const image = await buildImage({ format: 'oci', seed: 'deep' });
  for (const repo of ['deep/team/a', 'deep/team/b/c', 'deep/other/a']) await pushImage(src, repo, 'v1', image);
  const rule = await api('POST', '/rules', {
    source: { registry_id: ids.src, namespace: 'deep/team' },
    target: { registry_id: ids.dst, namespace: 'deepcopy' },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  const run = await api('POST', `/rules/${rule.json.id}/run`);
  assert.equal(run.status, 202);
  assert.equal(run.json.selection, 'SELECTING', 'the answer comes before the source is listed');
  const tasks = await batchTasks(await selected(run.json.batch_id));
  assert.deepEqual(
    tasks
      .map(
        (t) => `${t.source.namespace}/${t.source.repository}→${t.target.namespace}/${t.target.repository}:${t.status}`,
      )
      .sort(),
    ['deep/team/a→deepcopy/a:SUCCESS', 'deep/team/b/c→deepcopy/b/c:SUCCESS'],
  );
  assert.equal(await digestAt(dst, 'deepcopy/b/c:v1'), image.digest);

  // The job delivered again (a retry after a lost acknowledgement) records nothing more.
  const { ctx } = server.runtime;
  await selectBatch(ctx, run.json.batch_id);
  assert.equal((await api('GET', `/batches/${run.json.batch_id}`)).json.tasks, 2);

  // A batch whose rule went away before it was selected ends FAILED, saying why; it never stays SELECTING.
  const scope = { projectId: PROJECT, enterpriseProjectId: '0' };
  const orphan = await ctx.syncTasks.createBatch(scope, { trigger: 'INITIATIVE', origin: 'api', selecting: {} }, []);
  await selectBatch(ctx, orphan.batch.id);
  const failed = await api('GET', `/batches/${orphan.batch.id}`);
  assert.equal(failed.json.selection, 'FAILED');
  assert.match(failed.json.selection_detail, /^RULE_DELETED/);
  assert.ok(failed.json.finished_at, 'a failed selection is a finished batch');
});

/** Waits until batch `id` has selected its images; resolves with the id. */
async function selected(id: string): Promise<string> {
  await until(`batch ${id} selected`, async () => {
    const { json } = await api('GET', `/batches/${id}`);
    return json.selection === 'SELECTED' ? true : undefined;
  });
  return id;
}
