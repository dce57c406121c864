// The per-host rate-limit budget: a pause is shared by everyone asking for the host, only ever lengthened, and
// set ahead of a 429 by the rate-limit headers registries send.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostBudget, hostBudget, MAX_HEADER_PAUSE_MS, onRateLimitWait, type RateLimitWait } from './host-budget.js';

const NOW = 1_800_000_000_000;

test('one budget per host for the whole process', () => {
  assert.equal(hostBudget('budget.example:5000'), hostBudget('budget.example:5000'));
  assert.notEqual(hostBudget('budget.example:5000'), hostBudget('budget.example:5001'));
});

test('a pause is only lengthened, and listeners hear of each', () => {
  const seen: RateLimitWait[] = [];
  const off = onRateLimitWait((w) => seen.push(w));
  const b = new HostBudget('h');
  b.pause(5000, '429', NOW);
  b.pause(1000, '429', NOW); // shorter: ignored
  assert.equal(b.waitMs(NOW), 5000);
  assert.equal(b.waitMs(NOW + 6000), 0);
  off();
  assert.deepEqual(seen, [{ host: 'h', waitMs: 5000, reason: '429' }]);
  assert.equal(b.pauses, 1);
});

test('rate-limit headers with nothing remaining pause until the reset', () => {
  const draft = new HostBudget('a');
  draft.observe({ 'ratelimit-remaining': '0', 'ratelimit-reset': '30' }, NOW);
  assert.equal(draft.waitMs(NOW), 30_000);

  const epoch = new HostBudget('b');
  epoch.observe({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 12) }, NOW);
  assert.equal(epoch.waitMs(NOW), 12_000);

  const hub = new HostBudget('c');
  hub.observe({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' }, NOW);
  assert.equal(hub.waitMs(NOW), 60_000);

  const capped = new HostBudget('d');
  capped.observe({ 'ratelimit-remaining': '0', 'ratelimit-reset': '86400' }, NOW);
  assert.equal(capped.waitMs(NOW), MAX_HEADER_PAUSE_MS);
});

test('budget left, or no rate-limit headers, means no pause', () => {
  const b = new HostBudget('e');
  b.observe({ 'ratelimit-remaining': '76;w=21600', 'ratelimit-reset': '30' }, NOW);
  b.observe({ 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '30' }, NOW);
  b.observe({ 'content-type': 'application/json' }, NOW);
  assert.equal(b.waitMs(NOW), 0);
  assert.equal(b.pauses, 0);
});
