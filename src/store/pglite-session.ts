// The single PGlite session shared by every socket connection of the embedded server. PGlite is one
// PostgreSQL backend, so the wire messages of all connections are funnelled into it one at a time. A
// connection owns the session, and every other connection waits, from its first extended-protocol message
// (Parse, Bind, Describe, Execute, Close, Flush) until its Sync, and for as long as it has a transaction open.
//
// Why not pglite-socket's own queue: in 0.2.17 it hands the session over between any two messages unless an
// explicit BEGIN is open, so concurrent parameterised queries (node-postgres sends Parse/Bind/Describe/Execute/
// Sync) interleave on the one unnamed statement: "bind message supplies 3 parameters, but prepared statement ""
// requires 2", or empty results. We keep pglite-socket's connection handler (framing, SSL and cancel requests)
// and give it this queue instead.
//
// What stays shared, because it is one backend: session settings (SET), session advisory locks, temporary
// tables and named prepared statements are common to all connections.
import type { PGlite } from '@electric-sql/pglite';

/** Message types of the extended query protocol that leave a sequence open until Sync ('S'). */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
/** A Sync message, sent for a connection that vanished in the middle of an extended-protocol sequence. */
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

interface Item {
  handlerId: number;
  /** A wire message to run, or null for "release the session if this handler holds it". */
  message: Uint8Array | null;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/**
 * The queue pglite-socket's `PGLiteSocketHandler` expects (`enqueue`, `clearQueueForHandler`,
 * `clearTransactionIfNeeded`), with session ownership as described in the header.
 */
export class PGliteSession {
  private queue: Item[] = [];
  /** The handler that holds the session between messages, if any. */
  private owner: number | null = null;
  /** The owner is between an extended-protocol message and its Sync. */
  private midSequence = false;
  private running: Item | undefined;
  private pumping = false;

  constructor(private readonly db: PGlite) {}

  /** Runs one wire message of `handlerId` when the session is free (or its own); resolves with the reply size. */
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  /** Drops the waiting messages of a handler whose socket went away. */
  clearQueueForHandler(handlerId: number): void {
    const dropped = this.queue.filter((item) => item.handlerId === handlerId);
    this.queue = this.queue.filter((item) => item.handlerId !== handlerId);
    for (const item of dropped) item.reject(new Error('connection closed'));
  }

  /** Ends what a vanished handler left open (an extended sequence, a transaction) and frees the session. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId && this.running?.handlerId !== handlerId) return;
    await new Promise<number>((resolve, reject) => {
      this.queue.push({ handlerId, message: null, onData: () => {}, resolve, reject });
      void this.pump();
    });
  }

  /** Connections waiting or running, for diagnostics. */
  get stats(): { queued: number; owner: number | null } {
    return { queued: this.queue.length, owner: this.owner };
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === this.owner);
        const item = index < 0 ? undefined : this.queue.splice(index, 1)[0];
        if (!item) return;
        this.running = item;
        try {
          item.resolve(
            item.message
              ? await this.execute(item.handlerId, item.message, item.onData)
              : await this.release(item.handlerId),
          );
        } catch (err) {
          // PGlite itself failed (not an SQL error, those are protocol replies): do not leave others waiting.
          this.owner = null;
          this.midSequence = false;
          item.reject(err instanceof Error ? err : new Error(String(err)));
        } finally {
          this.running = undefined;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async execute(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    let bytes = 0;
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          bytes += data.length;
          onData(data);
        },
      }),
    );
    this.midSequence = EXTENDED.has(message[0] ?? 0);
    this.owner = this.midSequence || this.db.isInTransaction() ? handlerId : null;
    return bytes;
  }

  private async release(handlerId: number): Promise<number> {
    if (this.owner !== handlerId) return 0;
    if (this.midSequence)
      await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => {} }));
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    this.midSequence = false;
    return 0;
  }
}
