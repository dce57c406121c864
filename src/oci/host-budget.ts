// One rate-limit budget per registry host for the whole process: every Transport to a host (a sync task's
// source, another task's target, an inventory crawl) shares it, so a 429 seen by one makes all of them wait
// rather than each finding the limit on its own. The registry says how long through `Retry-After` on the 429,
// or ahead of time through rate-limit headers on any answer:
//   RateLimit-Remaining / RateLimit-Reset (IETF draft-ietf-httpapi-ratelimit-headers; Docker Hub sends
//   `ratelimit-remaining: 0;w=21600`), X-RateLimit-Remaining / X-RateLimit-Reset (GitHub, Harbor's proxies:
//   reset as epoch seconds, or as seconds from now when small).
import type { IncomingHttpHeaders } from 'node:http';

/** The longest pause rate-limit headers can impose; past it a request goes and meets the 429 with Retry-After. */
export const MAX_HEADER_PAUSE_MS = 15 * 60 * 1000;

export interface RateLimitWait {
  host: string;
  waitMs: number;
  reason: '429' | 'headers';
}

export class HostBudget {
  private pausedUntilMs = 0;
  private waits = 0;

  constructor(readonly host: string) {}

  /** How long a request must wait before it is sent (0: go). */
  waitMs(now = Date.now()): number {
    return Math.max(0, this.pausedUntilMs - now);
  }

  /** Everyone waits `delayMs` from now (a 429's Retry-After or back-off). */
  pause(delayMs: number, reason: RateLimitWait['reason'], now = Date.now()): void {
    const until = now + delayMs;
    if (until <= this.pausedUntilMs) return;
    this.pausedUntilMs = until;
    this.waits++;
    for (const listener of listeners) listener({ host: this.host, waitMs: delayMs, reason });
  }

  /** Reads rate-limit headers of any answer: a spent budget pauses the host until it resets. */
  observe(headers: IncomingHttpHeaders, now = Date.now()): void {
    const remaining = first(headers['ratelimit-remaining'] ?? headers['x-ratelimit-remaining']);
    if (remaining === undefined || Number.parseInt(remaining, 10) !== 0) return;
    const reset = first(headers['ratelimit-reset'] ?? headers['x-ratelimit-reset']);
    const waitMs = resetDelayMs(reset, remaining, now);
    if (waitMs > 0) this.pause(Math.min(waitMs, MAX_HEADER_PAUSE_MS), 'headers', now);
  }

  /** Pauses this budget imposed so far (for metrics and tests). */
  get pauses(): number {
    return this.waits;
  }
}

/** Seconds until reset: `RateLimit-Reset` is delta seconds; `X-RateLimit-Reset` often epoch seconds. */
function resetDelayMs(reset: string | undefined, remaining: string, now: number): number {
  if (reset !== undefined && /^\d+$/.test(reset.trim())) {
    const n = Number(reset.trim());
    // Values past 10^9 are epoch seconds (2001 onwards); smaller ones are seconds from now.
    return n > 1e9 ? n * 1000 - now : n * 1000;
  }
  // Docker Hub's `0;w=21600` names only the window: wait a minute and let the 429 say more.
  const window = /;\s*w=(\d+)/.exec(remaining);
  return window ? 60_000 : 0;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

const budgets = new Map<string, HostBudget>();
const listeners = new Set<(wait: RateLimitWait) => void>();

/** The process-wide budget of `host` (`host[:port]`). */
export function hostBudget(host: string): HostBudget {
  let budget = budgets.get(host);
  if (!budget) {
    budget = new HostBudget(host);
    budgets.set(host, budget);
  }
  return budget;
}

/** Told of every pause any host budget imposes (metrics, logs); returns the unsubscribe function. */
export function onRateLimitWait(listener: (wait: RateLimitWait) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
