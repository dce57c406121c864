// The native endpoints the console reads, against a real server and real registries: whoami, overview and settings
// (authenticated, scoped), and a rule's dry run (POST /api/v1/rules/preview), whose plan must say what a real run
// then does: copy a new tag, skip one the target already holds, leave a conflicting one alone; nothing written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshPostgresDatabase } from '../support/database.js';
import { buildImage, pushImage, sha256Hex } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import {
  addRegistry,
  apiCall,
  hssCall,
  inventorySync,
  type Json,
  PROJECT,
  runRule,
  startServer,
  type TestServer,
} from './server.js';

let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
let srcId: string;
let dstId: string;

// On PostgreSQL when DATABASE_URL is set (as on CI), else the embedded default.
let dropDatabase = async () => {};

before(async () => {
  const fresh = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  if (fresh) dropDatabase = fresh.drop;
  [server, src, dst] = await Promise.all([startServer({ databaseUrl: fresh?.url }), startRegistry(), startRegistry()]);
  const [one, two, other] = await Promise.all(
    ['p1', 'p2', 'p-other'].map((seed) => buildImage({ format: 'oci', seed })),
  );
  await pushImage(src, 'team/app', 'new', one!);
  await pushImage(src, 'team/app', 'same', two!);
  await pushImage(src, 'team/app', 'taken', two!);
  await pushImage(dst, 'mirror/app', 'same', two!);
  await pushImage(dst, 'mirror/app', 'taken', other!);
  [srcId, dstId] = await Promise.all([
    addRegistry(server.url, { name: 'src', host: src.host }),
    addRegistry(server.url, { name: 'dst', host: dst.host }),
  ]);
});
after(async () => {
  await Promise.all([server?.stop(), src?.stop(), dst?.stop()]);
  await dropDatabase();
});

const rule = (extra: Json = {}) => ({
  source: { registry_id: srcId, namespace: 'team', repository: 'app', ...extra },
  target: { registry_id: dstId, namespace: 'mirror' },
});

test('whoami, overview and settings answer for the token; without a valid token, 401 in the native envelope', async () => {
  const me = await apiCall(server.url, 'GET', '/whoami');
  assert.equal(me.status, 200);
  assert.deepEqual(
    [me.json.name, me.json.kind, me.json.superadmin, me.json.project_id, me.json.role],
    ['bootstrap-admin', 'user', true, PROJECT, 'admin'],
  );
  assert.deepEqual(me.json.projects, [{ id: PROJECT, name: PROJECT, role: 'admin' }]);
  const overview = await apiCall(server.url, 'GET', '/overview');
  assert.equal(overview.status, 200);
  assert.deepEqual(overview.json.registries, { success: 2 });
  assert.equal(overview.json.never_synced, 2);
  const settings = await apiCall(server.url, 'GET', '/settings');
  assert.equal(settings.json.scan_on_sync, true);
  assert.equal(settings.json.schedules.scan, '0 5 * * *');
  for (const path of ['/whoami', '/overview', '/settings']) {
    const refused = await apiCall(server.url, 'GET', path, { token: 'wrong' });
    assert.equal(refused.status, 401, path);
    assert.equal(refused.json.code, 'UNAUTHENTICATED');
  }
});

test('a preview plans copy, skip and conflict per tag, writes nothing, and a run then does just that', async () => {
  const preview = await apiCall(server.url, 'POST', '/rules/preview', { body: rule() });
  assert.equal(preview.status, 200, JSON.stringify(preview.json));
  const actions = Object.fromEntries(preview.json.items.map((i: Json) => [i.source.tag, i.action]));
  assert.deepEqual(actions, { new: 'copy', same: 'skip', taken: 'conflict' });
  assert.equal(preview.json.total, 3);
  assert.equal(preview.json.items[0].target.namespace, 'mirror');
  await assert.rejects(skopeoInspectRaw(`${dst.host}/mirror/app:new`), 'the preview copied nothing');
  assert.equal((await apiCall(server.url, 'GET', '/rules')).json.total, 0, 'and saved no rule');

  const created = await apiCall(server.url, 'POST', '/rules', { body: rule() });
  const run = await runRule(server.url, created.json.id);
  assert.equal(run.status, 202);
  const tasks = await until('the batch ended', async () => {
    const r = await apiCall(server.url, 'GET', `/tasks?batch_id=${run.json.batch_id}`);
    return r.json.tasks.every((t: Json) => ['SUCCESS', 'ERROR'].includes(t.status))
      ? (r.json.tasks as Json[])
      : undefined;
  });
  const outcome = Object.fromEntries(tasks.map((t) => [t.source.tag, t.issue ?? t.status]));
  assert.deepEqual(outcome, { new: 'SUCCESS', same: 'SUCCESS', taken: 'TAG_CONFLICT' });
  const [from, to] = await Promise.all([
    skopeoInspectRaw(`${src.host}/team/app:new`),
    skopeoInspectRaw(`${dst.host}/mirror/app:new`),
  ]);
  assert.equal(sha256Hex(to), sha256Hex(from));
});

