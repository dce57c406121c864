// Seeds a migrated Regatta database with the generated inventory (inventory-data.ts), as fast as the engine
// allows: the secondary indexes and the constraints of `images` / `image_platforms` are dropped first (their
// definitions read back from the catalog), the rows go in with `COPY … FROM STDIN` (PostgreSQL) or large
// `INSERT … SELECT FROM unnest($1::text[], …)` statements (PGlite: its single-user backend aborts on COPY FROM
// STDIN over the wire), the platform rows of multi-arch tags are derived in SQL, then constraints and indexes
// are rebuilt exactly as the migrations defined them, and `VACUUM ANALYZE` runs.
import type pg from 'pg';
import type { Database } from '../../src/store/database.js';
import { copyFrom } from './copy-in.js';
import { copyText, IMAGE_COLUMN_TYPES, IMAGE_COLUMNS, type Inventory, PROJECT_ID } from './inventory-data.js';

export type LoadMethod = 'copy' | 'insert';

/** Milliseconds per phase. */
export interface SeedTimings {
  method: LoadMethod;
  /** images rows in. */
  loadMs: number;
  /** image_platforms rows derived. */
  platformsMs: number;
  /** scan_results and vulnerability_findings rows derived. */
  findingsMs: number;
  /** constraints and indexes rebuilt. */
  indexMs: number;
  vacuumAnalyzeMs: number;
  totalMs: number;
  /** images + indexes, bytes. */
  imagesBytes: number;
}

interface Ddl {
  drop: string[];
  create: string[];
}

const TABLES = ['images', 'image_platforms'];

/** Seeds `database` (migrated, empty) with `inventory`; `log` reports progress. */
export async function seedInventory(
  database: Database,
  inventory: Inventory,
  method: LoadMethod,
  log: (message: string) => void,
): Promise<SeedTimings> {
  const client = await database.pool.connect();
  try {
    const t0 = performance.now();
    await client.query('INSERT INTO projects (id) VALUES ($1)', [PROJECT_ID]);
    for (const r of inventory.registries) {
      await client.query(
        `INSERT INTO registries (id, project_id, registry_name, registry_type, registry_addr, instance_id, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'accessed')`,
        [r.id, PROJECT_ID, r.registry_name, r.registry_type, r.registry_addr, r.instance_id],
      );
    }
    const ddl = await tableDdl(client);
    for (const statement of ddl.drop) await client.query(statement);

    const tLoad = performance.now();
    let rows = 0;
    if (method === 'copy') {
      const batches = async function* () {
        for (const batch of inventory.batches()) {
          rows += batch.rows;
          if (rows % 200_000 < batch.rows) log(`  ${rows.toLocaleString('en-US')} rows sent`);
          yield copyText(batch);
        }
      };
      await copyFrom(client, `COPY images (${IMAGE_COLUMNS.join(', ')}) FROM STDIN`, batches());
    } else {
      const unnest = IMAGE_COLUMNS.map((c, i) => `$${i + 1}::${IMAGE_COLUMN_TYPES[c]}[]`).join(', ');
      const insert = `INSERT INTO images (${IMAGE_COLUMNS.join(', ')}) SELECT * FROM unnest(${unnest})`;
      for (const batch of inventory.batches()) {
        await client.query(
          insert,
          IMAGE_COLUMNS.map((c) => batch.columns[c]),
        );
        rows += batch.rows;
        if (rows % 200_000 < batch.rows) log(`  ${rows.toLocaleString('en-US')} rows inserted`);
      }
    }
    const loadMs = performance.now() - tLoad;
    log(`  images: ${rows.toLocaleString('en-US')} rows in ${(loadMs / 1000).toFixed(1)} s (${method})`);

    const tPlatforms = performance.now();
    const platforms = await client.query(`
      INSERT INTO image_platforms (image_row_id, image_digest, image_id, os, architecture, variant, image_size)
      SELECT i.id,
             'sha256:' || encode(sha256(convert_to(i.image_digest || p.arch, 'UTF8')), 'hex'),
             encode(sha256(convert_to(i.image_id || p.arch, 'UTF8')), 'hex'),
             'linux', p.arch, p.variant, i.image_size / 2
      FROM images i CROSS JOIN (VALUES ('amd64', NULL), ('arm64', 'v8')) AS p (arch, variant)
      WHERE i.is_multiple_arch
      ORDER BY i.id, p.arch`);
    const platformsMs = performance.now() - tPlatforms;
    log(`  image_platforms: ${platforms.rowCount} rows in ${(platformsMs / 1000).toFixed(1)} s`);

    const tFindings = performance.now();
    const findings = await seedFindings(client);
    const findingsMs = performance.now() - tFindings;
    log(`  vulnerability_findings: ${findings.toLocaleString('en-US')} rows in ${(findingsMs / 1000).toFixed(1)} s`);

    const tIndex = performance.now();
    await client.query(`SET maintenance_work_mem = '256MB'`);
    for (const statement of ddl.create) await client.query(statement);
    await client.query('RESET maintenance_work_mem');
    const indexMs = performance.now() - tIndex;
    log(`  ${ddl.create.length} constraints/indexes rebuilt in ${(indexMs / 1000).toFixed(1)} s`);

    const tVacuum = performance.now();
    for (const table of [
      ...TABLES,
      'registries',
      'projects',
      'scan_results',
      'vulnerability_findings',
      'vulnerability_digests',
    ]) {
      await client.query(`VACUUM ANALYZE ${table}`);
    }
    const vacuumAnalyzeMs = performance.now() - tVacuum;
    log(`  VACUUM ANALYZE in ${(vacuumAnalyzeMs / 1000).toFixed(1)} s`);

    const size = await client.query<{ bytes: number }>(`SELECT pg_total_relation_size('images') AS bytes`);
    return {
      method,
      loadMs,
      platformsMs,
      findingsMs,
      indexMs,
      vacuumAnalyzeMs,
      totalMs: performance.now() - t0,
      imagesBytes: Number(size.rows[0]!.bytes),
    };
  } finally {
    client.release();
  }
}

