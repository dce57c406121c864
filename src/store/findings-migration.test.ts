// Migration 009 on both engines: findings stored by earlier versions (a jsonb array on scan_results) become rows
// of vulnerability_findings, in their order, with source packages, fixed versions and aliases kept, and read
// back through the store exactly as the engine wrote them; every id and alias is in the inverted index.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { testDatabases } from '../../test/support/database.js';
import type { StoredVulnerability } from './findings.js';
import { loadMigrations, MIGRATIONS_DIR, migrate } from './migrate.js';
import { ScanResultStore } from './scan-results.js';

const OLD: StoredVulnerability[] = [
  {
    id: 'CVE-2023-4911',
    ids: ['CVE-2023-4911', 'DSA-5514-1'],
    package: {
      type: 'deb',
      name: 'libc6',
      version: '2.36-9',
      source: { name: 'glibc', version: '2.36-9' },
      path: 'var/lib/dpkg/status',
      layer: 1,
    },
    ecosystem: 'Debian:12',
    fixedVersion: '2.36-9+deb12u3',
    severity: 'High',
    summary: 'Looney Tunables',
    url: 'https://osv.dev/CVE-2023-4911',
  },
  {
    id: 'GHSA-xxxx-yyyy-zzzz',
    ids: ['GHSA-xxxx-yyyy-zzzz'],
    package: {
      type: 'npm',
      name: 'left-pad',
      version: '1.0.0',
      path: 'app/node_modules/left-pad/package.json',
      layer: 3,
    },
    ecosystem: 'npm',
    severity: 'Unknown',
    summary: '',
    url: 'https://osv.dev/GHSA-xxxx-yyyy-zzzz',
  },
];

for (const engine of testDatabases({ migrate: false })) {
  test(`migration 009 moves stored findings into rows on ${engine.name}`, async () => {
    const { pool, db } = await engine.open();
    const dir = await mkdtemp(join(tmpdir(), 'regatta-migrations-'));
    try {
      const all = await loadMigrations();
      const file = (v: number) => `${String(v).padStart(3, '0')}_${all[v - 1]!.name}.sql`;
      for (let v = 1; v <= 8; v++) await copyFile(join(MIGRATIONS_DIR, file(v)), join(dir, file(v)));
      assert.equal((await migrate(pool, { dir })).version, 8);
      await pool.query(
        `INSERT INTO scan_results (digest, status, db_version, vulnerabilities) VALUES ('sha256:old', 'success', 'v', $1)`,
        [JSON.stringify(OLD)],
      );
      assert.deepEqual(
        (await migrate(pool)).applied,
        all.slice(8).map((m) => `${file(m.version).slice(0, -4)}`),
      );
      assert.deepEqual(await new ScanResultStore(db).vulnerabilities('sha256:old'), { total: 2, items: OLD });
      const inverted = await pool.query(
        `SELECT vulnerability FROM vulnerability_digests WHERE digest = 'sha256:old' ORDER BY vulnerability`,
      );
      assert.deepEqual(
        inverted.rows.map((r) => r.vulnerability),
        ['CVE-2023-4911', 'DSA-5514-1', 'GHSA-xxxx-yyyy-zzzz'],
        'every id and alias finds the digest',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
