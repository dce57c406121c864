// A real Regatta for API tests: the runtime (embedded PGlite in a temp data dir, or PostgreSQL when the
// test database helper gives one), workers, and the Fastify app listening on a loopback port.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { type AppOptions, buildApp } from '../../src/api/app.js';
import { policyOf } from '../../src/api/native/overview.js';
import { loadConfig } from '../../src/app/config.js';
import type { WorkerOptions } from '../../src/app/worker-options.js';
import { openRuntime, type Runtime } from '../../src/cli/runtime.js';
import { startWorkers } from '../../src/jobs/workers.js';
import { until } from '../support/until.js';

export interface TestServer {
  url: string;
  runtime: Runtime;
  /** The app itself, for `inject` (contract tests without a socket). */
  app: FastifyInstance;
  stop(): Promise<void>;
}

export const PROJECT = 'p0123456789abcdef';
export const TOKEN = 'test-token-0123456789';
export const AK = 'TESTAK0000000000000000';
export const SK = 'test-secret-key-0123456789abcdef';

export interface ServerOptions {
  /** PostgreSQL; default a fresh embedded PGlite in a temp data dir. */
  databaseUrl?: string;
  /** Run workers in this process (default true). */
  workers?: boolean;
  /** REGATTA_SECRET_KEY, for processes that must share encrypted credentials. */
  secretKey?: string;
  /** Options of the in-process workers (e.g. a short pollIntervalSeconds). */
  workerOptions?: WorkerOptions;
  /** App options (e.g. swrRegion). */
  app?: AppOptions;
  /** More environment for the runtime (e.g. REGATTA_WEBHOOK_URL). */
  env?: Record<string, string>;
  /** The loopback port to listen on (default: any free one), for URLs that must be known before the start. */
  port?: number;
}

