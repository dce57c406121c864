// SyncTaskStore.claim on every engine: the per-registry limit counts live SYNCHRONIZING tasks from or to either
// registry of a task, lets unrelated registries run, frees a slot when a task ends, and ignores a task whose
// worker stopped showing life (an orphan of a dead worker must not hold a slot forever).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testDatabases } from '../../test/support/database.js';
import { SyncTaskStore } from './sync-tasks.js';

for (const engine of testDatabases()) {
  test(`claim honours the per-registry limit on ${engine.name}`, async () => {
    const { db } = await engine.open();
    const project = `p-${randomUUID()}`;
    await db.insertInto('projects').values({ id: project, name: project }).execute();
    const registry = async (name: string) => {
      const id = randomUUID();
      await db
        .insertInto('registries')
        .values({ id, project_id: project, registry_name: name, registry_type: 'Other', registry_addr: name })
        .execute();
      return id;
    };
    const [a, b, c, d] = [await registry('a'), await registry('b'), await registry('c'), await registry('d')];
    const store = new SyncTaskStore(db);
    const scope = { projectId: project, enterpriseProjectId: '0' };
    const task = (source: string, target: string, tag: string) => ({
      rule_id: null,
      source_registry_id: source,
      source_namespace: 'ns',
      source_repository: 'app',
      source_tag: tag,
      target_registry_id: target,
      target_namespace: 'ns',
      target_repository: 'app',
      target_tag: tag,
    });
    const { tasks } = await store.createBatch(scope, { trigger: 'INITIATIVE', origin: 'test' }, [
      task(a, b, 't1'),
      task(a, b, 't2'),
      task(b, a, 't3'),
      task(c, d, 't4'),
      task(a, b, 't5'),
    ]);
    const [t1, t2, t3, t4, t5] = tasks.map((t) => t.id);
    const claimed = async (id: string | undefined) => {
      const r = await store.claim(id!, 2);
      return r === 'busy' ? 'busy' : r?.status;
    };
    assert.equal(await claimed(t1), 'SYNCHRONIZING');
    assert.equal(await claimed(t2), 'SYNCHRONIZING');
    assert.equal(await claimed(t3), 'busy', 'a and b each have two copies running');
    assert.equal(await claimed(t4), 'SYNCHRONIZING', 'c → d is not limited by a or b');
    assert.equal((await store.get(scope, t3!))?.status, 'PENDING', 'a busy task stays PENDING');

    assert.equal(await store.finish(t1!, { status: 'SUCCESS' }), true);
    assert.equal(await claimed(t3), 'SYNCHRONIZING', 'a slot came free');

    // t2's worker went silent for longer than the heartbeat window: it no longer holds a slot.
    await sql`update sync_tasks set updated_at = now() - interval '5 minutes' where id = ${t2}`.execute(db);
    assert.equal(await claimed(t5), 'SYNCHRONIZING');
    await store.heartbeat(t2!);
    assert.equal(await store.finish(t5!, { status: 'SUCCESS' }), true);

    assert.equal(await store.cancel(scope, t2!), true);
    assert.equal(await store.claim(t2!, 2), undefined, 'a cancelled task is not taken');
    assert.equal(await store.claim(randomUUID(), 2), undefined, 'nor an unknown one');
  });
}
