// A small client for the vendors' own JSON APIs (Harbor `/api/v2.0`, Artifactory `/artifactory/api`): GET only,
// Basic auth on every request, a timeout, bounded bodies, retries of transient faults, and every answer
// validated with a zod schema. Failures are the OCI client's typed errors, so health checks classify both alike.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import type { z } from 'zod';
import type { Credentials } from '../oci/credentials.js';
import {
  InvalidResponseError,
  isRetryable,
  NetworkError,
  type RegattaError,
  type RegistryDiagnostic,
  RegistryError,
  redactUrl,
} from '../oci/errors.js';
import { parseJson, readBounded } from '../oci/response.js';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, type RetryPolicy, sleep } from '../oci/retry.js';

export interface VendorApiConfig {
  /** `http(s)://host[:port]` */
  origin: string;
  credentials?: Credentials;
  /** Connect, header and body-idle timeout, ms (default 30 s). */
  timeoutMs?: number;
  concurrency?: number;
  retry?: RetryPolicy;
  /** Largest body read, bytes (default 16 MiB: a page of repositories is far smaller). */
  limit?: number;
}

export interface VendorResponse<T> {
  data: T;
  headers: IncomingHttpHeaders;
}

const DEFAULT_LIMIT = 16 * 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;

export class VendorApi {
  readonly origin: string;
  private readonly agent: Agent;
  private readonly authorization?: string;

  constructor(private readonly config: VendorApiConfig) {
    this.origin = config.origin;
    const timeout = config.timeoutMs ?? 30_000;
    this.agent = new Agent({
      connections: config.concurrency ?? 4,
      connectTimeout: timeout,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const c = config.credentials;
    if (c) this.authorization = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  }

  /** GETs `path` (with its query) and validates the JSON answer; any status but 200 throws a RegistryError. */
  async getJson<S extends z.ZodType>(
    path: string,
    schema: S,
    signal?: AbortSignal,
  ): Promise<VendorResponse<z.output<S>>> {
    const { body, headers } = await this.get(path, signal);
    const what = `GET ${this.display(path)}`;
    const parsed = schema.safeParse(parseJson(body, what));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidResponseError(
        what,
        `unexpected shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      );
    }
    return { data: parsed.data, headers };
  }

  /** True when GET `path` answers 200, false when 404 (no such API at this address); other answers throw. */
  async exists(path: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.get(path, signal);
      return true;
    } catch (err) {
      if (err instanceof RegistryError && err.status === 404) return false;
      throw err;
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private display(path: string): string {
    return redactUrl(new URL(path, this.origin));
  }

  /** One GET, tried again on network faults, 429 and 5xx, with the OCI client's backoff. */
  private async get(path: string, signal?: AbortSignal): Promise<{ body: Buffer; headers: IncomingHttpHeaders }> {
    const policy = this.config.retry ?? DEFAULT_RETRY;
    for (let attempt = 1; ; attempt++) {
      let error: RegattaError;
      try {
        return await this.getOnce(path, signal);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        error =
          err instanceof RegistryError || err instanceof InvalidResponseError ? err : this.networkError(path, err);
      }
      if (!isRetryable(error) || attempt >= policy.attempts) throw error;
      const retryAfter = error instanceof RegistryError ? error.retryAfter : undefined;
      await sleep(backoffDelay(policy, attempt, retryAfter), signal);
    }
  }

  private async getOnce(path: string, signal?: AbortSignal): Promise<{ body: Buffer; headers: IncomingHttpHeaders }> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'regatta' };
    if (this.authorization) headers.authorization = this.authorization;
    const res = await this.agent.request({ origin: this.origin, path, method: 'GET', headers, signal });
    const url = this.display(path);
    if (res.statusCode !== 200) {
      const errors = await readErrors(res.body, res.statusCode);
      const retryAfter = parseRetryAfter(res.headers['retry-after']);
      throw new RegistryError({ status: res.statusCode, method: 'GET', url, errors, retryAfter });
    }
    const body = await readBounded(res.body, this.config.limit ?? DEFAULT_LIMIT, `GET ${url}`);
    return { body, headers: res.headers };
  }

  private networkError(path: string, cause: unknown): NetworkError {
    return new NetworkError('GET', this.display(path), cause);
  }
}

/**
 * Error bodies: Harbor sends `{"errors":[{"code","message"}]}` (swagger `definitions/Errors`), Artifactory
 * `{"errors":[{"status","message"}]}` (https://jfrog.com/help/r/jfrog-rest-apis/error-responses); entries
 * without a code get one from the status.
 */
async function readErrors(body: Readable, status: number): Promise<RegistryDiagnostic[]> {
  let json: unknown;
  try {
    json = JSON.parse((await readBounded(body, ERROR_BODY_LIMIT, 'error body')).toString('utf8'));
  } catch {
    return [];
  }
  const list = (json as { errors?: unknown })?.errors;
  if (!Array.isArray(list)) return [];
  return list
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map(
      (e): RegistryDiagnostic => ({
        code: typeof e.code === 'string' ? e.code : codeOfStatus(status),
        message: typeof e.message === 'string' ? e.message : undefined,
      }),
    );
}

function codeOfStatus(status: number): string {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 404) return 'NOT_FOUND';
  return `HTTP_${status}`;
}
