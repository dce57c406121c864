// Typed errors of the registry client. One `RegistryError` for every failed registry exchange, carrying the
// HTTP status and the distribution spec's error codes, which decide whether the request may be retried.
// Error codes: https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#error-codes
// Application errors carry a stable string `code`: match on `code`, not on `instanceof`.

/** Codes the distribution spec defines, plus TOOMANYREQUESTS and UNAVAILABLE which registries send in practice. */
export const SPEC_ERROR_CODES = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
  'UNAVAILABLE',
] as const;

/** One entry of a registry's `{"errors": [...]}` body. */
export interface RegistryDiagnostic {
  code: string;
  message?: string;
  detail?: unknown;
}

import { RegattaError } from '../errors.js';

export { RegattaError };

/** Statuses worth another try: the registry or a proxy in front of it is overloaded or restarting. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['TOOMANYREQUESTS', 'UNAVAILABLE']);

/** A registry answered with an unexpected status. `code` is the first spec code, else `HTTP_<status>`. */
export class RegistryError extends RegattaError {
  readonly status: number;
  readonly method: string;
  /** URL without credentials or query secrets. */
  readonly url: string;
  readonly errors: RegistryDiagnostic[];
  /** Seconds the registry asked us to wait (Retry-After), when it said. */
  readonly retryAfter?: number;

  constructor(init: {
    status: number;
    method: string;
    url: string;
    errors?: RegistryDiagnostic[];
    retryAfter?: number;
    cause?: unknown;
  }) {
    const errors = init.errors ?? [];
    const first = errors[0];
    const code = first?.code ?? statusCode(init.status);
    const what = first?.message ? `${first.code}: ${first.message}` : `HTTP ${init.status}`;
    super(code, `${init.method} ${init.url}: ${what}`, { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.errors = errors;
    this.retryAfter = init.retryAfter;
  }

  /** True when a later identical request may succeed (go-containerregistry's `Temporary()`). */
  get retryable(): boolean {
    if (this.errors.some((e) => RETRYABLE_CODES.has(e.code))) return true;
    return RETRYABLE_STATUS.has(this.status);
  }

  /** True when the registry refused our identity, as opposed to not finding something. */
  get isAuth(): boolean {
    return (
      this.status === 401 ||
      this.status === 403 ||
      this.errors.some((e) => e.code === 'UNAUTHORIZED' || e.code === 'DENIED')
    );
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/** Codes for statuses that came without a spec error body. */
function statusCode(status: number): string {
  switch (status) {
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'DENIED';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'TOOMANYREQUESTS';
    default:
      return `HTTP_${status}`;
  }
}

/** The connection failed, timed out or broke mid-body: no HTTP answer to judge. Always retryable. */
export class NetworkError extends RegattaError {
  readonly method: string;
  readonly url: string;
  readonly retryable = true;
  constructor(method: string, url: string, cause: unknown) {
    const why = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : String(cause);
    super('NETWORK_ERROR', `${method} ${url}: ${why}`, { cause });
    this.method = method;
    this.url = url;
  }
}

/** Content did not match the digest it was addressed by. Never retried blindly: the source is wrong. */
export class DigestMismatchError extends RegattaError {
  constructor(what: string, expected: string, actual: string) {
    super('DIGEST_INVALID', `${what}: expected ${expected}, got ${actual}`);
  }
}

/** A manifest format Regatta does not handle (Docker schema1, unknown media types). */
export class UnsupportedFormatError extends RegattaError {
  readonly mediaType: string;
  constructor(mediaType: string, why: string) {
    super('UNSUPPORTED_FORMAT', `unsupported manifest format ${mediaType || '(none)'}: ${why}`);
    this.mediaType = mediaType;
  }
}

/** A manifest or registry response that does not have the shape its spec requires. */
export class InvalidResponseError extends RegattaError {
  constructor(what: string, why: string) {
    super('INVALID_RESPONSE', `${what}: ${why}`);
  }
}

/** True when `err` is worth retrying: network faults and retryable registry answers. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof RegistryError || err instanceof NetworkError) return err.retryable;
  return false;
}

/** Removes credentials and signed query parameters from a URL before it goes into an error or a log. */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return '(invalid url)';
  }
  if (u.username || u.password) {
    u.username = 'redacted';
    u.password = '';
  }
  for (const key of [...u.searchParams.keys()]) {
    if (/sig|token|signature|credential|secret|key|auth|state/i.test(key)) u.searchParams.set(key, 'redacted');
  }
  return u.toString();
}
