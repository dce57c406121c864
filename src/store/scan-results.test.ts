// Typed findings on both engines: a report's findings come back as they were saved (vulnerabilities from their
// rows, the other lists through their schema), one image's vulnerabilities filter and page in SQL, a new result
// replaces the old findings, "every image affected by CVE-X" finds rows in every registry of the project (by the
// CVE or an alias) and none of another project's, and a stored list that breaks its schema fails on read.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testDatabases } from '../../test/support/database.js';
import type { StoredVulnerability } from './findings.js';
import { listImages } from './images-query.js';
import { ScanResultStore } from './scan-results.js';

function vuln(id: string, severity: StoredVulnerability['severity'], pkg: string, alias?: string): StoredVulnerability {
  return {
    id,
    ids: alias ? [id, alias] : [id],
    package: {
      type: 'deb',
      name: pkg,
      version: '1.0-1',
      source: { name: `${pkg}-src`, version: '1.0' },
      path: 'var/lib/dpkg/status',
      layer: 0,
    },
    ecosystem: 'Debian:12',
    ...(severity === 'Low' ? {} : { fixedVersion: '1.0-2' }),
    severity,
    summary: `${id} in ${pkg}`,
    url: `https://osv.dev/${id}`,
  };
}

const REPORT = [
  vuln('CVE-2024-0001', 'Critical', 'openssl', 'GHSA-aaaa-bbbb-cccc'),
  vuln('CVE-2024-0002', 'High', 'zlib'),
  vuln('CVE-2024-0003', 'Medium', 'openssl'),
  vuln('DSA-5000-1', 'Low', 'bash'),
];

