// /readyz and /metrics of a running server: ready once the database and the job queue answer; metrics only for
// an authenticated caller (Prometheus' Bearer token), in Prometheus' text format, counting requests by route and
// reporting the shared queue, sync tasks and scans.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { startServer, type TestServer, TOKEN } from './server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test('readyz answers ready; metrics need a token and count requests by route', async () => {
  const ready = await request(`${server.url}/readyz`);
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(await ready.body.json(), { status: 'ready' });
  for (let i = 0; i < 3; i++) await (await request(`${server.url}/healthz`)).body.dump();

  const anonymous = await request(`${server.url}/metrics`);
  assert.equal(anonymous.statusCode, 401);
  await anonymous.body.dump();
  const res = await request(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = await res.body.text();
  assert.match(text, /regatta_http_requests_total\{method="GET",route="\/healthz",status="200"\} 3/);
  for (const name of [
    'regatta_jobs',
    'regatta_queue_depth',
    'regatta_sync_tasks',
    'regatta_sync_bytes_copied',
    'regatta_scans',
    'regatta_scan_duration_seconds',
    'regatta_rate_limit_waits_total',
    'regatta_process_resident_memory_bytes',
    'regatta_nodejs_eventloop_lag_seconds',
  ]) {
    assert.match(text, new RegExp(`# HELP ${name} `), name);
  }
  // The queue's own jobs (the push-poll schedule) are there, by queue and state.
  assert.match(text, /regatta_jobs\{queue="push-poll",state="[a-z]+"\} \d+/);
});
