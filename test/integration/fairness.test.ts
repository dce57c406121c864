// Fair dispatch of sync tasks: a project's small batch started while another project's big batch runs is not
// queued behind it (issue 14). Two sync workers; the big batch copies through a proxy that slows every response,
// so it is still running when the small batch starts and, with tasks queued in turns, still running once the
// small batch has ended. Queued first-come-first-served, the small batch would end after the last big task.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { until } from '../support/until.js';
import { addRegistry, apiCall, type Json, runRule, startServer, type TestServer } from './server.js';

const OTHER = { project: 'p0ther0project0001', token: 'other-project-token-0123' };
const BIG = 24;
let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
let slow: FaultProxy;

before(async () => {
  server = await startServer({ workerOptions: { syncConcurrency: 2, registryConcurrency: 8 } });
  [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  slow = await startFaultProxy({ target: src.url, rate: 1, faults: ['slow'] });
  const image = await buildImage({ format: 'oci', seed: 'fair', layers: 2 });
  for (let i = 0; i < BIG; i++) await pushImage(src, 'big/app', `t${i}`, image);
  for (let i = 0; i < 3; i++)
    await pushImage(src, 'small/app', `s${i}`, await buildImage({ format: 'oci', seed: `s${i}` }));
});
after(async () => {
  await server?.stop();
  await slow?.stop();
  await src?.stop();
  await dst?.stop();
});

/** A rule of `project` (its token) from `from` to `to`, run; resolves with the batch id once selected. */
async function startBatch(token: string | undefined, from: string, to: string, repository: string): Promise<string> {
  const rule = await apiCall(server.url, 'POST', '/rules', {
    token,
    body: {
      source: { registry_id: from, namespace: repository.split('/')[0], repository: 'app' },
      target: { registry_id: to, namespace: 'copy' },
    },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  return (await runRule(server.url, rule.json.id, undefined, { token })).batch_id;
}

const batchOf = async (id: string, token?: string): Promise<Json> =>
  (await apiCall(server.url, 'GET', `/batches/${id}`, { token })).json;

test("another project's 3-task batch started during a 24-task batch ends while the big one still runs", async () => {
  const big = await startBatch(
    undefined,
    await addRegistry(server.url, { name: 'slow-src', host: slow.host }),
    await addRegistry(server.url, { name: 'dst', host: dst.host }),
    'big/app',
  );
  await until('the big batch under way', async () => ((await batchOf(big)).by_status.SUCCESS > 0 ? true : undefined));

  await server.runtime.ctx.identities.ensure({ projectId: OTHER.project, name: 'other', token: OTHER.token });
  const small = await startBatch(
    OTHER.token,
    await addRegistry(server.url, { name: 'src', host: src.host, as: OTHER, wait: false }),
    await addRegistry(server.url, { name: 'dst', host: dst.host, as: OTHER, wait: false }),
    'small/app',
  );
  const smallDone = await until('the small batch ended', async () => {
    const b = await batchOf(small, OTHER.token);
    return b.finished_at ? b : undefined;
  });
  assert.equal(smallDone.by_status.SUCCESS, 3, JSON.stringify(smallDone));
  const bigNow = await batchOf(big);
  assert.ok(
    bigNow.by_status.PENDING + bigNow.by_status.SYNCHRONIZING > 0,
    `the big batch still runs: ${JSON.stringify(bigNow.by_status)}`,
  );
  await until('the big batch ended too', async () => ((await batchOf(big)).finished_at ? true : undefined));
  assert.equal((await batchOf(big)).by_status.SUCCESS, BIG);
});
