// Health checks: probe a registry's `/v2/` API with our credentials and turn whatever went wrong into one of
// four reasons a person can act on: the network (REQUEST_API_ERROR), the credentials (AUTH_FAILED), the server
// (SERVER_ERROR) or its certificate (TLS_ERROR), with a one-line detail.
// Base endpoint: https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#determining-support
import type { RegistryClient } from '../oci/client.js';
import { NetworkError, RegattaError, RegistryError } from '../oci/errors.js';
import { CATALOG_SCOPE } from '../oci/scopes.js';
import type { HealthFailureReason, HealthResult } from './connector.js';

type HealthFailure = Extract<HealthResult, { ok: false }>;

/** Health checks give up sooner than copies: a person is waiting for the answer. */
export const HEALTH_TIMEOUT_MS = 10_000;
export const HEALTH_RETRY = { attempts: 2, baseDelayMs: 200, maxDelayMs: 1_000 };

const PROBE_LIMIT = 64 * 1024;

/**
 * Probes a registry as `docker login` does, then once more for the catalog:
 *   1. `GET /v2/` with our credentials (the client pings, then sends Basic or exchanges them for a token):
 *      proves the address, the TLS setup and the credentials.
 *   2. `GET /v2/_catalog?n=1`: a cheap authenticated call. Registries may refuse the catalog (404, 401 or 403
 *      for an account step 1 accepted, UNSUPPORTED): that is not a failure, only a capability missing.
 * Resolves with whether the catalog answered; throws what the client threw otherwise.
 */
export async function probeRegistry(client: RegistryClient, signal?: AbortSignal): Promise<{ catalog: boolean }> {
  const base = await client.transport.send({ method: 'GET', url: '/v2/', scopes: [], expect: [200], signal });
  await base.body.dump();
  try {
    const request = { method: 'GET' as const, url: '/v2/_catalog?n=1', scopes: [CATALOG_SCOPE], expect: [200], signal };
    await client.transport.read(request, PROBE_LIMIT);
    return { catalog: true };
  } catch (err) {
    if (isCatalogRefusal(err)) return { catalog: false };
    throw err;
  }
}

/** A catalog answer that means "not offered here", as opposed to a fault. */
export function isCatalogRefusal(err: unknown): err is RegistryError {
  if (!(err instanceof RegistryError)) return false;
  return [401, 403, 404, 405].includes(err.status) || err.errors.some((e) => e.code === 'UNSUPPORTED');
}

/** Turns an error of a probe into a health result; `hasCredentials` sharpens the auth message. */
export function healthFailure(err: unknown, hasCredentials: boolean): HealthFailure {
  if (err instanceof RegistryError) return registryFailure(err, hasCredentials);
  if (err instanceof NetworkError) return networkFailure(err);
  if (err instanceof RegattaError) return failure('REQUEST_API_ERROR', err.message);
  return failure('REQUEST_API_ERROR', err instanceof Error ? err.message : String(err));
}

function registryFailure(err: RegistryError, hasCredentials: boolean): HealthFailure {
  const answer = `${err.method} ${err.url} answered ${err.code === `HTTP_${err.status}` ? '' : `${err.code} `}(HTTP ${err.status})`;
  if (err.isAuth) {
    const why = hasCredentials ? 'the credentials were refused' : 'the registry requires credentials and none are set';
    return failure('AUTH_FAILED', `${why}: ${answer}`);
  }
  if (err.status >= 500) return failure('SERVER_ERROR', `server error: ${answer}`);
  if (err.status >= 300 && err.status < 400) {
    return failure('REQUEST_API_ERROR', `redirected: ${answer}; check the protocol and address`);
  }
  if (err.status === 404) return failure('REQUEST_API_ERROR', `no registry API here: ${answer}`);
  return failure('REQUEST_API_ERROR', answer);
}

function networkFailure(err: NetworkError): HealthFailure {
  const { code, message } = rootCause(err.cause);
  const where = `${err.method} ${err.url}`;
  if (isTlsError(code, message)) return failure('TLS_ERROR', `TLS handshake failed: ${where}: ${code ?? message}`);
  return failure('REQUEST_API_ERROR', `${where}: ${describeNetworkCode(code) ?? code ?? message}`);
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listening at that address and port?)',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'host name could not be resolved now (DNS)',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer within the timeout',
  UND_ERR_BODY_TIMEOUT: 'the answer stalled within the timeout',
  ECONNRESET: 'connection reset by the peer',
  UND_ERR_SOCKET: 'connection closed by the peer',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function describeNetworkCode(code: string | undefined): string | undefined {
  return code === undefined ? undefined : NETWORK_CODES[code];
}

/** OpenSSL verification codes Node passes through, and its own TLS/SSL error codes. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
]);

export function isTlsError(code: string | undefined, message: string): boolean {
  if (code === undefined) return false;
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return true;
  return code === 'EPROTO' && /ssl|tls/i.test(message);
}

/** The innermost error that carries a `code` (through `cause` and AggregateError's `errors`). */
export function rootCause(err: unknown): { code?: string; message: string } {
  let current = err;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string') return { code: e.code, message: String(e.message ?? '') };
    current = Array.isArray(e.errors) && e.errors.length > 0 ? e.errors[0] : e.cause;
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

function failure(reason: HealthFailureReason, detail: string): HealthFailure {
  return { ok: false, reason, detail: detail.replace(/\s*[\r\n]+\s*/g, ' ') };
}
