// Migrations on every engine: applied once in order and recorded, idempotent, safe when two callers (two pools)
// migrate one database at the same time, and a failing file is rolled back whole.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { testDatabases } from '../../test/support/database.js';
import { loadMigrations, migrate } from './migrate.js';

const TABLES = [
  'audit_log',
  'credentials',
  'image_platforms',
  'images',
  'inventory_task_registries',
  'inventory_tasks',
  'memberships',
  'principals',
  'project_settings',
  'projects',
  'registries',
  'request_nonces',
  'scan_results',
  'scan_task_digests',
  'scan_tasks',
  'schema_migrations',
  'signature_checks',
  'sync_batches',
  'sync_rules',
  'sync_tasks',
  'trusted_keys',
  'vulnerability_digests',
  'vulnerability_findings',
];

async function tables(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return r.rows.map((row) => row.table_name);
}

test('the migrations folder holds 001_init first', async () => {
  const migrations = await loadMigrations();
  assert.deepEqual(migrations[0] && [migrations[0].version, migrations[0].name], [1, 'init']);
  assert.deepEqual(
    migrations.map((m) => m.version),
    migrations.map((_, i) => i + 1),
  );
});

for (const engine of testDatabases({ migrate: false })) {
  describe(`migrate on ${engine.name}`, () => {
    test('applies every file once, records it, and does nothing the second time', async () => {
      const { pool } = await engine.open();
      const all = (await loadMigrations()).map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`);
      assert.deepEqual(await migrate(pool), { applied: all, version: all.length });
      assert.deepEqual(await tables(pool), TABLES);
      assert.deepEqual(await migrate(pool), { applied: [], version: all.length });
      const rows = await pool.query(
        'SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version',
      );
      assert.equal(rows.rowCount, all.length);
      assert.equal(rows.rows[0].name, 'init');
      assert.match(rows.rows[0].checksum, /^[0-9a-f]{64}$/);
      assert.ok(rows.rows[0].applied_at instanceof Date);
    });

    test('a failing migration is rolled back whole and names its file; the next run retries it', async () => {
      const { pool } = await engine.open();
      const dir = await mkdtemp(join(tmpdir(), 'regatta-migrations-'));
      await writeFile(join(dir, '001_ok.sql'), 'CREATE TABLE mt_ok (id int);');
      await writeFile(join(dir, '002_bad.sql'), 'CREATE TABLE mt_half (id int);\nSELECT no_such_function();');
      // Versions 1 and 2 already exist from the real migrations: use a separate table for this folder.
      await pool.query('ALTER TABLE schema_migrations RENAME TO schema_migrations_real');
      try {
        await assert.rejects(migrate(pool, { dir }), /migration 002_bad\.sql failed: .*no_such_function/);
        const after1 = await tables(pool);
        assert.ok(after1.includes('mt_ok'));
        assert.ok(!after1.includes('mt_half'));
        await writeFile(join(dir, '002_bad.sql'), 'CREATE TABLE mt_half (id int);');
        assert.deepEqual(await migrate(pool, { dir }), { applied: ['002_bad'], version: 2 });
      } finally {
        await pool.query('DROP TABLE IF EXISTS schema_migrations, mt_ok, mt_half');
        await pool.query('ALTER TABLE schema_migrations_real RENAME TO schema_migrations');
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}

// Callers migrating one fresh database at once: three pools (three processes' worth of connections) on
// PostgreSQL; on PGlite, where one process owns the data dir, three pools on its one server.
for (const engine of testDatabases({ migrate: false })) {
  test(`concurrent migrate from three pools applies each file once on ${engine.name}`, async () => {
    const { connectionString } = await engine.open();
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString, max: 2 }));
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      const applied = results.flatMap((r) => r.applied);
      assert.deepEqual(
        applied.sort(),
        (await loadMigrations()).map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`).sort(),
      );
      for (const r of results) assert.equal(r.version, applied.length);
      assert.deepEqual(await tables(pools[0]!), TABLES);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
}
