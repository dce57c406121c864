// Jobs start when they are queued, not at a worker's next poll (issue 14). pg-boss workers poll their queue every
// pollingIntervalSeconds and sleep in between, so each hand-off of a rule run (the run request queues the
// selection; the selection queues the tasks) waited up to a second before a worker looked: measured on the
// 240-image run, tasks recorded at 0.9 s first started at 1.8 s. Here a job put on a queue wakes that queue's idle
// workers at once: those of this process through pg-boss's notifyWorker, and those of every other process
// (PostgreSQL with `regatta worker` processes) through NOTIFY on one channel, which each worker process LISTENs to
// on a connection of its own (https://www.postgresql.org/docs/current/sql-notify.html). A notification lost (a
// listener reconnecting) costs only the poll it would have saved: the workers still poll.
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Database } from '../store/database.js';

export const JOBS_CHANNEL = 'regatta_jobs';
/** Delay before a dropped listening connection is opened again. */
const RELISTEN_MS = 1000;
/** A listening connection that cannot be opened in this time is tried again later. */
const CONNECT_TIMEOUT_MS = 10_000;

export class JobSignals {
  /** This process's workers by queue (pg-boss worker ids). */
  private readonly workers = new Map<string, string[]>();
  private listener?: pg.Client;
  private stopped = false;

  /** Whether other processes may work the queues (PostgreSQL), so that they need telling. */
  private readonly shared: boolean;

  constructor(
    private readonly boss: PgBoss,
    private readonly database: Pick<Database, 'pool' | 'mode' | 'connectionString'>,
  ) {
    this.shared = database.mode === 'postgres';
  }

  /** A worker of `queue` in this process: woken when jobs are queued there. */
  register(queue: string, workerId: string): void {
    this.workers.set(queue, [...(this.workers.get(queue) ?? []), workerId]);
  }

  /** Queues one job (as pg-boss send) and wakes the queue's workers. */
  async send(queue: string, data: object, options?: PgBoss.SendOptions): Promise<void> {
    await (options ? this.boss.send(queue, data, options) : this.boss.send(queue, data));
    await this.queued(queue);
  }

  /** Queues jobs of one queue (as pg-boss insert) and wakes its workers. */
  async insert(queue: string, jobs: Omit<PgBoss.JobInsert, 'name'>[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.boss.insert(jobs.map((j) => ({ ...j, name: queue })));
    await this.queued(queue);
  }

  /** Jobs were put on `queue`: its idle workers here look now, and (shared) so do other processes'. */
  async queued(queue: string): Promise<void> {
    this.wake(queue);
    if (!this.shared) return;
    // The jobs are stored whatever happens to the notification: at worst a worker finds them at its next poll.
    await this.database.pool.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, queue]).catch(() => undefined);
  }

  /** Hears other processes' queued jobs (shared databases only) until stop(). */
  async listen(): Promise<void> {
    if (!this.shared || this.stopped || this.listener) return;
    const client = new pg.Client({
      connectionString: this.database.connectionString,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    this.listener = client;
    client.on('notification', (n) => {
      if (n.channel === JOBS_CHANNEL && n.payload) this.wake(n.payload);
    });
    client.on('error', () => this.relisten(client));
    client.on('end', () => this.relisten(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${JOBS_CHANNEL}`);
    } catch {
      this.relisten(client);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }

  private wake(queue: string): void {
    for (const id of this.workers.get(queue) ?? []) this.boss.notifyWorker(id);
  }

  /** The listening connection dropped: a new one a moment later (once), unless stopping. */
  private relisten(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    if (this.stopped) return;
    setTimeout(() => void this.listen(), RELISTEN_MS).unref();
  }
}
