// The HTTP layer of one registry host: pooled keep-alive connections, per-host concurrency, authentication,
// redirects that never carry credentials to another host, retries with backoff, and a host-wide pause when
// the registry rate-limits us. Order of the layers, outermost first:
//   retry (idempotent or replayable requests) → host pause (429) → auth (ping, token, 401 challenge) →
//   redirects (GET/HEAD) → undici pool (connections per origin = concurrency).
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { Authenticator } from './auth.js';
import type { RegistryCredentials } from './credentials.js';
import { isRetryable, NetworkError, RegattaError, RegistryError, redactUrl } from './errors.js';
import { type HostBudget, hostBudget } from './host-budget.js';
import { publishRegistryRequest } from './request-events.js';
import { parseJson, readBounded, readErrorBody } from './response.js';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, type RetryPolicy, sleep } from './retry.js';

/** Everything Regatta knows about how to talk to one registry host (regclient's `config.Host`). */
export interface HostConfig {
  /** `host[:port]` as references write it. */
  registry: string;
  /** Plain http. Loopback registries always use http, as Docker does. */
  insecure?: boolean;
  credentials?: RegistryCredentials;
  /** Parallel connections to the host, and so parallel requests. */
  concurrency?: number;
  retry?: RetryPolicy;
  /** Connect and response-header timeout, ms. */
  timeoutMs?: number;
  /** Longest a document (manifest, list, token) may take to arrive whole, ms (default 60 s; not layers). */
  documentDeadlineMs?: number;
  /** Longest silence inside a response body, ms (not the whole transfer: layers can take minutes). */
  bodyIdleTimeoutMs?: number;
  userAgent?: string;
  /** Told about each retry, so callers can show "retrying" rather than "failed". */
  onRetry?: (info: RetryInfo) => void;
  /** The rate-limit budget; default the process-wide one of `registry`, shared by every Transport to it. */
  budget?: HostBudget;
}

export interface RetryInfo {
  method: string;
  url: string;
  attempt: number;
  delayMs: number;
  error: RegattaError;
}

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
/** A body that can be sent again: bytes, or a factory making a fresh stream each try. */
export type Body = Buffer | string | (() => Readable | AsyncIterable<Uint8Array>);

export interface SendOptions {
  method: Method;
  /** A path under the registry (`/v2/…`) or an absolute URL (an upload `Location`). */
  url: string;
  headers?: Record<string, string>;
  body?: Body;
  /** Authorization scopes, e.g. `repository:team/app:pull`. */
  scopes?: string[];
  /** Statuses that mean success; any other throws a RegistryError. */
  expect: number[];
  /**
   * Whether a failed try may be repeated with the same body. Default: all methods but POST and PATCH. `false`
   * marks a one-shot body (a stream): it is sent once, not even again after a 401 challenge.
   */
  retry?: boolean;
  signal?: AbortSignal;
}

export interface RegistryResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
  /** Final URL after redirects. */
  url: string;
}

const MAX_REDIRECTS = 5;
const DOCUMENT_DEADLINE_MS = 60_000;
const CLOSE_GRACE_MS = 5_000;
const TOKEN_RESPONSE_LIMIT = 1024 * 1024;

export class Transport {
  readonly origin: string;
  private readonly agent: Agent;
  private readonly auth: Authenticator;
  private readonly policy: RetryPolicy;
  private pinged?: Promise<void>;
  /** Until when the registry asked everyone to wait (429 Retry-After, rate-limit headers): one per host. */
  readonly budget: HostBudget;

  constructor(readonly config: HostConfig) {
    this.origin = `${config.insecure ? 'http' : 'https'}://${config.registry}`;
    this.policy = config.retry ?? DEFAULT_RETRY;
    this.budget = config.budget ?? hostBudget(config.registry);
    this.agent = new Agent({
      connections: config.concurrency ?? 8,
      keepAliveTimeout: 30_000,
      connectTimeout: config.timeoutMs ?? 30_000,
      headersTimeout: config.timeoutMs ?? 30_000,
      bodyTimeout: config.bodyIdleTimeoutMs ?? 120_000,
    });
    this.auth = new Authenticator(config.credentials, (req) => this.fetchToken(req));
  }

