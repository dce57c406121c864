// Triggers and control of sync tasks against real registries: a Harbor webhook payload fires a PASSIVE rule (the
// Harbor sender is this test, written from Harbor's webhook docs: no Harbor runs here; the registry it names is
// real); the polling fallback copies a tag pushed to a registry that sends no events; a running task is
// cancelled and ends CANCELED; the CLI adds, runs and lists rules and tasks over the native API.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import { json, runCli } from './cli.js';
import {
  addRegistry,
  apiCall,
  hssCall,
  type Json,
  PROJECT,
  runRule,
  startServer,
  type TestServer,
  TOKEN,
} from './server.js';

let server: TestServer;
let quiet: TestRegistry;
let dst: TestRegistry;
let gate: Gate;
const ids: Record<string, string> = {};

before(async () => {
  // Polls PASSIVE rules' sources every second, so the fallback shows within a test.
  server = await startServer({ workerOptions: { pollIntervalSeconds: 1 } });
  [quiet, dst] = await Promise.all([startRegistry(), startRegistry()]);
  gate = await startGate(quiet.host);
  for (const [name, host] of [
    ['quiet', quiet.host],
    ['dst', dst.host],
    ['gated', gate.host],
  ] as const) {
    ids[name] = await addRegistry(server.url, { name, host, wait: false });
  }
});
after(async () => {
  await server?.stop();
  gate?.release();
  gate?.server.closeAllConnections();
  await new Promise((r) => (gate ? gate.server.close(r) : r(undefined)));
  await Promise.all([quiet?.stop(), dst?.stop()]);
});

/** A proxy to a registry that holds every blob GET until released: a copy through it stays under way. */
interface Gate {
  host: string;
  server: Server;
  held: number;
  release(): void;
}

