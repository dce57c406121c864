// The embedded database process: PGlite on `${dataDir}/pgdata`, served over the PostgreSQL wire protocol on
// 127.0.0.1 (a port the OS picks), so the app reaches it with node-postgres exactly as it reaches a real server,
// and PGlite's synchronous WASM never blocks the app's event loop. Started by embedded.ts with an IPC channel:
// argv[2] is the PGlite data dir; it answers `{ type: 'ready', port }` or `{ type: 'failed', message }`.
// It closes PGlite cleanly and exits on SIGTERM or when the parent goes away (IPC disconnect, which also
// happens when the parent is killed). SIGINT and SIGHUP are ignored: a Ctrl+C reaches the whole process group,
// and the parent, still using the database while it shuts down, stops this process itself.
// Built as its own bundle (dist/pglite-server.mjs) with @electric-sql/* left external, so PGlite finds its
// wasm and data files in node_modules.
import { createServer, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import { PGliteSession } from './pglite-session.js';

/** Messages this process sends its parent. */
export type ServerMessage = { type: 'ready'; port: number; pid: number } | { type: 'failed'; message: string };

async function main(): Promise<void> {
  // Folders PGlite makes stay the owner's (its files' modes it sets itself; the runtime tightens those).
  process.umask(0o077);
  const dataDir = process.argv[2];
  if (!dataDir || !process.send)
    throw new Error('usage: started by the Regatta store with an IPC channel and a data dir');

  let shuttingDown = false;
  const handlers = new Set<PGLiteSocketHandler>();
  const sockets = new Set<Socket>();
  let opening: Promise<PGlite> | undefined;
  const server = createServer();

  const shutdown = async (code: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    server.close();
    for (const socket of sockets) socket.destroy();
    await Promise.allSettled([...handlers].map((handler) => handler.detach(true)));
    try {
      // Asked to stop while PGlite is still starting (even mid-initdb): let it finish, then close it cleanly,
      // rather than exit half-way and leave a broken cluster behind.
      await (await opening?.catch(() => undefined))?.close();
    } catch (err) {
      process.stderr.write(`regatta: embedded database: close failed: ${(err as Error).message}\n`);
      code = 1;
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('disconnect', () => void shutdown(0));
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});

  opening = PGlite.create({ dataDir });
  const db = await opening;
  if (shuttingDown) return;
  const session = new PGliteSession(db);
  // The handler is typed against pglite-socket's internal queue class; PGliteSession has the same surface.
  const queryQueue = session as unknown as PGLiteSocketHandlerOptions['queryQueue'];

  server.on('connection', (socket) => {
    if (shuttingDown) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
    handlers.add(handler);
    const forget = () => {
      handlers.delete(handler);
      sockets.delete(socket);
    };
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    socket.on('close', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('socket server has no TCP address'));
    });
  });
  server.on('error', (err) => process.stderr.write(`regatta: embedded database: ${err.message}\n`));
  const ready: ServerMessage = { type: 'ready', port, pid: process.pid };
  if (process.connected) process.send(ready);
}

main().catch((err: unknown) => {
  process.stderr.write(`regatta: embedded database: ${err instanceof Error ? (err.stack ?? err.message) : err}\n`);
  const message: ServerMessage = { type: 'failed', message: err instanceof Error ? err.message : String(err) };
  if (process.send && process.connected) process.send(message, undefined, {}, () => process.exit(1));
  else process.exit(1);
});
