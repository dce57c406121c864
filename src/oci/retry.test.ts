import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, sleep } from './retry.js';

test('Retry-After as seconds and as an HTTP date', () => {
  assert.equal(parseRetryAfter('3'), 3);
  assert.equal(parseRetryAfter([' 0 ']), 0);
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now), 5);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});

test('backoff grows, stays under the ceiling, and honours Retry-After', () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
  for (let attempt = 1; attempt <= 8; attempt++) {
    const ceiling = Math.min(100 * 2 ** (attempt - 1), 1000);
    const d = backoffDelay(policy, attempt);
    assert.ok(d >= ceiling / 2 && d <= ceiling, `attempt ${attempt}: ${d}`);
  }
  assert.equal(backoffDelay(policy, 1, 0.5), 500);
  assert.equal(backoffDelay(policy, 1, 120), 1000);
});

test('sleep rejects when aborted', async () => {
  const ctl = new AbortController();
  const p = sleep(10_000, ctl.signal);
  ctl.abort(new Error('stop'));
  await assert.rejects(p, /stop/);
});
