// SyncTaskStore.claim on every engine: the per-registry limit counts live SYNCHRONIZING tasks from or to either
// registry of a task, lets unrelated registries run, frees a slot when a task ends, and ignores a task whose
// worker stopped showing life (an orphan of a dead worker must not hold a slot forever). reopenBlocked puts back
// only the gate refusals the change may undo.
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

  test(`reopenBlocked puts back only the refusals of the gates named, for the digests named, on ${engine.name}`, async () => {
    const { db } = await engine.open();
    const project = `p-${randomUUID()}`;
    await db.insertInto('projects').values({ id: project, name: project }).execute();
    const registry = randomUUID();
    await db
      .insertInto('registries')
      .values({ id: registry, project_id: project, registry_name: 'r', registry_type: 'Other', registry_addr: 'r' })
      .execute();
    const store = new SyncTaskStore(db);
    const scope = { projectId: project, enterpriseProjectId: '0' };
    const task = (tag: string) => ({
      rule_id: null,
      source_registry_id: registry,
      source_namespace: 'ns',
      source_repository: 'app',
      source_tag: tag,
      target_registry_id: registry,
      target_namespace: 'mirror',
      target_repository: 'app',
      target_tag: tag,
    });
    const { tasks } = await store.createBatch(scope, { trigger: 'INITIATIVE', origin: 'test' }, [
      task('unsigned'),
      task('vulnerable'),
      task('failed'),
    ]);
    const [unsigned, vulnerable, failed] = tasks.map((t) => t.id!);
    const refuse = async (id: string, digest: string, detail: string, issue = 'POLICY_BLOCKED') => {
      assert.equal((await store.claim(id, 10)) !== 'busy', true);
      assert.equal(await store.finish(id, { status: 'ERROR', issue, detail, digest }), true);
    };
    await refuse(unsigned!, 'sha256:aa', 'signed_by: no signature verified by release');
    await refuse(vulnerable!, 'sha256:bb', 'block_severity: 1 vulnerabilities at or above Critical: CVE-2021-44228');
    await refuse(failed!, 'sha256:aa', 'blob upload refused', 'UPLOAD_FAILED');
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

    // A scan of both digests: only the severity refusal may have gone away.
    const scanGates = ['block_severity', 'no_malicious', 'no_secrets', 'max_scan_age_hours', 'scan'];
    assert.deepEqual(ids(await store.reopenBlocked({ digests: ['sha256:aa', 'sha256:bb'], gates: scanGates })), [
      vulnerable,
    ]);
    assert.equal((await store.get(scope, vulnerable!))?.status, 'PENDING');
    assert.deepEqual(await store.reopenBlocked({ digests: ['sha256:bb'], gates: ['signed_by'] }), []);
    assert.deepEqual(await store.reopenBlocked({ digests: [] }), [], 'no digest, nothing reopened');
    // A new signature of sha256:aa: the unsigned task, never the one that failed for another reason.
    assert.deepEqual(ids(await store.reopenBlocked({ digests: ['sha256:aa'], gates: ['signed_by'] })), [unsigned]);
    assert.equal((await store.get(scope, failed!))?.status, 'ERROR');
  });
}