test('a preview of a bad rule or a missing tag says why', async () => {
  const bad = await apiCall(server.url, 'POST', '/rules/preview', { body: rule({ tag_filter: '(' }) });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.code, 'INVALID_RULE');
  const none = await apiCall(server.url, 'POST', '/rules/preview', { body: rule({ tag_filter: 'nothing-.*' }) });
  assert.deepEqual(none.json, { total: 0, items: [] });
  const missing = await apiCall(server.url, 'POST', '/rules/preview', {
    body: { ...rule(), target: { registry_id: '00000000-0000-4000-8000-000000000000', namespace: 'x' } },
  });
  assert.equal(missing.status, 404);
  assert.equal(missing.json.code, 'NOT_FOUND');
});

test('batches list newest first with their tasks counted by status', async () => {
  const { json } = await apiCall(server.url, 'GET', '/batches?limit=5');
  assert.equal(json.total, 1);
  const [batch] = json.batches;
  assert.equal(batch.trigger, 'INITIATIVE');
  assert.equal(batch.tasks, 3);
  assert.deepEqual(batch.by_status, { PENDING: 0, SYNCHRONIZING: 0, SUCCESS: 2, ERROR: 1, CANCELED: 0 });
  assert.ok(batch.rule_id, 'a rule run names its rule');
  assert.ok(batch.synced_size > 0 && batch.finished_at, JSON.stringify(batch));
  const other = await apiCall(server.url, 'GET', '/batches?limit=0');
  assert.equal(other.status, 400);
});

test('an image row is read by its id, as ListRegistryImages shows it; an unknown id is 404', async () => {
  await inventorySync(server.url, [srcId]);
  const list = await hssCall(server.url, 'GET', '/image/registries/images', { query: { image_version: 'new' } });
  const [row] = list.json.data_list;
  const one = await apiCall(server.url, 'GET', `/images/${row.id}`);
  assert.equal(one.status, 200);
  // The same row (its scan, started by the crawl, may have moved on in between).
  const naming = (r: Json) => [r.id, r.namespace, r.image_name, r.image_version, r.image_digest, r.registry_name];
  assert.deepEqual(naming(one.json), naming(row));
  const unknown = await apiCall(server.url, 'GET', '/images/999999999');
  assert.deepEqual([unknown.status, unknown.json.code], [404, 'NOT_FOUND']);
  const bad = await apiCall(server.url, 'GET', '/images/not-a-number');
  assert.equal(bad.status, 400);
});

test('a rule is replaced whole by PUT; its ids and author stay; bad bodies and unknown ids are refused', async () => {
  const created = await apiCall(server.url, 'POST', '/rules', { body: { name: 'before', ...rule() } });
  assert.equal(created.status, 201);
  const put = await apiCall(server.url, 'PUT', `/rules/${created.json.id}`, {
    body: { name: 'after', trigger: 'PASSIVE', ...rule({ tag_filter: 'v.*' }) },
  });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  const read = (await apiCall(server.url, 'GET', `/rules/${created.json.rule_id}`)).json;
  assert.deepEqual(
    [read.id, read.rule_id, read.name, read.trigger, read.source.tag_filter, read.created_by, read.created_at],
    [
      created.json.id,
      created.json.rule_id,
      'after',
      'PASSIVE',
      'v.*',
      created.json.created_by,
      created.json.created_at,
    ],
  );
  assert.ok(read.updated_at > created.json.updated_at);
  const bad = await apiCall(server.url, 'PUT', `/rules/${created.json.id}`, { body: rule({ tag_filter: '(' }) });
  assert.deepEqual([bad.status, bad.json.code], [400, 'INVALID_RULE']);
  const unknown = await apiCall(server.url, 'PUT', '/rules/00000000-0000-4000-8000-000000000000', { body: rule() });
  assert.deepEqual([unknown.status, unknown.json.code], [404, 'NOT_FOUND']);
  await apiCall(server.url, 'DELETE', `/rules/${created.json.id}`);
});