/**
 * Statements that drop the constraints (foreign keys first) and the other indexes of the seeded tables, and
 * statements that re-create them afterwards (keys, then indexes, then foreign keys), from the catalog.
 */
async function tableDdl(client: pg.PoolClient): Promise<Ddl> {
  const constraints = await client.query<{ tbl: string; name: string; def: string; type: string }>(
    `SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def, contype AS type
     FROM pg_constraint
     WHERE conrelid = ANY ($1::regclass[]) AND contype IN ('p', 'u', 'f')
     ORDER BY contype = 'f' DESC, conname`,
    [TABLES],
  );
  const indexes = await client.query<{ name: string; def: string }>(
    `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def
     FROM pg_index i
     WHERE indrelid = ANY ($1::regclass[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
     ORDER BY 1`,
    [TABLES],
  );
  const foreign = constraints.rows.filter((c) => c.type === 'f');
  const keys = constraints.rows.filter((c) => c.type !== 'f');
  const add = (c: { tbl: string; name: string; def: string }) =>
    `ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.name} ${c.def}`;
  return {
    drop: [
      ...constraints.rows.map((c) => `ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.name}`),
      ...indexes.rows.map((i) => `DROP INDEX ${i.name}`),
    ],
    create: [...keys.map(add), ...indexes.rows.map((i) => i.def), ...foreign.map(add)],
  };
}

/** The CVE every digest of severity High has (a broad "affected images" case); others draw from a pool. */
export const HOT_CVE = 'CVE-2023-4911';
/** Distinct CVEs the other findings draw from: each is on ~(scanned digests × 8 / pool) digests. */
const CVE_POOL = 20_000;

/**
 * A scan result for every scanned digest with vulnerabilities, and min(vul_num, 8) finding rows each: the first
 * HOT_CVE when the image's severity is High, the rest hashed into CVE_POOL (so CVE-2024-00042 is a narrow case).
 */
async function seedFindings(client: pg.PoolClient): Promise<number> {
  await client.query(`
    INSERT INTO scan_results (digest, status, db_version, vul_num, severity_level)
    SELECT DISTINCT ON (image_digest) image_digest, 'success', 'bench', vul_num, severity_level
    FROM images WHERE scan_status = 'success' AND vul_num > 0`);
  const r = await client.query(`
    INSERT INTO vulnerability_findings (digest, ordinal, vul_id, ids, ecosystem, severity, package_type, package_name,
                                       package_version, package_path, package_layer, fixed_version, summary, url)
    SELECT digest, k, id, ARRAY[id], 'Debian:12', 'Medium', 'deb', 'pkg' || k, '1.0-1', 'var/lib/dpkg/status', 0,
           '1.0-2', 'bench finding', 'https://osv.dev/' || id
    FROM scan_results r, generate_series(0, LEAST(r.vul_num, 8) - 1) AS k,
         LATERAL (SELECT CASE WHEN k = 0 AND r.severity_level = 'High' THEN '${HOT_CVE}'
                              ELSE 'CVE-2024-' || lpad((abs(hashtext(r.digest || k)) % ${CVE_POOL})::text, 5, '0')
                         END AS id) AS v
    WHERE r.db_version = 'bench'`);
  await client.query(`
    INSERT INTO vulnerability_digests (vulnerability, digest)
    SELECT DISTINCT vul_id, digest FROM vulnerability_findings`);
  return r.rowCount ?? 0;
}
