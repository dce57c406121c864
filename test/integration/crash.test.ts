// A crash mid-sync loses nothing and leaves nothing running: `regatta serve` (embedded PGlite) is killed with
// SIGKILL while it crawls a slow registry, started again on the same data dir, and the task's registry ends
// `finished` — the queue's job was failed at start-up (the data-dir lock proves no one else runs it) and retried.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { buildImage, pushImage } from '../support/fixtures.js';
import { freePort } from '../support/ports.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { until } from '../support/until.js';
import { hssCall } from './server.js';

const ENTRY = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));
const PROJECT = 'crash-project';
const TOKEN = 'crash-token';

let registry: TestRegistry;
let proxy: FaultProxy;
let dataDir: string;
let port: number;
const children: ChildProcess[] = [];

before(async () => {
  registry = await startRegistry();
  for (let i = 0; i < 12; i++)
    await pushImage(registry, 'slow/app', `t${i}`, await buildImage({ format: 'oci', seed: `crash-${i}` }));
  proxy = await startFaultProxy({ target: registry.url, rate: 1, faults: ['slow'] });
  dataDir = await mkdtemp(join(tmpdir(), 'regatta-crash-'));
  port = await freePort();
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await proxy?.stop();
  await registry?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function serve(): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, 'serve', '--port', String(port), '--data-dir', dataDir],
    {
      env: {
        ...process.env,
        DATABASE_URL: '',
        REGATTA_BOOTSTRAP_PROJECT_ID: PROJECT,
        REGATTA_BOOTSTRAP_TOKEN: TOKEN,
        REGATTA_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  children.push(child);
  return child;
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
  // Let the crawl get going, then pull the plug.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await api('GET', path)).data_list[0].sync_status, 'running');
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  await lockHoldersGone();

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
