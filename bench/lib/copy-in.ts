// `COPY … FROM STDIN` over node-postgres without an extra package: a "submittable" that node-postgres' Client
// accepts in `client.query(x)` (anything with a `submit(connection)` method). It sends the COPY statement with
// the simple query protocol; when the server answers CopyInResponse it writes each chunk of `source` as a
// CopyData message (waiting for the socket to drain when it is full), then CopyDone. The server's
// CommandComplete carries the row count; ReadyForQuery ends the statement. An ErrorResponse at any point stops
// the writing and rejects.
import type pg from 'pg';

/** The parts of node-postgres' internal Connection that the COPY protocol uses. */
interface WireConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

class CopyIn {
  callback?: (err: Error | null, rows?: number) => void;
  private rows = 0;
  private error: Error | undefined;
  private writing: Promise<void> | undefined;
  private finished = false;

  constructor(
    readonly text: string,
    private readonly source: AsyncIterable<Buffer | string>,
  ) {}

  submit(connection: WireConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: WireConnection): void {
    this.writing = this.write(connection).catch((err: unknown) => {
      this.error ??= err instanceof Error ? err : new Error(String(err));
      connection.sendCopyFail(`client: ${this.error.message}`);
    });
  }

  private async write(connection: WireConnection): Promise<void> {
    for await (const chunk of this.source) {
      if (this.error) return; // the server gave up; it discards CopyData until CopyDone/CopyFail
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (buffer.length === 0) continue;
      connection.sendCopyFromChunk(buffer);
      if (connection.stream.writableNeedDrain) await new Promise((resolve) => connection.stream.once('drain', resolve));
    }
    connection.endCopyFrom();
  }

  handleCommandComplete(msg: { text?: string }): void {
    const match = /^COPY (\d+)/.exec(msg.text ?? '');
    if (match) this.rows = Number(match[1]);
  }

  /** An ErrorResponse: node-postgres drops the query right away (no handleReadyForQuery follows for it). */
  handleError(err: Error): void {
    this.error ??= err;
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const done = () => this.callback?.(this.error ?? null, this.rows);
    // Let the writer stop first, so that nothing is sent on the connection after the next query starts.
    if (this.writing) void this.writing.then(done);
    else done();
  }

  // Not expected for COPY FROM STDIN; present because the client may call them on the active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
}

/** Runs `copyStatement` (a `COPY … FROM STDIN`) on `client`, feeding it `source`; resolves with the rows copied. */
export function copyFrom(
  client: pg.ClientBase,
  copyStatement: string,
  source: AsyncIterable<Buffer | string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const copy = new CopyIn(copyStatement, source);
    copy.callback = (err, rows) => (err ? reject(err) : resolve(rows ?? 0));
    (client as unknown as { query(submittable: CopyIn): unknown }).query(copy);
  });
}
