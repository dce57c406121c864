// Loopback networking helpers for the harness: free ports, listening servers on 127.0.0.1, closing them.
import type { Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server as NetServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

type AnyServer = NetServer | HttpServer;

/** A port that was free a moment ago: listen on port 0, read the port, close. Callers retry on EADDRINUSE. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Listens `server` on 127.0.0.1:`port` (0 = any free port) and returns the bound port. */
export async function listen(server: AnyServer, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Closes an http server and destroys its open connections, so closing never waits on keep-alive sockets. */
export async function closeServer(server: HttpServer): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
