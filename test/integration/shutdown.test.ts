// SIGTERM with a crawl in flight: `regatta serve` (embedded) stops taking work, gives in-flight work its grace
// period (REGATTA_SHUTDOWN_GRACE), closes the database, releases the data-dir lock and exits 0; a second signal
// exits at once. The crawl here is stuck on a registry that accepts connections and never answers.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { freePort } from '../support/ports.js';
import { until } from '../support/until.js';
import { spawnServe } from './serve-process.js';
import { hssCall } from './server.js';

const PROJECT = 'shutdown-project';
const TOKEN = 'shutdown-token-0123456789';

let silent: Server;
const sockets = new Set<Socket>();
let connections = 0;
let silentPort: number;
const dirs: string[] = [];
const children: ChildProcess[] = [];

before(async () => {
  silent = createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as { port: number }).port;
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A server on a fresh data dir with a crawl of the silent registry in flight. */
async function serveWithStuckCrawl(grace: string): Promise<{ child: ChildProcess; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'regatta-shutdown-'));
  dirs.push(dataDir);
  const port = await freePort();
  const child = spawnServe({
    port,
    dataDir,
    project: PROJECT,
    token: TOKEN,
    env: { REGATTA_SHUTDOWN_GRACE: grace },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await until(
    'server up',
    async () => ((await request(`${url}/healthz`).catch(() => undefined))?.statusCode === 200 ? true : undefined),
    60_000,
  );
  const hss = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    hssCall(url, method, path, { body, project: PROJECT, token: TOKEN });
  const add = await hss('POST', '/image/registries', {
    registry_name: 'silent',
    registry_type: 'Other',
    protocol: 'http',
    registry_addr: `127.0.0.1:${silentPort}`,
  });
  assert.equal(add.status, 200, JSON.stringify(add.json));
  const before = connections;
  const crawl = await hss('POST', '/image/image-sync/tasks', { registry_info: [{ registry_id: add.json.id }] });
  assert.equal(crawl.status, 200, JSON.stringify(crawl.json));
  // Work is in flight once the silent registry has connections from this server (its access check, the crawl).
  await until('work waiting on the registry', async () => (connections > before ? true : undefined), 30_000);
  return { child, dataDir };
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );

test('SIGTERM with a crawl in flight: exit 0 within the grace period, the lock released', async (t) => {
  const { child, dataDir } = await serveWithStuckCrawl('2');
  assert.ok(existsSync(join(dataDir, 'regatta.lock')));
  const started = Date.now();
  const done = exited(child);
  child.kill('SIGTERM');
  const { code } = await done;
  const took = Date.now() - started;
  t.diagnostic(`exited ${code} after ${took} ms (grace 2 s)`);
  assert.equal(code, 0);
  assert.ok(!existsSync(join(dataDir, 'regatta.lock')), 'the data-dir lock is released');
});

test('a second signal exits at once, whatever is in flight', async (t) => {
  const { child } = await serveWithStuckCrawl('120');
  const done = exited(child);
  const started = Date.now();
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGTERM');
  const { code } = await done;
  t.diagnostic(`exited ${code} after ${Date.now() - started} ms (grace 120 s)`);
  assert.equal(code, 143);
});
