// A crash mid-sync loses nothing and leaves nothing running: `regatta serve` (embedded PGlite) is killed with
// SIGKILL while it crawls a slow registry, started again on the same data dir, and the task's registry ends
// `finished` — the queue's job was failed at start-up (the data-dir lock proves no one else runs it) and retried.
// The same for a replication batch: killed while its tasks copy from a slow registry, restarted, every task ends
// SUCCESS, none stays SYNCHRONIZING, and the target received each blob and each manifest exactly once.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { buildImage, pushImage } from '../support/fixtures.js';
import { freePort } from '../support/ports.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { until } from '../support/until.js';
import { spawnServe } from './serve-process.js';
import { apiCall, hssCall, runRule } from './server.js';

const PROJECT = 'crash-project';
const TOKEN = 'crash-token-0123456789';

let registry: TestRegistry;
let proxy: FaultProxy;
let target: TestRegistry;
let targetProxy: FaultProxy;
/** Completed uploads (by digest) and manifest pushes (by path) the target received. */
const targetPuts: string[] = [];
let dataDir: string;
let port: number;
const children: ChildProcess[] = [];

before(async () => {
  registry = await startRegistry();
  for (let i = 0; i < 12; i++)
    await pushImage(registry, 'slow/app', `t${i}`, await buildImage({ format: 'oci', seed: `crash-${i}` }));
  proxy = await startFaultProxy({ target: registry.url, rate: 1, faults: ['slow'] });
  target = await startRegistry();
  targetProxy = await startFaultProxy({
    target: target.url,
    rate: 0,
    match: (method, path) => {
      // A finished blob upload is `PUT …/blobs/uploads/<session>?digest=…`: keyed by its digest.
      if (method === 'PUT') targetPuts.push(new URL(path, 'http://x').searchParams.get('digest') ?? path);
      return false;
    },
  });
  dataDir = await mkdtemp(join(tmpdir(), 'regatta-crash-'));
  port = await freePort();
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await proxy?.stop();
  await registry?.stop();
  await targetProxy?.stop();
  await target?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function serve(): ChildProcess {
  const child = spawnServe({ port, dataDir, project: PROJECT, token: TOKEN });
  children.push(child);
  return child;
}

const native = (method: string, path: string, body?: unknown) =>
  apiCall(`http://127.0.0.1:${port}`, method, path, { body, token: TOKEN });

/** Kills the server with SIGKILL and waits until it and its database process are gone. */
async function crash(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  await lockHoldersGone();
}

async function api(method: 'GET' | 'POST', path: string, body?: unknown) {
  return (await hssCall(`http://127.0.0.1:${port}`, method, path, { body, project: PROJECT, token: TOKEN })).json;
}

const healthy = () =>
  until('server up', async () =>
    (await request(`http://127.0.0.1:${port}/healthz`)).statusCode === 200 ? true : undefined,
  );

/** The data dir's lock lists the server and its database process; both must be gone before a restart. */
async function lockHoldersGone(): Promise<void> {
  const pids = (await readFile(join(dataDir, 'regatta.lock'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map(Number);
  await until('old processes gone', async () => (pids.every((pid) => !alive(pid)) ? true : undefined), 30_000);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a server killed mid-sync resumes after restart and the sync ends finished', async () => {
  const first = serve();
  await healthy();
  const { id } = await api('POST', '/image/registries', {
    registry_name: 'slow',
    registry_type: 'Other',
    protocol: 'http',
    registry_addr: proxy.host,
  });
  await until('access checked', async () =>
    (await api('GET', '/image/registries')).data_list[0].status === 'success' ? true : undefined,
  );
  const { task_id } = await api('POST', '/image/image-sync/tasks', { registry_info: [{ registry_id: id }] });
  const path = `/image/image-sync/tasks/${task_id}/registries`;
  // Let the crawl get going, then pull the plug: every request through the slow proxy takes 100 ms or more, and
  // the crawl asks the tag list first, then each tag (it starts at once: a queued job wakes its worker).
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await api('GET', path)).data_list[0].sync_status, 'running');
  await crash(first);

  serve();
  await healthy();
  const done = await until('sync ended', async () => {
    const row = (await api('GET', path)).data_list[0];
    return row.sync_status === 'running' ? undefined : row;
  });
  assert.equal(done.sync_status, 'finished', JSON.stringify(done));
  const listed = await request(`http://127.0.0.1:${port}/v5/${PROJECT}/image/registries/images?limit=200`, {
    headers: { 'x-auth-token': TOKEN },
  });
  assert.equal(((await listed.body.json()) as { total_num: number }).total_num, 12);
});

test('a server killed mid-batch completes the batch after restart: nothing left SYNCHRONIZING, nothing sent twice', async () => {
  // The server the previous test restarted still holds the data dir.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) await crash(c);
  const first = serve();
  await healthy();
  const add = async (name: string, host: string) => {
    const { id } = await api('POST', '/image/registries', {
      registry_name: name,
      registry_type: 'Other',
      protocol: 'http',
      registry_addr: host,
    });
    return id as string;
  };
  const source = await add('slow-source', proxy.host);
  const sink = await add('sink', targetProxy.host);
  const rule = await native('POST', '/rules', {
    source: { registry_id: source, namespace: 'slow', repository: 'app' },
    target: { registry_id: sink, namespace: 'copy' },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  const run = await runRule(`http://127.0.0.1:${port}`, rule.json.id, undefined, { token: TOKEN });
  assert.equal(run.tasks, 12, JSON.stringify(run.json));
  const batch = `/tasks?batch_id=${run.json.batch_id}`;
  await until('copies under way', async () => {
    const { json } = await native('GET', batch);
    return json.tasks.some((t: { status: string }) => t.status === 'SYNCHRONIZING') ? true : undefined;
  });
  await crash(first);

  serve();
  await healthy();
  const tasks = await until('batch ended', async () => {
    const { json } = await native('GET', batch);
    const open = json.tasks.some((t: { status: string }) => t.status === 'PENDING' || t.status === 'SYNCHRONIZING');
    return open ? undefined : (json.tasks as Array<{ status: string; attempts: number }>);
  });
  assert.deepEqual(
    tasks.map((t) => t.status),
    Array(12).fill('SUCCESS'),
  );
  assert.ok(
    tasks.some((t) => t.attempts > 1),
    'at least one task was interrupted and taken again',
  );
  const counts = new Map<string, number>();
  for (const put of targetPuts) counts.set(put, (counts.get(put) ?? 0) + 1);
  const manifestPuts = targetPuts.filter((p) => p.includes('/manifests/'));
  assert.equal(new Set(manifestPuts).size, 12, 'one manifest per tag');
  assert.deepEqual(
    [...counts].filter(([, n]) => n > 1),
    [],
    'no blob upload or manifest push happened twice',
  );
});
