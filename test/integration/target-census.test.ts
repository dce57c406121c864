// The target census against a real registry: a repository that does not exist answers NAME_UNKNOWN once, and
// every tag of the run into it skips its HEAD; the same reference asked twice (a retry, or two rules writing one
// tag) gets the HEAD back; a worker's census (a maximum age) asks again once its answer is old, so a repository
// created meanwhile is seen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/oci/client.js';
import { TargetCensus } from '../../src/replication/target-census.js';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

let registry: TestRegistry;
let client: RegistryClient;

before(async () => {
  registry = await startRegistry();
  client = new RegistryClient(registry.host);
});
after(async () => {
  await client?.close();
  await registry?.stop();
});

const at = (repository: string, reference: string) => ({ client, repository, reference });

test('a repository that does not exist is absent for each new tag of the run, not for a reference asked again', async () => {
  const census = new TargetCensus();
  assert.equal(await census.absent(at('mirror/app', '1.0')), true);
  assert.equal(await census.absent(at('mirror/app', '1.1')), true);
  assert.equal(await census.absent(at('mirror/app', '1.0')), false, 'the same reference again: HEAD it');
  await pushImage(registry, 'mirror/other', 'x', await buildImage({ format: 'oci', seed: 'census' }));
  assert.equal(await census.absent(at('mirror/other', 'y')), false, 'an existing repository is never absent');
});

test("a worker's census asks again once its answer is older than its maximum age", async () => {
  const census = new TargetCensus(0);
  assert.equal(await census.absent(at('late/app', '1.0')), true);
  await pushImage(registry, 'late/app', '1.0', await buildImage({ format: 'oci', seed: 'census-late' }));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(await census.absent(at('late/app', '2.0')), false, 'created meanwhile: the HEADs are back');
});