export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'regatta-server-'));
  const env = {
    ...(opts.secretKey ? { REGATTA_SECRET_KEY: opts.secretKey } : {}),
    REGATTA_BOOTSTRAP_PROJECT_ID: PROJECT,
    REGATTA_BOOTSTRAP_TOKEN: TOKEN,
    REGATTA_BOOTSTRAP_AK: AK,
    REGATTA_BOOTSTRAP_SK: SK,
    ...opts.env,
  };
  const config = loadConfig(env, { dataDir });
  const runtime = await openRuntime({ ...config, databaseUrl: opts.databaseUrl });
  if (opts.workers ?? true) await startWorkers(runtime.ctx, { pollingIntervalSeconds: 0.5, ...opts.workerOptions });
  const app = await buildApp(runtime.ctx, { policy: policyOf(opts.workerOptions), oidc: config.api.oidc, ...opts.app });
  await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    app,
    stop: async () => {
      await app.close();
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON responses, checked field by field
export type Json = Record<string, any>;

/** Calls `/v5/{project}{path}` on a server with a token; resolves with status, headers and parsed body. */
export async function hssCall(
  baseUrl: string,
  method: string,
  path: string,
  opts: { query?: Json; body?: unknown; token?: string; project?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; json: Json }> {
  const u = new URL(`/v5/${opts.project ?? PROJECT}${path}`, baseUrl);
  for (const [k, v] of Object.entries(opts.query ?? {})) u.searchParams.set(k, String(v));
  const res = await request(u, {
    method: method as 'GET',
    headers: { 'x-auth-token': opts.token ?? TOKEN, ...(opts.body ? { 'content-type': 'application/json' } : {}) },
    body: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: (text ? JSON.parse(text) : {}) as Json };
}

/** Calls Regatta's own API, `/api/v1{path}`, with a token; resolves with status and parsed body. */
export async function apiCall(
  baseUrl: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string } = {},
): Promise<{ status: number; json: Json }> {
  const res = await request(new URL(`/api/v1${path}`, baseUrl), {
    method: method as 'GET',
    headers: { 'x-auth-token': opts.token ?? TOKEN, ...(opts.body ? { 'content-type': 'application/json' } : {}) },
    body: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: (text ? JSON.parse(text) : {}) as Json };
}

/**
 * `POST /rules/{id}/run`, then waits until the batch has selected its images (a rule run answers 202 at once and
 * lists the source in the background); resolves with the batch id, its task count and the 202's body.
 */
export async function runRule(
  baseUrl: string,
  ruleId: string,
  body?: unknown,
  opts: { token?: string } = {},
): Promise<{ status: number; json: Json; batch_id: string; tasks: number }> {
  const run = await apiCall(baseUrl, 'POST', `/rules/${ruleId}/run`, { body, ...opts });
  if (run.status !== 202) throw new Error(`rule run: ${run.status} ${JSON.stringify(run.json)}`);
  const batch = await until(`batch ${run.json.batch_id} selected`, async () => {
    const b = await apiCall(baseUrl, 'GET', `/batches/${run.json.batch_id}`, opts);
    return b.json.selection === 'SELECTING' ? undefined : b.json;
  });
  if (batch.selection !== 'SELECTED') throw new Error(`selection ${batch.selection}: ${batch.selection_detail}`);
  return { status: run.status, json: run.json, batch_id: run.json.batch_id, tasks: batch.tasks };
}

/**
 * Connects a loopback registry through HSS AddRegistry (type Other, plain http) and, unless `wait` is false,
 * waits until its access check says success; resolves with its id.
 */
/** Another project than the default one: its id and a token of it. */
export interface ProjectCaller {
  project: string;
  token: string;
}

export async function addRegistry(
  baseUrl: string,
  r: { name: string; host: string; region?: string; instance?: string; wait?: boolean; as?: ProjectCaller },
): Promise<string> {
  const caller = r.as ?? {};
  const add = await hssCall(baseUrl, 'POST', '/image/registries', {
    ...caller,
    body: {
      registry_name: r.name,
      registry_type: 'Other',
      protocol: 'http',
      registry_addr: r.host,
      ...(r.region ? { region_id: r.region } : {}),
      ...(r.instance ? { instance_id: r.instance } : {}),
    },
  });
  if (add.status !== 200) throw new Error(`AddRegistry ${r.name}: ${add.status} ${JSON.stringify(add.json)}`);
  if (r.wait === false) return String(add.json.id);
  return until(`${r.name} connected`, async () => {
    const list = await hssCall(baseUrl, 'GET', '/image/registries', { ...caller, query: { registry_name: r.name } });
    const row = list.json.data_list?.[0];
    return row?.status === 'success' ? String(row.id) : undefined;
  });
}

/** The tasks of a batch once none of them is PENDING or SYNCHRONIZING. */
export async function endedTasks(baseUrl: string, batchId: string, timeoutMs?: number): Promise<Json[]> {
  return until(
    `batch ${batchId} ended`,
    async () => {
      const { json } = await apiCall(baseUrl, 'GET', `/tasks?batch_id=${batchId}`);
      const open = json.tasks.some((t: Json) => t.status === 'PENDING' || t.status === 'SYNCHRONIZING');
      return open ? undefined : (json.tasks as Json[]);
    },
    timeoutMs,
  );
}

/** Runs an inventory sync of `registryIds` through HSS and waits until every registry of it finished. */
export async function inventorySync(baseUrl: string, registryIds: string[]): Promise<void> {
  const task = await hssCall(baseUrl, 'POST', '/image/image-sync/tasks', {
    body: { registry_info: registryIds.map((registry_id) => ({ registry_id })) },
  });
  if (task.status !== 200) throw new Error(`CreateImageSynchronizeTask: ${task.status} ${JSON.stringify(task.json)}`);
  await until('inventory crawled', async () => {
    const r = await hssCall(baseUrl, 'GET', `/image/image-sync/tasks/${task.json.task_id}/registries`);
    return r.json.data_list?.every((x: Json) => x.sync_status === 'finished') ? true : undefined;
  });
}
