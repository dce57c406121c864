// Failed authentication is throttled per source address and per access key id: after `limit` failures within a
// window, further requests from that address (or signed with that key id) are answered 429 with Retry-After until
// the window ends, whatever they carry. Counted in this process's memory (a scale-out behind a load balancer
// multiplies the limit by its processes). A failure is logged at warn with the address and key id, never the
// token, signature or secret.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RegattaError } from '../../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authenticators when the request's credentials were refused. */
    authFailed?: boolean;
  }
}

export interface ThrottleOptions {
  /** Failures allowed per address within a window (REGATTA_AUTH_FAILURES_PER_MINUTE, default 20). */
  perAddress: number;
  /** Failures allowed per access key id within a window (default half the address limit). */
  perKey: number;
  windowMs: number;
}

interface Window {
  start: number;
  failures: number;
}

export class AuthThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly opts: ThrottleOptions) {}

  /** Seconds until `keys` may try again, or 0 when none of them is over its limit. */
  retryAfter(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const w = this.current(key, now);
      if (w && w.failures >= this.limitOf(key)) wait = Math.max(wait, w.start + this.opts.windowMs - now);
    }
    return Math.ceil(wait / 1000);
  }

  fail(keys: string[], now = Date.now()): void {
    for (const key of keys) {
      const w = this.current(key, now) ?? { start: now, failures: 0 };
      w.failures++;
      this.windows.set(key, w);
    }
    // Bounded memory under a spray of addresses: windows that ended are dropped as new ones come.
    if (this.windows.size > 10_000)
      for (const [k, w] of this.windows) if (now - w.start > this.opts.windowMs) this.windows.delete(k);
  }

  private current(key: string, now: number): Window | undefined {
    const w = this.windows.get(key);
    return w && now - w.start < this.opts.windowMs ? w : undefined;
  }

  private limitOf(key: string): number {
    return key.startsWith('key:') ? this.opts.perKey : this.opts.perAddress;
  }
}

/** The access key id a signed request names (Huawei `Access=`, ACS3 `Credential=`, RPC `AccessKeyId=`), if any. */
export function accessKeyOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  const m = typeof auth === 'string' ? /(?:Access|Credential)=([^,\s]{1,128})/.exec(auth) : null;
  if (m) return m[1];
  const q = /[?&]AccessKeyId=([^&]{1,128})/.exec(request.raw.url ?? '');
  return q ? decodeURIComponent(q[1]!) : undefined;
}

const keysOf = (request: FastifyRequest) => {
  const ak = accessKeyOf(request);
  // A sign-in's name counts as a key too: one person's password is not guessed from many addresses either.
  const name = request.auditName;
  return [`addr:${request.ip}`, ...(ak ? [`key:${ak}`] : []), ...(name ? [`key:user:${name}`] : [])];
};

declare module 'fastify' {
  interface FastifyInstance {
    authThrottle: AuthThrottle;
  }
}

/**
 * Refuses (429, THROTTLED) a sign-in for `name` while that name is over its failure limit: called by the
 * sign-in routes once they have read the name from the body (the address was checked before routing).
 */
export function refuseThrottledName(request: FastifyRequest, name: string): void {
  request.auditName = name;
  const wait = request.server.authThrottle.retryAfter([`key:user:${name}`]);
  if (wait > 0) throw new RegattaError('THROTTLED', `too many failed sign-ins for this name: retry in ${wait} s`);
}

/**
 * Registers the throttle on every route of `app`: refused before any facade runs, counted after any facade
 * refused credentials. `render` answers in the facade's own format.
 */
export function registerAuthThrottle(
  app: FastifyInstance,
  throttle: AuthThrottle,
  render: (request: FastifyRequest, reply: FastifyReply, retryAfter: number) => FastifyReply,
): void {
  app.decorate('authThrottle', throttle);
  app.addHook('onRequest', async (request, reply) => {
    const wait = throttle.retryAfter(keysOf(request));
    if (wait > 0) return render(request, reply.header('retry-after', String(wait)), wait);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!request.authFailed && reply.statusCode !== 401) return;
    throttle.fail(keysOf(request));
    request.log.warn(
      { address: request.ip, access_key: accessKeyOf(request), url: request.routeOptions.url },
      'authentication failed',
    );
  });
}
