// projectOverview on every engine: counts by state over one project's registries, images and sync tasks, its
// newest failures and inventory freshness, and nothing of another project (isolation is the store's job).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { testDatabases } from '../../test/support/database.js';
import { projectOverview } from './overview.js';
import type { Schema } from './schema.js';
import { SyncTaskStore } from './sync-tasks.js';

/** A project with registries (status, last crawl), images (severity) and finished sync tasks. */
async function seedProject(
  db: Kysely<Schema>,
  registries: { status: string; synced: number | null }[],
  severities: (string | null)[],
  outcomes: ('SUCCESS' | 'ERROR')[],
): Promise<string> {
  const project = `p-${randomUUID()}`;
  await db.insertInto('projects').values({ id: project, name: project }).execute();
  const ids = registries.map(() => randomUUID());
  await db
    .insertInto('registries')
    .values(
      registries.map((r, i) => ({
        id: ids[i]!,
        project_id: project,
        registry_name: `r${i}`,
        registry_type: 'Other',
        registry_addr: `r${i}.example`,
        status: r.status,
        latest_sync_time: r.synced,
      })),
    )
    .execute();
  if (severities.length) {
    await db
      .insertInto('images')
      .values(
        severities.map((severity_level, i) => ({
          project_id: project,
          registry_id: ids[0]!,
          namespace: 'ns',
          image_name: 'app',
          image_version: `v${i}`,
          image_digest: `sha256:${String(i).repeat(64)}`,
          image_id: String(i).repeat(64),
          media_type: 'application/vnd.oci.image.manifest.v1+json',
          severity_level,
        })),
      )
      .execute();
  }
  const store = new SyncTaskStore(db);
  const scope = { projectId: project, enterpriseProjectId: '0' };
  const { tasks } = await store.createBatch(
    scope,
    { trigger: 'INITIATIVE', origin: 'test' },
    outcomes.map((_, i) => ({
      rule_id: null,
      source_registry_id: ids[0]!,
      source_namespace: 'ns',
      source_repository: 'app',
      source_tag: `t${i}`,
      target_registry_id: ids.at(-1)!,
      target_namespace: 'copy',
      target_repository: 'app',
      target_tag: `t${i}`,
    })),
  );
  for (const [i, t] of tasks.entries()) {
    await store.claim(t.id);
    const end =
      outcomes[i] === 'ERROR' ? { status: 'ERROR' as const, issue: 'NETWORK_ERROR' } : { status: 'SUCCESS' as const };
    await store.finish(t.id, end);
  }
  return project;
}

for (const engine of testDatabases()) {
  test(`projectOverview counts one project's rows by state on ${engine.name}`, async () => {
    const { db } = await engine.open();
    const mine = await seedProject(
      db,
      [
        { status: 'success', synced: 1_700_000_000_000 },
        { status: 'success', synced: 1_700_000_500_000 },
        { status: 'fail', synced: null },
      ],
      ['High', 'High', null, 'Security'],
      ['SUCCESS', 'ERROR', 'ERROR'],
    );
    // Another project's rows must not show.
    await seedProject(db, [{ status: 'fail', synced: 1_800_000_000_000 }], ['Medium'], ['ERROR']);

    const o = await projectOverview(db, { projectId: mine, enterpriseProjectId: 'all_granted_eps' });
    assert.deepEqual(o.registries, { success: 2, fail: 1 });
    assert.deepEqual(o.images, { High: 2, Security: 1, unscanned: 1 });
    assert.deepEqual(o.tasks, { SUCCESS: 1, ERROR: 2 });
    assert.equal(o.failures.length, 2);
    assert.ok(o.failures.every((t) => t.project_id === mine && t.issue === 'NETWORK_ERROR'));
    assert.deepEqual([o.oldest_sync, o.newest_sync, o.never_synced], [1_700_000_000_000, 1_700_000_500_000, 1]);

    const empty = await projectOverview(db, { projectId: `p-${randomUUID()}`, enterpriseProjectId: '0' });
    assert.deepEqual(empty, {
      registries: {},
      images: {},
      tasks: {},
      failures: [],
      oldest_sync: null,
      newest_sync: null,
      never_synced: 0,
    });
  });
}
