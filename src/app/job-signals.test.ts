// Jobs wake idle workers (job-signals.ts), on each engine, with real pg-boss queues: a worker polling once a
// minute takes a job queued after it went idle long before its next poll: queued in the same process (embedded:
// pg-boss's notifyWorker), and queued by another process's signals (PostgreSQL: NOTIFY heard on the worker's own
// LISTEN connection). The minute is the point: without a wake-up the job would wait for it, so the 30 s bound
// below tells the mechanism apart with room to spare; it measures no speed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type PgBoss from 'pg-boss';
import { testDatabases } from '../../test/support/database.js';
import { JobSignals } from './job-signals.js';
import { startQueue } from './queue.js';

const QUEUE = 'job-signals-test';
const POLL_SECONDS = 60;

/** Resolves with the job's data once a worker took it, or rejects after `ms`. */
function taken(seen: Map<string, () => void>, key: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job ${key} not taken within ${ms} ms`)), ms);
    seen.set(key, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

for (const engine of testDatabases()) {
  test(`a queued job wakes an idle worker at once on ${engine.name}`, async () => {
    const database = await engine.open();
    const bosses: PgBoss[] = [];
    const signals: JobSignals[] = [];
    try {
      const open = async () => {
        const boss = await startQueue(database.connectionString, { schedule: false });
        bosses.push(boss);
        await boss.createQueue(QUEUE);
        const s = new JobSignals(boss, database);
        signals.push(s);
        return { boss, s };
      };
      const worker = await open();
      // The sender is another process's signals on PostgreSQL (only NOTIFY reaches the worker), this one's embedded.
      const sender = engine.name === 'postgres' ? await open() : worker;
      await worker.s.listen();

      const seen = new Map<string, () => void>();
      const id = await worker.boss.work<{ key: string }>(
        QUEUE,
        { pollingIntervalSeconds: POLL_SECONDS },
        async (jobs) => {
          for (const job of jobs) seen.get(job.data.key)?.();
        },
      );
      worker.s.register(QUEUE, id);
      // Its first fetch happens as it starts; then it sleeps a minute. Let it go idle, then queue.
      await new Promise((r) => setTimeout(r, 1500));
      const first = taken(seen, 'one', 30_000);
      await sender.s.send(QUEUE, { key: 'one' });
      await first;
      // Again after it has gone idle once more (a batch insert this time).
      await new Promise((r) => setTimeout(r, 1500));
      const second = taken(seen, 'two', 30_000);
      await sender.s.insert(QUEUE, [{ data: { key: 'two' } }]);
      await second;
      assert.equal(seen.size, 2);
    } finally {
      for (const s of signals) await s.stop();
      for (const b of bosses) await b.stop({ graceful: false, wait: true });
    }
  });
}
