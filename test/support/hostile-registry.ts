// A hostile registry for tests: a loopback proxy in front of a real one that misbehaves on the manifest GETs it is
// told to (by path suffix): an endless body, bytes that do not match the digest asked for, a redirect to itself
// forever, or a body dripped a byte at a time. Everything else passes through untouched.
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Misbehaviour = 'endless' | 'wrong-digest' | 'redirect-loop' | 'drip';

export interface HostileRegistry {
  host: string;
  /** From now on, GETs of manifests whose path ends with `suffix` misbehave so. */
  misbehave(suffix: string, how: Misbehaviour): void;
  stop(): Promise<void>;
}

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export async function startHostileRegistry(target: string): Promise<HostileRegistry> {
  const rules = new Map<string, Misbehaviour>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const how = req.method === 'GET' ? [...rules].find(([suffix]) => path.endsWith(suffix))?.[1] : undefined;
    if (how) return misbehave(how, path, res, timers);
    const upstream = httpRequest(`${target}${path}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    misbehave: (suffix, how) => rules.set(suffix, how),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function misbehave(how: Misbehaviour, path: string, res: ServerResponse, timers: Set<NodeJS.Timeout>): void {
  if (how === 'redirect-loop') {
    res.writeHead(302, { location: path });
    res.end();
    return;
  }
  if (how === 'wrong-digest') {
    const body = JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config: {}, layers: [] });
    res.writeHead(200, { 'content-type': MANIFEST, 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'content-type': MANIFEST });
  // endless: 64 KiB every tick, forever; drip: one byte a second.
  const chunk = how === 'endless' ? Buffer.alloc(64 * 1024, 0x20) : Buffer.from(' ');
  const timer = setInterval(() => res.write(chunk), how === 'endless' ? 1 : 1000);
  timers.add(timer);
  res.on('close', () => {
    clearInterval(timer);
    timers.delete(timer);
  });
}
