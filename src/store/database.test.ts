// openDatabase on every engine (Kysely round trip, number/Date parsing, transactions, many connections at once)
// and the embedded engine's lifecycle: data dir lock, stale lock takeover, child process gone after close or
// after its parent dies, data kept across restarts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { freshDataDir, testDatabases } from '../../test/support/database.js';
import { type Database, openDatabase } from './database.js';
import { childExecArgv } from './embedded.js';
import { isAlive, LOCK_FILE } from './lock-file.js';
import { migrate } from './migrate.js';
import { SecretBox } from './secrets.js';

const box = new SecretBox(Buffer.alloc(32, 7));

/** A project with a registry, under fresh ids so tests can share one database. */
async function seed(database: Database): Promise<{ projectId: string; registryId: string }> {
  const projectId = `p-${Math.random().toString(36).slice(2)}`;
  await database.db.insertInto('projects').values({ id: projectId, name: projectId }).execute();
  const { id } = await database.db
    .insertInto('registries')
    .values({
      project_id: projectId,
      registry_name: 'hub',
      registry_type: 'Harbor',
      registry_addr: 'registry.example:5000',
      registry_username: 'robot',
      password_enc: box.encrypt('s3cret-pass'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { projectId, registryId: id };
}

for (const engine of testDatabases()) {
  describe(`store on ${engine.name}`, () => {
    test('Kysely insert/select round trip: counts and bigints are numbers, timestamps Dates', async () => {
      const database = await engine.open();
      const { db } = database;
      const { projectId, registryId } = await seed(database);
      const big = 2 ** 40 + 3; // beyond int4
      const inserted = await db
        .insertInto('images')
        .values(
          ['1.0', '1.1', '2.0'].map((v, i) => ({
            project_id: projectId,
            registry_id: registryId,
            namespace: 'library',
            image_name: 'nginx',
            image_version: v,
            image_digest: `sha256:${String(i).repeat(64)}`,
            image_id: String(i).repeat(64),
            media_type: 'application/vnd.oci.image.index.v1+json',
            image_size: big + i,
            latest_update_time: 1_700_000_000_000 + i,
          })),
        )
        .returning(['id', 'image_size'])
        .execute();
      assert.equal(inserted.length, 3);
      for (const row of inserted) assert.equal(typeof row.id, 'number');
      assert.deepEqual(
        inserted.map((r) => r.image_size),
        [big, big + 1, big + 2],
      );

      const counts = await db
        .selectFrom('images')
        .select((eb) => [
          eb.fn.countAll().as('n'),
          eb.fn.sum('image_size').as('total'),
          eb.fn.max('latest_update_time').as('newest'),
        ])
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(counts, { n: 3, total: 3 * big + 3, newest: 1_700_000_000_002 });

      const registry = await db
        .selectFrom('registries')
        .selectAll()
        .where('id', '=', registryId)
        .executeTakeFirstOrThrow();
      assert.ok(registry.created_at instanceof Date);
      assert.ok(Math.abs(registry.created_at.getTime() - Date.now()) < 60_000);
      assert.equal(registry.images_num, 0);
      assert.equal(registry.status, 'accessing');
      assert.equal(box.decrypt(registry.password_enc!), 's3cret-pass');

      const ids = await sql<{
        ids: number[];
      }>`select array_agg(id order by id) as ids from images where project_id = ${projectId}`.execute(db);
      assert.deepEqual(
        ids.rows[0]!.ids,
        inserted.map((r) => r.id).sort((a, b) => a - b),
      );
    });

    test('a rolled back transaction leaves nothing; a committed one is visible', async () => {
      const database = await engine.open();
      const { db } = database;
      const { projectId } = await seed(database);
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('inventory_tasks').values({ project_id: projectId, begin_time: 1 }).execute();
          throw new Error('abort');
        }),
        /abort/,
      );
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('inventory_tasks').values({ project_id: projectId, begin_time: 2 }).execute();
      });
      const rows = await db
        .selectFrom('inventory_tasks')
        .select('begin_time')
        .where('project_id', '=', projectId)
        .execute();
      assert.deepEqual(rows, [{ begin_time: 2 }]);
    });

    test('many parameterised queries and transactions at once, over two pools, stay separate', async () => {
      const database = await engine.open();
      const { projectId } = await seed(database);
      // A second pool on the same server, as pg-boss opens with the connection string.
      const other = new pg.Pool({ connectionString: database.connectionString, max: 4 });
      try {
        const wrong: string[] = [];
        await Promise.all(
          Array.from({ length: 400 }, async (_, i) => {
            const pool = i % 3 === 0 ? other : database.pool;
            if (i % 40 === 0) {
              const client = await pool.connect();
              try {
                await client.query('BEGIN');
                await client.query('INSERT INTO inventory_tasks (project_id, begin_time) VALUES ($1, $2)', [
                  projectId,
                  i,
                ]);
                await new Promise((resolve) => setTimeout(resolve, 2));
                await client.query(i % 80 === 0 ? 'ROLLBACK' : 'COMMIT');
              } finally {
                client.release();
              }
              return;
            }
            // Statements of different shapes, so a Bind meeting another connection's Parse would fail.
            const params = Array.from({ length: (i % 4) + 1 }, (_, j) => i * 10 + j);
            const text = `SELECT ${params.map((_, j) => `$${j + 1}::int AS c${j}`).join(', ')}, ${i} AS i`;
            const { rows } = await pool.query(text, params);
            const row = rows[0] as Record<string, number> | undefined;
            if (row?.i !== i || params.some((p, j) => row[`c${j}`] !== p)) wrong.push(`${i}: ${JSON.stringify(row)}`);
          }),
        );
        assert.deepEqual(wrong, []);
        const { rows } = await database.pool.query('SELECT count(*) AS n FROM inventory_tasks WHERE project_id = $1', [
          projectId,
        ]);
        assert.deepEqual(rows, [{ n: 5 }]); // 10 transactions, every other one rolled back
      } finally {
        await other.end();
      }
    });
  });
}

