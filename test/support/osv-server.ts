// A loopback HTTP server laid out like OSV's export bucket (`/<Ecosystem>/all.zip`, `modified_id.csv`,
// `<id>.json`), serving files from a folder with strong ETags and Last-Modified, answering conditional requests
// with 304, and logging every request. Faults on demand: a body cut off after N bytes (the socket destroyed
// with Content-Length promising more). Zips are made with Debian's `zip` from records the test generates.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface OsvServer {
  url: string;
  root: string;
  /** Every request: method, path, status. */
  log: Array<{ path: string; status: number }>;
  /** The next GET of `path` sends only `bytes` of its body, then drops the connection. */
  cutNext(path: string, bytes: number): void;
  stop(): Promise<void>;
}

export async function startOsvServer(root: string): Promise<OsvServer> {
  const log: OsvServer['log'] = [];
  const cuts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = join(root, path);
    const send = (status: number) => {
      log.push({ path, status });
      res.statusCode = status;
    };
    let body: Buffer;
    try {
      if (path.includes('..') || !statSync(file).isFile()) throw new Error('not a file');
      body = readFileSync(file);
    } catch {
      send(404);
      res.end('not found');
      return;
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    const lastModified = statSync(file).mtime.toUTCString();
    if (req.headers['if-none-match'] === etag) {
      send(304);
      res.end();
      return;
    }
    send(200);
    res.setHeader('etag', etag);
    res.setHeader('last-modified', lastModified);
    res.setHeader('content-length', body.length);
    const cut = cuts.get(path);
    if (cut !== undefined) {
      cuts.delete(path);
      res.write(body.subarray(0, cut), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    log,
    cutNext: (path, bytes) => cuts.set(path, bytes),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `<root>/<ecosystem>/all.zip` holding one `<id>.json` per record (made with `zip`). */
export function writeAllZip(root: string, ecosystem: string, records: Array<Record<string, unknown>>): void {
  const staging = join(root, '.staging', ecosystem);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const r of records) writeFileSync(join(staging, `${r.id}.json`), JSON.stringify(r));
  mkdirSync(join(root, ecosystem), { recursive: true });
  const zip = join(root, ecosystem, 'all.zip');
  rmSync(zip, { force: true });
  // Names on standard input (`-@`): an export of tens of thousands of records would overflow an argument list.
  const names = records.map((r) => join(staging, `${r.id}.json`)).join('\n');
  const made = spawnSync('zip', ['-q', '-j', zip, '-@'], { input: names, maxBuffer: 64 * 1024 * 1024 });
  if (made.status !== 0) throw new Error(`zip failed: ${made.stderr}`);
  rmSync(staging, { recursive: true, force: true });
}

/** Writes `<root>/<ecosystem>/modified_id.csv`: `<modified>,<id>` per record, newest first, as OSV lists them. */
export function writeModifiedIds(root: string, ecosystem: string, records: Array<Record<string, unknown>>): void {
  const lines = records
    .map((r) => `${r.modified},${r.id}`)
    .sort()
    .reverse();
  mkdirSync(join(root, ecosystem), { recursive: true });
  writeFileSync(join(root, ecosystem, 'modified_id.csv'), `${lines.join('\n')}\n`);
}

/** Writes one record as `<root>/<ecosystem>/<id>.json`. */
export function writeRecord(root: string, ecosystem: string, record: Record<string, unknown>): void {
  mkdirSync(join(root, ecosystem), { recursive: true });
  writeFileSync(join(root, ecosystem, `${record.id}.json`), JSON.stringify(record));
}
