// listImages on both engines with enough rows to cross the count cap: exact totals below it, an estimate above
// it (never below the cap), deep pages equal to the same rows read the plain way, scan-time order with unscanned
// images last, and another project's rows never counted.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testDatabases } from '../../test/support/database.js';
import { COUNT_CAP, listImages } from './images-query.js';

const ROWS = COUNT_CAP + 500;

for (const engine of testDatabases()) {
  test(`ListRegistryImages queries on ${engine.name}`, async () => {
    const { db } = await engine.open();
    const project = `p-${randomUUID()}`;
    const registry = randomUUID();
    await db
      .insertInto('projects')
      .values([
        { id: project, name: project },
        { id: `${project}-other`, name: `${project}-other` },
      ])
      .execute();
    await db
      .insertInto('registries')
      .values({ id: registry, project_id: project, registry_name: 'r', registry_type: 'Harbor', registry_addr: 'h' })
      .execute();
    // Rows i = 0..ROWS-1: repository app<i % 100>, update time i, every 10th scanned at time 2i.
    await sql`
      insert into images (project_id, registry_id, namespace, image_name, image_version, image_digest, image_id, media_type,
                          latest_update_time, latest_scan_time, scan_status)
      select ${project}, ${registry}::uuid, 'ns', 'app' || (i % 100), 'v' || i, 'sha256:' || i, 'id' || i, 'm', i,
             case when i % 10 = 0 then 2 * i end, case when i % 10 = 0 then 'success' else 'unscan' end
      from generate_series(0, ${ROWS - 1}) as i`.execute(db);
    await sql`analyze images`.execute(db);
    const scope = { projectId: project, enterpriseProjectId: '0' };
    const base = { offset: 0, limit: 10 };

    const narrow = await listImages(db, scope, { ...base, image_name: 'app7' });
    assert.equal(narrow.total, 11 * (ROWS / 100), 'repositories app7 and app70 … app79, counted exactly');
    const all = await listImages(db, scope, base);
    assert.ok(all.total > COUNT_CAP, `broad total ${all.total} is an estimate above the cap`);
    assert.deepEqual(
      all.rows.map((r) => r.latest_update_time),
      [ROWS - 1, ROWS - 2, ROWS - 3, ROWS - 4, ROWS - 5, ROWS - 6, ROWS - 7, ROWS - 8, ROWS - 9, ROWS - 10],
    );
    assert.equal(all.rows[0]!.registry_type, 'Harbor');

    const deep = await listImages(db, scope, { ...base, offset: 5000 });
    assert.deepEqual(
      deep.rows.map((r) => r.latest_update_time),
      Array.from({ length: 10 }, (_, k) => ROWS - 1 - 5000 - k),
    );

    const scanDesc = await listImages(db, scope, { ...base, sort_key: 'latest_scan_time', sort_dir: 'desc', limit: 2 });
    assert.deepEqual(
      scanDesc.rows.map((r) => r.latest_scan_time),
      [2 * (ROWS - 10), 2 * (ROWS - 20)],
    );
    const scanAsc = await listImages(db, scope, { ...base, sort_key: 'latest_scan_time', sort_dir: 'asc', limit: 1 });
    assert.equal(scanAsc.rows[0]!.latest_scan_time, null, 'never scanned counts as the oldest scan');

    const scanned = await listImages(db, scope, { ...base, scan_status: 'success' });
    assert.equal(scanned.total, Math.ceil(ROWS / 10));
    const other = await listImages(db, { projectId: `${project}-other`, enterpriseProjectId: '0' }, base);
    assert.deepEqual(other, { total: 0, rows: [] });
  });
}