describe('embedded engine lifecycle', () => {
  const removers: Array<() => Promise<void>> = [];
  after(() => Promise.all(removers.map((remove) => remove())));
  async function dataDir(): Promise<string> {
    const dir = await freshDataDir();
    removers.push(dir.remove);
    return dir.dataDir;
  }

  test('a second open of a locked data dir fails with DATA_DIR_LOCKED; it opens after close', async () => {
    const dir = await dataDir();
    const first = await openDatabase({ dataDir: dir });
    try {
      await assert.rejects(openDatabase({ dataDir: dir }), (err: Error & { code?: string; pid?: number }) => {
        assert.equal(err.code, 'DATA_DIR_LOCKED');
        assert.equal(err.pid, process.pid);
        return true;
      });
      assert.deepEqual((await first.pool.query('SELECT 1 AS one')).rows, [{ one: 1 }]); // unharmed
    } finally {
      await first.close();
    }
    const second = await openDatabase({ dataDir: dir });
    await second.close();
  });

  test('close ends the child process (by PID) and releases the lock; close is idempotent', async () => {
    const dir = await dataDir();
    const database = await openDatabase({ dataDir: dir });
    const pid = database.serverPid!;
    assert.equal(database.mode, 'embedded');
    assert.ok(isAlive(pid));
    assert.equal(await readFile(join(dir, LOCK_FILE), 'utf8'), `${process.pid}\n${pid}\n`);
    await Promise.all([database.close(), database.close()]);
    assert.ok(!isAlive(pid), `embedded database process ${pid} still running`);
    await assert.rejects(stat(join(dir, LOCK_FILE)), { code: 'ENOENT' }); // lock released
  });

  test('data persists across close and reopen', async () => {
    const dir = await dataDir();
    const a = await openDatabase({ dataDir: dir });
    await migrate(a.pool);
    await a.db.insertInto('projects').values({ id: 'kept', name: 'kept' }).execute();
    await a.close();
    const b = await openDatabase({ dataDir: dir });
    try {
      assert.deepEqual((await migrate(b.pool)).applied, []);
      assert.deepEqual(await b.db.selectFrom('projects').select('id').execute(), [{ id: 'kept' }]);
    } finally {
      await b.close();
    }
  });

  test('when the owning process is killed, its database process exits and the stale lock is taken over', async () => {
    const dir = await dataDir();
    // A separate Node process opens the data dir and reports the database PID; then we SIGKILL it.
    const script = `
      import { openDatabase } from ${JSON.stringify(new URL('./database.ts', import.meta.url).href)};
      const d = await openDatabase({ dataDir: ${JSON.stringify(dir)} });
      process.stdout.write(JSON.stringify({ owner: process.pid, server: d.serverPid }) + '\\n');
      setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, [...childExecArgv(), '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(owner.stdout, 'data')) as [Buffer];
    const pids = JSON.parse(line.toString()) as { owner: number; server: number };
    await assert.rejects(openDatabase({ dataDir: dir }), (err: Error & { pid?: number }) => err.pid === pids.owner);
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    const deadline = Date.now() + 15_000;
    while (isAlive(pids.server) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(!isAlive(pids.server), `orphaned database process ${pids.server} still running`);
    const database = await openDatabase({ dataDir: dir });
    await database.close();
  });

  test('a connection that drops inside a transaction rolls back and does not hold up the others', async () => {
    const dir = await dataDir();
    const database = await openDatabase({ dataDir: dir });
    try {
      await database.pool.query('CREATE TABLE t (id int)');
      const client = new pg.Client({ connectionString: database.connectionString });
      await client.connect();
      client.on('error', () => {});
      await client.query('BEGIN');
      await client.query('INSERT INTO t VALUES ($1)', [1]);
      const waiting = database.pool.query('INSERT INTO t VALUES ($1)', [2]); // waits for the transaction
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      await waiting;
      assert.deepEqual((await database.pool.query('SELECT id FROM t')).rows, [{ id: 2 }]);
    } finally {
      await database.close();
    }
  });
});
