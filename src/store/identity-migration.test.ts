// Migration 010 on both engines: identities of earlier versions become principals with credentials. A service
// identity keeps its id (SWR's syncOperatorId), becomes its project's admin and keeps its token and key pair
// (scoped to its project); the bootstrap admin becomes one person, a superadmin, whose credentials act in any
// project; a restart with the same bootstrap settings then changes nothing, and changed settings replace the
// credential (the old token stops working). The audit table refuses updates and deletes outside the sweep.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { testDatabases } from '../../test/support/database.js';
import { AuditStore } from './audit.js';
import { IdentityStore, tokenHash } from './identities.js';
import { loadMigrations, MIGRATIONS_DIR, migrate } from './migrate.js';
import { SecretBox } from './secrets.js';

const SERVICE_ID = '11111111-2222-4333-8444-555555555555';

for (const engine of testDatabases({ migrate: false })) {
  test(`migration 010 turns identities into principals and credentials on ${engine.name}`, async () => {
    const { pool, db } = await engine.open();
    const box = new SecretBox(Buffer.alloc(32, 7));
    const dir = await mkdtemp(join(tmpdir(), 'regatta-migrations-'));
    try {
      const all = await loadMigrations();
      const file = (v: number) => `${String(v).padStart(3, '0')}_${all[v - 1]!.name}.sql`;
      for (let v = 1; v <= 9; v++) await copyFile(join(MIGRATIONS_DIR, file(v)), join(dir, file(v)));
      assert.equal((await migrate(pool, { dir })).version, 9);
      await pool.query(`INSERT INTO projects (id) VALUES ('p1'), ('p2')`);
      await pool.query(
        `INSERT INTO identities (id, project_id, name, token_sha256, access_key, secret_key_enc) VALUES
           ($1, 'p2', 'ci', $2, 'CIAK', $3),
           (gen_random_uuid(), 'p1', 'bootstrap-admin', $4, 'BOOTAK', $5),
           (gen_random_uuid(), 'p2', 'bootstrap-admin', NULL, NULL, NULL)`,
        [
          SERVICE_ID,
          tokenHash('ci-token'),
          box.encrypt('ci-secret'),
          tokenHash('boot-token'),
          box.encrypt('boot-secret'),
        ],
      );
      await migrate(pool);

      const identities = new IdentityStore(db, box);
      const ci = await identities.byToken('ci-token');
      assert.equal(ci?.principalId, SERVICE_ID, 'the service identity keeps its id');
      assert.deepEqual([ci?.kind, ci?.credentialProject, [...(ci?.roles ?? [])]], ['service', 'p2', [['p2', 'admin']]]);
      assert.equal((await identities.byAccessKey('CIAK'))?.secretKey, 'ci-secret');
      const boot = await identities.byToken('boot-token');
      assert.deepEqual(
        [boot?.kind, boot?.name, boot?.superadmin, boot?.credentialProject],
        ['user', 'bootstrap-admin', true, null],
      );
      assert.deepEqual([...(boot?.roles ?? [])].sort(), [
        ['p1', 'admin'],
        ['p2', 'admin'],
      ]);
      const names = await pool.query(`SELECT name FROM projects ORDER BY id`);
      assert.deepEqual(names.rows, [{ name: 'p1' }, { name: 'p2' }], 'a project is named by its id');

      // The same bootstrap settings on restart: nothing changes; a new token replaces the old one.
      const settings = {
        projectId: 'p1',
        name: 'bootstrap-admin',
        token: 'boot-token',
        accessKey: 'BOOTAK',
        secretKey: 'boot-secret',
      };
      await identities.ensure(settings);
      const count = async () => Number((await pool.query(`SELECT count(*) FROM credentials`)).rows[0].count);
      assert.equal(await count(), 4);
      await identities.ensure({ ...settings, token: 'rotated-token' });
      assert.equal(await count(), 4);
      assert.equal(await identities.byToken('boot-token'), undefined, 'the rotated-out token fails');
      assert.equal((await identities.byToken('rotated-token'))?.name, 'bootstrap-admin');

      // Append-only.
      const audit = new AuditStore(db);
      const entry = {
        principal_id: null,
        principal_name: 'x',
        credential_id: null,
        project_id: 'p1',
        family: 'native',
        action: 'POST /api/v1/rules',
        target: '/api/v1/rules',
        status: 201,
        outcome: 'success' as const,
        request_id: 'r',
        source: '127.0.0.1',
      };
      await audit.append(entry);
      await assert.rejects(pool.query(`UPDATE audit_log SET status = 500`), /append-only/);
      await assert.rejects(pool.query(`DELETE FROM audit_log`), /append-only/);
      await pool.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await pool.query(`INSERT INTO audit_log (family, action, target, status, outcome, request_id, source, at)
        VALUES ('native', 'old', '/', 200, 'success', 'old', '::1', now() - interval '400 days')`);
      await pool.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
      assert.equal(await audit.prune(365), 1, 'the sweep deletes what is past retention, and only that');
      assert.deepEqual(
        (await audit.list({ limit: 10 })).map((e) => e.request_id),
        ['r'],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
