// A project holds at most half the crawl slots of a process (at least one): its next job is turned back while
// another project's runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FairShare } from './fair-share.js';

test('a project is held to its share of the slots; others still get theirs', async () => {
  const fair = new FairShare(2);
  assert.equal(fair.perProject, 1);
  let release!: () => void;
  const stuck = fair.run('a', () => new Promise<void>((r) => (release = r)));
  assert.equal(await fair.run('a', async () => {}), false, "a's second crawl waits");
  assert.equal(await fair.run('b', async () => {}), true, 'b runs beside it');
  release();
  assert.equal(await stuck, true);
  assert.equal(await fair.run('a', async () => {}), true, 'a runs again once its slot is free');
  assert.equal(new FairShare(1).perProject, 1);
  assert.equal(new FairShare(8).perProject, 4);
});