for (const engine of testDatabases()) {
  test(`typed scan findings on ${engine.name}`, async () => {
    const { db } = await engine.open();
    const store = new ScanResultStore(db);
    const project = `p-${randomUUID()}`;
    const other = `${project}-other`;
    const [regA, regB, regC] = [randomUUID(), randomUUID(), randomUUID()];
    await db
      .insertInto('projects')
      .values([
        { id: project, name: project },
        { id: other, name: other },
      ])
      .execute();
    await db
      .insertInto('registries')
      .values([
        { id: regA, project_id: project, registry_name: 'a', registry_type: 'Harbor', registry_addr: 'a' },
        { id: regB, project_id: project, registry_name: 'b', registry_type: 'Other', registry_addr: 'b' },
        { id: regC, project_id: other, registry_name: 'c', registry_type: 'Other', registry_addr: 'c' },
      ])
      .execute();
    const digest = `sha256:${randomUUID().replaceAll('-', '').padEnd(64, '0')}`;
    const clean = `sha256:${randomUUID().replaceAll('-', '').padEnd(64, '1')}`;
    const row = (registry: string, owner: string, name: string, d: string, t: number) => ({
      project_id: owner,
      registry_id: registry,
      namespace: 'ns',
      image_name: name,
      image_version: 'v1',
      image_digest: d,
      image_id: name,
      media_type: 'm',
      latest_update_time: t,
    });
    await db
      .insertInto('images')
      .values([
        row(regA, project, 'app', digest, 1),
        row(regB, project, 'app-copy', digest, 2),
        row(regA, project, 'clean', clean, 3),
        row(regC, other, 'theirs', digest, 4),
      ])
      .execute();

    const checks = [
      { rule: 'root-user', severity: 'Medium' as const, description: 'runs as root', location: 'config.User' },
    ];
    await store.save({
      digest,
      status: 'success',
      db_version: 'v1',
      vulnerabilities: REPORT,
      unsafe_settings: checks,
      packages: [REPORT[0]!.package],
    });
    await store.save({ digest: clean, status: 'success', db_version: 'v1' });

    const all = await store.vulnerabilities(digest);
    assert.deepEqual(all, { total: 4, items: REPORT }, 'findings read back exactly as saved, in report order');
    const stored = await store.get(digest);
    assert.deepEqual(stored?.unsafe_settings, checks);
    assert.deepEqual(stored?.packages, [REPORT[0]!.package]);
    assert.deepEqual(stored?.malicious_files, []);

    const urgent = await store.vulnerabilities(digest, { severities: ['Critical', 'High'] });
    assert.deepEqual(
      urgent.items.map((v) => v.id),
      ['CVE-2024-0001', 'CVE-2024-0002'],
    );
    const openssl = await store.vulnerabilities(digest, { packageName: 'openssl' }, { offset: 1, limit: 5 });
    assert.deepEqual([openssl.total, openssl.items.map((v) => v.id)], [2, ['CVE-2024-0003']]);
    const byPart = await store.vulnerabilities(digest, { idContains: '2024-000' }, { offset: 0, limit: 2 });
    assert.deepEqual([byPart.total, byPart.items.length], [3, 2]);
    assert.equal((await store.vulnerabilities(digest, { idContains: '%' })).total, 0, 'a LIKE wildcard is text');

    const scope = { projectId: project, enterpriseProjectId: '0' };
    const page = { offset: 0, limit: 10 };
    const affected = await listImages(db, scope, { ...page, vulnerability: 'CVE-2024-0001' });
    assert.deepEqual(
      affected.rows.map((r) => r.image_name),
      ['app-copy', 'app'],
      'both registries of the project, newest first; not the clean image, not the other project',
    );
    const byAlias = await listImages(db, scope, { ...page, vulnerability: 'GHSA-aaaa-bbbb-cccc' });
    assert.equal(byAlias.total, 2, 'an alias finds the same images');
    assert.equal((await listImages(db, scope, { ...page, vulnerability: 'CVE-1999-0001' })).total, 0);

    await store.save({
      digest,
      status: 'success',
      db_version: 'v2',
      vulnerabilities: [REPORT[3]!],
      vul_num: 1,
      severity_level: 'Medium',
    });
    assert.deepEqual((await store.vulnerabilities(digest)).items, [REPORT[3]]);
    assert.equal((await listImages(db, scope, { ...page, vulnerability: 'CVE-2024-0001' })).total, 0, 'fixed');

    // A later scan fails: the completed result stays, stale; the rows say failed with the old summary.
    const rowsOf = (d: string) =>
      db
        .selectFrom('images')
        .select(['scan_status', 'scan_failed_code', 'vul_num', 'severity_level', 'scan_stale'])
        .where('image_digest', '=', d)
        .where('project_id', '=', project)
        .execute();
    const failure = { status: 'failed' as const, db_version: 'v3', failed_code: 'download_failed', failed_detail: 'x' };
    await store.save({ digest, ...failure, severity_level: 'Security', vul_num: 0 });
    assert.deepEqual((await store.vulnerabilities(digest)).items, [REPORT[3]], 'findings kept');
    const stale = await store.get(digest);
    assert.deepEqual(
      [stale?.status, stale?.stale, stale?.failed_code, stale?.db_version],
      ['success', true, 'download_failed', 'v2'],
    );
    for (const r of await rowsOf(digest)) {
      assert.deepEqual(r, {
        scan_status: 'failed',
        scan_failed_code: 'download_failed',
        vul_num: 1,
        severity_level: 'Medium',
        scan_stale: true,
      });
    }
    // A digest never scanned to the end: stored, but its rows get no summary.
    const fresh = `sha256:${randomUUID().replaceAll('-', '').padEnd(64, '2')}`;
    await db
      .insertInto('images')
      .values(row(regA, project, 'fresh', fresh, 5))
      .execute();
    await store.save({ digest: fresh, ...failure, severity_level: 'High', vul_num: 3, unsafe_setting_num: 1 });
    assert.deepEqual(await rowsOf(fresh), [
      {
        scan_status: 'failed',
        scan_failed_code: 'download_failed',
        vul_num: 0,
        severity_level: null,
        scan_stale: false,
      },
    ]);
    assert.equal((await store.get(fresh))?.severity_level, null);
    // A completed scan clears the staleness.
    await store.save({
      digest,
      status: 'success',
      db_version: 'v3',
      vulnerabilities: [REPORT[3]!],
      vul_num: 1,
      severity_level: 'Medium',
    });
    assert.equal((await rowsOf(digest))[0]?.scan_stale, false);
    assert.equal((await store.get(digest))?.stale, false);

    await sql`update scan_results set unsafe_settings = '[{"rule": 7}]' where digest = ${digest}`.execute(db);
    await assert.rejects(store.get(digest), /rule|expected/i, 'a list that breaks its schema fails on read');
  });
}