  /** Sends a request with auth and retries; resolves with an expected status or throws a typed error. */
  async send(opts: SendOptions): Promise<RegistryResponse> {
    await this.ping(opts.signal);
    return this.withRetries(
      opts,
      () => this.sendAuthorized(opts),
      async (res) => res,
    );
  }

  /**
   * Sends and reads the whole body (at most `limit` bytes) inside the retry loop, so a body cut off midway is
   * fetched again like any other transient fault. For manifests, lists and other small documents.
   */
  async read(opts: SendOptions, limit: number): Promise<{ response: RegistryResponse; body: Buffer }> {
    await this.ping(opts.signal);
    const what = `${opts.method} ${redactUrl(this.resolve(opts.url))}`;
    // A document must arrive whole within the deadline: a registry dripping a byte a second never trips the idle
    // timeout, and would otherwise hold the caller (a crawl slot, a scan) for as long as it likes.
    const deadlineMs = this.config.documentDeadlineMs ?? DOCUMENT_DEADLINE_MS;
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    const bounded = { ...opts, signal };
    try {
      return await this.withRetries(
        bounded,
        () => this.sendAuthorized(bounded),
        async (response) => ({ response, body: await readBounded(response.body, limit, what) }),
      );
    } catch (err) {
      if (deadline.aborted && !opts.signal?.aborted) {
        throw new RegattaError('REQUEST_TIMEOUT', `${what}: no complete answer within ${deadlineMs / 1000} s`);
      }
      throw err;
    }
  }

  /** Tells the `onRetry` listener that a request failed and will be tried again (or resumed). */
  reportRetry(method: Method, url: string, attempt: number, delayMs: number, error: RegattaError): void {
    this.config.onRetry?.({ method, url: redactUrl(this.resolve(url)), attempt, delayMs, error });
  }

