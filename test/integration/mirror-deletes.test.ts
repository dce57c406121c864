// Deletion propagation (issue 15) through a real server and two real registries (Distribution 2.8, which deletes
// manifests only): a rule copies a hand-built corpus, tags are then deleted at the source and changed at the
// target, and POST /rules/{id}/mirror-deletes first plans (nothing deleted, checked with skopeo), then deletes
// exactly the tag the source deleted whose target still names the copied digest: not the one re-pushed at the
// target, not the one whose digest another target tag names, not the one Regatta never copied. A rule with
// mirror_deletes on then propagates a deletion by itself after its next run, once; `regatta rule prune` and the
// drift metric say the same.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { mirrorDeletesAfterBatch } from '../../src/services/mirror-deletes.js';
import { freshPostgresDatabase } from '../support/database.js';
import { type BuiltImage, buildImage, pushImage, sha256Hex } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeo, skopeoInspectRaw, withTransport } from '../support/skopeo.js';
import { until } from '../support/until.js';
import { json, runCli } from './cli.js';
import {
  addRegistry,
  apiCall,
  inventorySync,
  type Json,
  PROJECT,
  runRule,
  startServer,
  type TestServer,
  TOKEN,
} from './server.js';

let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
let srcId: string;
let dstId: string;
let ruleId: string;
const img: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', BuiltImage> = {} as never;

// On PostgreSQL when DATABASE_URL is set (as on CI), else the embedded default.
let dropDatabase = async () => {};

before(async () => {
  const fresh = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  if (fresh) dropDatabase = fresh.drop;
  [server, src, dst] = await Promise.all([startServer({ databaseUrl: fresh?.url }), startRegistry(), startRegistry()]);
  for (const k of ['a', 'b', 'c', 'd', 'e', 'f'] as const)
    img[k] = await buildImage({ format: 'oci', seed: `md-${k}` });
  // team/app and team/base both go to mirror/app (the rule's one target repository).
  await pushImage(src, 'team/app', 'gone', img.a);
  await pushImage(src, 'team/app', 'moved', img.b);
  await pushImage(src, 'team/app', 'shared', img.c);
  await pushImage(src, 'team/app', 'stays', img.d);
  await pushImage(src, 'team/base', 'twin', img.c);
  [srcId, dstId] = await Promise.all([
    addRegistry(server.url, { name: 'md-src', host: src.host }),
    addRegistry(server.url, { name: 'md-dst', host: dst.host }),
  ]);
});
after(async () => {
  await Promise.all([server?.stop(), src?.stop(), dst?.stop()]);
  await dropDatabase();
});

const ruleBody = (mirrorDeletes: boolean) => ({
  name: 'team → mirror/app',
  mirror_deletes: mirrorDeletes,
  source: { registry_id: srcId, namespace: 'team', repository_filter: 'app|base' },
  target: { registry_id: dstId, namespace: 'mirror', repository: 'app' },
});

/** The digest a target tag names, read by skopeo; null when the registry does not have it. */
async function atTarget(tag: string): Promise<string | null> {
  try {
    return sha256Hex(await skopeoInspectRaw(`${dst.host}/mirror/app:${tag}`));
  } catch {
    return null;
  }
}

async function targetTags(): Promise<Record<string, string | null>> {
  const tags = ['gone', 'moved', 'shared', 'stays', 'twin', 'stranger'];
  return Object.fromEntries(await Promise.all(tags.map(async (t) => [t, await atTarget(t)] as const)));
}

async function batchDone(batchId: string): Promise<Json> {
  return until(`batch ${batchId} finished`, async () => {
    const b = await apiCall(server.url, 'GET', `/batches/${batchId}`);
    return b.json.finished_at && b.json.tasks === b.json.by_status.SUCCESS ? b.json : undefined;
  });
}

const outcomes = (items: Json[]) => Object.fromEntries(items.map((i) => [i.tag, `${i.action} ${i.reason}`]));