async function startGate(upstream: string): Promise<Gate> {
  const waiting: Array<() => void> = [];
  let open = false;
  const gate: Gate = {
    host: '',
    held: 0,
    server: createServer((req, res) => {
      const forward = () => {
        const up = httpRequest(`http://${upstream}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        req.pipe(up);
      };
      if (!open && req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '')) {
        gate.held++;
        waiting.push(forward);
      } else forward();
    }),
    release() {
      open = true;
      for (const go of waiting.splice(0)) go();
    },
  };
  await new Promise<void>((r) => gate.server.listen(0, '127.0.0.1', r));
  gate.host = `127.0.0.1:${(gate.server.address() as AddressInfo).port}`;
  return gate;
}

const api = (method: string, path: string, body?: unknown) => apiCall(server.url, method, path, { body });
const cli = (...args: string[]) => runCli([...args, '--server', server.url, '--token', TOKEN, '--project', PROJECT]);
const digestAt = async (ref: string) => sha256Hex(await skopeoInspectRaw(`${dst.host}/${ref}`));

async function taskFor(ruleId: string, tag: string): Promise<Json> {
  return until(`a finished task of ${tag}`, async () => {
    const { json } = await api('GET', '/tasks');
    const t = json.tasks.find((x: Json) => x.rule_id === ruleId && x.source.tag === tag);
    return t && t.status !== 'PENDING' && t.status !== 'SYNCHRONIZING' ? t : undefined;
  });
}

test('a Harbor PUSH_ARTIFACT webhook fires the PASSIVE rule of the registry it names', async () => {
  const rule = await api('POST', '/rules', {
    trigger: 'PASSIVE',
    source: { registry_id: ids.quiet, namespace: 'hooks', repository: 'app' },
    target: { registry_id: ids.dst, namespace: 'hooked' },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  const image = await buildImage({ format: 'docker', seed: 'harbor-hook' });
  await pushImage(quiet, 'hooks/app', 'v7', image);
  // Harbor's webhook body (event type PUSH_ARTIFACT; resources with digest, tag, resource_url).
  const payload = {
    type: 'PUSH_ARTIFACT',
    occur_at: Math.floor(Date.now() / 1000),
    operator: 'admin',
    event_data: {
      resources: [{ digest: image.digest, tag: 'v7', resource_url: `${quiet.host}/hooks/app:v7` }],
      repository: { name: 'app', namespace: 'hooks', repo_full_name: 'hooks/app', repo_type: 'private' },
    },
  };
  // Harbor sends its configured auth header as `Authorization`.
  const sent = await request(`${server.url}/api/v1/events/registry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const hook = { status: sent.statusCode, json: (await sent.body.json()) as Json };
  assert.equal(hook.status, 200, JSON.stringify(hook.json));
  assert.deepEqual(hook.json, { events: 1, matched_registries: 1, batches: 1 });
  const task = await taskFor(rule.json.id, 'v7');
  assert.equal(task.status, 'SUCCESS', JSON.stringify(task));
  assert.equal(task.trigger, 'PASSIVE');
  assert.equal(await digestAt('hooked/app:v7'), image.digest);

  const again = await api('POST', '/events/registry', payload);
  assert.equal(again.json.batches, 0, 'the same digest again makes no second task');
  const junk = await api('POST', '/events/registry', { hello: 'world' });
  assert.equal(junk.status, 400);
  assert.equal((await api('DELETE', `/rules/${rule.json.id}`)).status, 204);
});

test('the polling fallback copies a tag pushed to a registry that sends no events', async () => {
  await pushImage(quiet, 'polled/app', 'old', await buildImage({ format: 'oci', seed: 'poll-old' }));
  // An inventory crawl takes stock of 'old' before the rule exists; after it, only pushes are new.
  const crawl = await hssCall(server.url, 'POST', '/image/image-sync/tasks', {
    body: { registry_info: [{ registry_id: ids.quiet }] },
  });
  await until('the source crawled', async () => {
    const r = await hssCall(server.url, 'GET', `/image/image-sync/tasks/${crawl.json.task_id}/registries`);
    return r.json.data_list?.every((x: Json) => x.sync_status === 'finished') ? true : undefined;
  });
  const rule = await api('POST', '/rules', {
    trigger: 'PASSIVE',
    source: { registry_id: ids.quiet, namespace: 'polled', repository: 'app' },
    target: { registry_id: ids.dst, namespace: 'polled' },
  });
  const image = await buildImage({ format: 'oci', seed: 'poll-new' });
  await pushImage(quiet, 'polled/app', 'new', image);
  const task = await taskFor(rule.json.id, 'new');
  assert.equal(task.status, 'SUCCESS', JSON.stringify(task));
  assert.equal(await digestAt('polled/app:new'), image.digest);
  const { json: all } = await api('GET', '/tasks');
  assert.ok(!all.tasks.some((t: Json) => t.rule_id === rule.json.id && t.source.tag === 'old'), 'old tags not copied');
  assert.equal((await api('DELETE', `/rules/${rule.json.id}`)).status, 204);
});

test('a running task is cancelled: it ends CANCELED and stays so; the target has no such tag', async () => {
  await pushImage(quiet, 'big/app', 'held', await buildImage({ format: 'oci', seed: 'cancel-me', layers: 3 }));
  const rule = await api('POST', '/rules', {
    source: { registry_id: ids.gated, namespace: 'big', repository: 'app' },
    target: { registry_id: ids.dst, namespace: 'cancelled' },
  });
  const run = await runRule(server.url, rule.json.id, { tags: ['held'] });
  assert.equal(run.tasks, 1);
  const running = await until('the copy waiting on its blobs', async () => {
    const { json } = await api('GET', `/tasks?batch_id=${run.json.batch_id}`);
    return json.tasks[0]?.status === 'SYNCHRONIZING' && gate.held > 0 ? json.tasks[0] : undefined;
  });
  const cancel = await api('POST', `/tasks/${running.task_id}/cancel`);
  assert.equal(cancel.status, 200, JSON.stringify(cancel.json));
  assert.equal(cancel.json.status, 'CANCELED');
  // The worker notices within a tick (1 s) and aborts; the blobs it waited for come too late to matter.
  await new Promise((r) => setTimeout(r, 2000));
  gate.release();
  await new Promise((r) => setTimeout(r, 1500));
  const { json } = await api('GET', `/tasks/${running.id}`);
  assert.equal(json.status, 'CANCELED');
  await assert.rejects(skopeoInspectRaw(`${dst.host}/cancelled/app:held`), 'the tag was not pushed');
  const twice = await api('POST', `/tasks/${running.id}/cancel`);
  assert.equal(twice.status, 409, JSON.stringify(twice.json));
});

test('the CLI adds and runs a rule, waits for its batch and lists its tasks', async () => {
  const image = await buildImage({ format: 'docker', seed: 'cli-rule' });
  await pushImage(quiet, 'cli/app', '2.1.0', image);
  await pushImage(quiet, 'cli/app', '1.0.0', await buildImage({ format: 'docker', seed: 'cli-old' }));
  const add = await cli(
    'rule',
    'add',
    `${ids.quiet}/cli`,
    `${ids.dst}/viacli`,
    '--repository',
    'app',
    '--semver',
    '>=2',
    '--tag-rename',
    '{tag}-dr',
    '--json',
  );
  assert.equal(add.code, 0, add.stderr);
  const rule = json<{ id: string }>(add);
  const run = await cli('rule', 'run', rule.id, '--wait', '--json');
  assert.equal(run.code, 0, run.stderr);
  const out = json<{ batch_id: string; tasks: Json[] }>(run);
  assert.deepEqual(
    out.tasks.map((t) => `${t.source.tag}→${t.target.tag}:${t.status}`),
    ['2.1.0→2.1.0-dr:SUCCESS'],
  );
  assert.equal(await digestAt('viacli/app:2.1.0-dr'), image.digest);
  const ls = await cli('task', 'ls', '--batch', out.batch_id);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /SUCCESS\s+cli\/app:2\.1\.0 → viacli\/app:2\.1\.0-dr/);
  const rules = await cli('rule', 'ls', '--json');
  assert.ok(json<{ rules: Json[] }>(rules).rules.some((r) => r.id === rule.id));
  assert.equal((await cli('rule', 'rm', rule.id)).code, 0);
  const gone = await cli('rule', 'run', rule.id);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /NOT_FOUND/);
});