  /**
   * Closes the connections. Requests in flight get CLOSE_GRACE_MS to finish; one stuck on a peer that stopped
   * answering is then destroyed, so closing never hangs a worker, a test or the CLI.
   */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
    });
    const outcome = await Promise.race([this.agent.close().then(() => 'closed' as const), grace]);
    clearTimeout(timer);
    if (outcome === 'late') await this.agent.destroy();
  }

  /** Step 1 of the handshake, once per host: learn the challenge before a non-replayable upload needs it. */
  private ping(signal?: AbortSignal): Promise<void> {
    this.pinged ??= this.withRetries(
      // Any answer but a server error tells what we need; the spec'd 200 or 401 is not what every registry sends.
      { method: 'GET', url: '/v2/', expect: [200, 401, 403, 404, 405], signal },
      () => this.dispatch('GET', this.resolve('/v2/'), {}, undefined, signal),
      async (res) => res,
    ).then(
      async (res) => {
        if (res.status === 401) this.auth.learn(res.headers['www-authenticate']);
        await res.body.dump();
      },
      (err) => {
        this.pinged = undefined;
        throw err;
      },
    );
    return this.pinged;
  }

  private async withRetries<T>(
    opts: SendOptions,
    attempt: () => Promise<RegistryResponse>,
    consume: (res: RegistryResponse) => Promise<T>,
  ): Promise<T> {
    const replayable = opts.retry ?? (opts.method !== 'POST' && opts.method !== 'PATCH');
    for (let n = 1; ; n++) {
      await sleep(this.budget.waitMs(), opts.signal);
      let error: RegattaError;
      let status = 'none';
      try {
        const res = await attempt();
        status = String(res.status);
        if (opts.expect.includes(res.status)) {
          const consumed = await consume(res);
          this.count(opts.method, status, 'OK');
          return consumed;
        }
        error = await toRegistryError(opts.method, res);
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        error =
          err instanceof RegattaError ? err : new NetworkError(opts.method, redactUrl(this.resolve(opts.url)), err);
      }
      this.count(opts.method, status, error.code);
      if (!replayable || !isRetryable(error) || n >= this.policy.attempts) throw error;
      const retryAfter = error instanceof RegistryError ? error.retryAfter : undefined;
      const delayMs = backoffDelay(this.policy, n, retryAfter);
      if (error instanceof RegistryError && error.status === 429) this.budget.pause(delayMs, '429');
      this.reportRetry(opts.method, opts.url, n, delayMs, error);
      await sleep(delayMs, opts.signal);
    }
  }

  private count(method: string, status: string, code: string): void {
    publishRegistryRequest({ host: this.config.registry, method, status, code });
  }

  /** One try, answering a 401 challenge once with a fresh token for the scopes it names (step 2c). */
  private async sendAuthorized(opts: SendOptions): Promise<RegistryResponse> {
    const scopes = opts.scopes ?? [];
    const sent = await this.auth.authorization(scopes);
    const res = await this.follow(opts, sent);
    if (res.status !== 401) return res;
    const retryScopes = await this.auth.respond(res.headers['www-authenticate'], scopes, sent);
    // A one-shot body (a streamed PATCH) cannot be sent twice; the caller resumes with the refreshed token.
    if (!retryScopes || opts.retry === false) return res;
    await res.body.dump();
    return this.follow(opts, await this.auth.authorization(retryScopes));
  }

  /** Sends, following redirects for GET and HEAD; Authorization goes only to the registry's own origin. */
  private async follow(opts: SendOptions, authorization: string | undefined): Promise<RegistryResponse> {
    let url = this.resolve(opts.url);
    for (let hop = 0; ; hop++) {
      const sameOrigin = new URL(url).origin === this.origin;
      const headers = { ...opts.headers, ...(authorization && sameOrigin ? { authorization } : {}) };
      const res = await this.dispatch(opts.method, url, headers, opts.body, opts.signal);
      const location = res.headers.location;
      const redirect = res.status >= 300 && res.status < 400 && res.status !== 304 && typeof location === 'string';
      if (!redirect || (opts.method !== 'GET' && opts.method !== 'HEAD')) return res;
      if (hop >= MAX_REDIRECTS)
        throw new RegattaError('TOO_MANY_REDIRECTS', `${opts.method} ${redactUrl(url)}: too many redirects`);
      await res.body.dump();
      url = new URL(location, url).toString();
    }
  }

  private async dispatch(
    method: Method,
    url: string,
    headers: Record<string, string>,
    body: Body | undefined,
    signal?: AbortSignal,
  ): Promise<RegistryResponse> {
    const u = new URL(url);
    const payload = typeof body === 'function' ? body() : body;
    const res = await this.agent.request({
      origin: u.origin,
      path: u.pathname + u.search,
      method,
      headers: { 'user-agent': this.config.userAgent ?? 'regatta', ...headers },
      body: payload as Dispatcher.DispatchOptions['body'],
      // undici closes the connection after every HEAD (for servers that wrongly send a body); registries do not,
      // and a sync makes hundreds of HEADs, each then paying a new TCP connection. Keep it alive.
      ...(method === 'HEAD' ? { reset: false } : {}),
      signal,
    });
    if (u.origin === this.origin) this.budget.observe(res.headers);
    return { status: res.statusCode, headers: res.headers, body: res.body, url };
  }

  private async fetchToken(req: {
    method: 'GET' | 'POST';
    url: string;
    headers: Record<string, string>;
    body?: string;
  }) {
    const opts: SendOptions = { ...req, expect: [200], retry: true };
    const send = () => this.dispatch(req.method, req.url, req.headers, req.body);
    const { body } = await this.withRetries(opts, send, async (res) => ({
      body: await readBounded(res.body, TOKEN_RESPONSE_LIMIT, 'token response'),
    }));
    return parseJson(body, 'token response');
  }

  /** Absolute URL of a registry path; absolute URLs (upload locations) pass through. */
  resolve(url: string): string {
    return new URL(url, this.origin).toString();
  }
}

async function toRegistryError(method: string, res: RegistryResponse): Promise<RegistryError> {
  const errors = method === 'HEAD' ? [] : await readErrorBody(res.body);
  if (method === 'HEAD') await res.body.dump();
  return new RegistryError({
    status: res.status,
    method,
    url: redactUrl(res.url),
    errors,
    retryAfter: parseRetryAfter(res.headers['retry-after']),
  });
}