test('a dry run deletes nothing; the run deletes exactly the tag the source deleted and the target still holds', async () => {
  const created = await apiCall(server.url, 'POST', '/rules', { body: ruleBody(false) });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  ruleId = created.json.id;
  const run = await runRule(server.url, ruleId);
  assert.equal(run.tasks, 5);
  await batchDone(run.batch_id);
  assert.deepEqual(await targetTags(), {
    gone: img.a.digest,
    moved: img.b.digest,
    shared: img.c.digest,
    stays: img.d.digest,
    twin: img.c.digest,
    stranger: null,
  });

  // At the source: three tags deleted (skopeo deletes the manifest, which in team/app only that tag names).
  for (const tag of ['gone', 'moved', 'shared']) {
    await skopeo(['delete', '--tls-verify=false', withTransport(`${src.host}/team/app:${tag}`)]);
  }
  // At the target: `moved` re-pushed with another image, `stranger` pushed by someone else.
  await pushImage(dst, 'mirror/app', 'moved', img.e);
  await pushImage(dst, 'mirror/app', 'stranger', img.f);
  await inventorySync(server.url, [srcId, dstId]);
  const before = await targetTags();

  const drift = await apiCall(server.url, 'GET', `/rules/${ruleId}/drift?state=extra`);
  assert.deepEqual(drift.json.items.map((i: Json) => i.target.tag).sort(), ['gone', 'moved', 'shared', 'stranger']);

  // The metric counts the same drift, per rule and state.
  const metrics = await request(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await metrics.body.text();
  assert.match(text, new RegExp(`regatta_rule_drift_images\\{rule="${ruleId}",state="extra"\\} 4\\n`));
  assert.match(text, new RegExp(`regatta_rule_drift_images\\{rule="${ruleId}",state="in_sync"\\} 2\\n`));

  const expected = {
    moved: 'skipped moved_at_target',
    shared: 'skipped shared_digest',
    stranger: 'skipped never_copied',
  };
  const plan = await apiCall(server.url, 'POST', `/rules/${ruleId}/mirror-deletes`);
  assert.equal(plan.status, 200, JSON.stringify(plan.json));
  assert.equal(plan.json.dry_run, true);
  assert.deepEqual(outcomes(plan.json.items), { gone: 'would_delete deleted_at_source', ...expected });
  assert.deepEqual(plan.json.counts, { deleted: 0, skipped: 3, would_delete: 1 });
  assert.match(plan.json.items.find((i: Json) => i.tag === 'shared').detail, /twin/);
  assert.equal(plan.json.items.find((i: Json) => i.tag === 'moved').digest, img.e.digest);
  assert.deepEqual(await targetTags(), before, 'a dry run deletes nothing');

  // The CLI's dry run says the same.
  const cli = await runCli(['rule', 'prune', ruleId, '--dry-run', '--json', ...serverFlags()]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(outcomes(json<{ items: Json[] }>(cli).items), outcomes(plan.json.items));
  assert.deepEqual(await targetTags(), before);

  const done = await apiCall(server.url, 'POST', `/rules/${ruleId}/mirror-deletes`, { body: { dry_run: false } });
  assert.equal(done.status, 200, JSON.stringify(done.json));
  assert.deepEqual(outcomes(done.json.items), { gone: 'deleted deleted_at_source', ...expected });
  assert.deepEqual(await targetTags(), { ...before, gone: null }, 'exactly one tag deleted');
  assert.equal(before.twin, img.c.digest);

  // The deletion is in the audit log, besides the request.
  const audit = await apiCall(server.url, 'GET', '/audit?family=native');
  const deletions = audit.json.entries.filter((e: Json) => e.action === 'mirror-delete');
  assert.deepEqual(
    deletions.map((e: Json) => e.target),
    [`${dst.host}/mirror/app:gone@${img.a.digest}`],
  );
  assert.equal(deletions[0].principal_name, 'bootstrap-admin');
  assert.ok(audit.json.entries.some((e: Json) => e.action === 'POST /api/v1/rules/:id/mirror-deletes'));

  const again = await apiCall(server.url, 'POST', `/rules/${ruleId}/mirror-deletes`, { body: { dry_run: false } });
  assert.deepEqual(outcomes(again.json.items).gone, 'skipped moved_at_target', 'the inventory is stale: checked live');
  assert.equal((await apiCall(server.url, 'POST', '/rules/crsr-0000000000000000/mirror-deletes')).status, 404);
  const bad = await apiCall(server.url, 'POST', `/rules/${ruleId}/mirror-deletes`, { body: { dry_run: 'no' } });
  assert.equal(bad.status, 400);
});

test('with mirror_deletes on, the run of a rule propagates a deletion by itself, once per batch', async () => {
  const put = await apiCall(server.url, 'PUT', `/rules/${ruleId}`, { body: ruleBody(true) });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  assert.equal(put.json.mirror_deletes, true);
  await skopeo(['delete', '--tls-verify=false', withTransport(`${src.host}/team/app:stays`)]);
  await inventorySync(server.url, [srcId, dstId]);
  const before = await targetTags();
  assert.equal(before.stays, img.d.digest);

  const run = await runRule(server.url, ruleId);
  assert.equal(run.tasks, 1, 'only team/base:twin is left at the source');
  await batchDone(run.batch_id);
  await until('stays deleted at the target', async () => ((await atTarget('stays')) === null ? true : undefined));
  assert.deepEqual(await targetTags(), { ...before, stays: null });

  const audit = await apiCall(server.url, 'GET', '/audit?family=native');
  const runs = () => audit.json.entries.filter((e: Json) => e.action === 'mirror-deletes');
  assert.deepEqual(
    runs().map((e: Json) => [e.principal_name, e.request_id]),
    [['regatta', run.batch_id]],
  );
  const stays = audit.json.entries.find((e: Json) => e.action === 'mirror-delete' && /:stays@/.test(e.target));
  assert.equal(stays?.request_id, run.batch_id);

  // The batch's end seen again (a task delivered twice, a cancel racing the last copy): nothing runs twice.
  await mirrorDeletesAfterBatch(server.runtime.ctx, run.batch_id, ruleId);
  const later = await apiCall(server.url, 'GET', '/audit?family=native');
  assert.equal(later.json.entries.filter((e: Json) => e.action === 'mirror-deletes').length, 1);
});

const serverFlags = () => ['--server', server.url, '--token', TOKEN, '--project', PROJECT];