test("a project's scan-on-sync choice overrides the server's, and null goes back to it", async () => {
  const settings = await apiCall(server.url, 'GET', '/settings');
  assert.deepEqual([settings.json.scan_on_sync, settings.json.project.scan_on_sync], [true, null]);
  const off = await apiCall(server.url, 'PUT', '/settings', { body: { scan_on_sync: false } });
  assert.equal(off.status, 200, JSON.stringify(off.json));
  assert.deepEqual(
    [off.json.scan_on_sync, off.json.project.scan_on_sync, off.json.server.scan_on_sync],
    [false, false, true],
  );

  const scanTasks = async () =>
    (await hssCall(server.url, 'GET', '/image/tasks', { query: { type: 'image_scan' } })).json.total_num as number;
  const before = await scanTasks();
  await pushImage(src, 'team/app', 'fresh', await buildImage({ format: 'oci', seed: 'fresh' }));
  await inventorySync(server.url, [srcId]);
  const fresh = await hssCall(server.url, 'GET', '/image/registries/images', { query: { image_version: 'fresh' } });
  assert.equal(fresh.json.data_list[0].scan_status, 'unscan', 'the crawl asked for no scan');
  assert.equal(await scanTasks(), before);

  const reset = await apiCall(server.url, 'PUT', '/settings', { body: { scan_on_sync: null } });
  assert.deepEqual([reset.json.scan_on_sync, reset.json.project.scan_on_sync], [true, null]);
  const bad = await apiCall(server.url, 'PUT', '/settings', { body: { scan_on_sync: 'yes' } });
  assert.deepEqual([bad.status, bad.json.code], [400, 'INVALID_PARAMETER']);
});

test("a rule's drift, from the inventories: copied tags in sync, the taken one a conflict, a stray tag extra", async () => {
  const created = await apiCall(server.url, 'POST', '/rules', { body: rule() });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  // At the target, a tag the rule would have made from a source tag that is not there (deleted since).
  await pushImage(dst, 'mirror/app', 'old', await buildImage({ format: 'oci', seed: 'p-old' }));
  await inventorySync(server.url, [srcId, dstId]);
  const drift = await apiCall(server.url, 'GET', `/rules/${created.json.id}/drift`);
  const states = Object.fromEntries(drift.json.items.map((i: Json) => [i.target.tag, i.state]));
  assert.deepEqual(
    { new: states.new, same: states.same, taken: states.taken, old: states.old },
    { new: 'in_sync', same: 'in_sync', taken: 'conflict', old: 'extra' },
  );
  // Tags earlier tests pushed to the source and no run copied since are missing; the counts add up.
  const count = (state: string) => drift.json.items.filter((i: Json) => i.state === state).length;
  for (const state of Object.keys(drift.json.counts)) assert.equal(drift.json.counts[state], count(state), state);
  assert.deepEqual([drift.json.counts.conflict, drift.json.counts.extra, drift.json.counts.drifted], [1, 1, 0]);
  assert.ok(drift.json.source_synced_at > 0 && drift.json.target_synced_at > 0);
  const conflicts = await apiCall(server.url, 'GET', `/rules/${created.json.id}/drift?state=conflict`);
  assert.equal(conflicts.json.total, 1);
  const [taken] = conflicts.json.items;
  assert.equal(taken.source.path, 'team/app');
  assert.notEqual(taken.source.digest, taken.target.digest);
  assert.equal((await apiCall(server.url, 'GET', '/rules/crsr-0000000000000000/drift')).status, 404);
});
