// Authentication of every API request: an `X-Auth-Token` or Bearer token (looked up by its SHA-256), or a Huawei
// `SDK-HMAC-SHA256` AK/SK signature verified exactly as the SDK signs. Sets `request.identity`.
import type { FastifyRequest } from 'fastify';
import { AuthError, RegattaError } from '../../errors.js';
import type { Caller, Identity, IdentityStore } from '../../store/identities.js';
import { SignatureError, verifyHuaweiSignature } from './huawei-signature.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request runs as, in which project (set by guard.ts). */
    identity?: Identity;
    rawBody?: Buffer;
  }
}

/** The caller; refused credentials throw AuthError (each facade renders it) and mark the request for the throttle. */
export async function authenticate(request: FastifyRequest, identities: IdentityStore): Promise<Caller> {
  return markingFailure(request, () => identify(request, identities));
}

/** Runs `check`; a refusal marks the request as a failed authentication (throttle.ts counts it) and is rethrown. */
export async function markingFailure<T>(request: FastifyRequest, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    // A refusal (a coded 4xx, or a signature error); a failing lookup (500) is ours, not the caller's.
    const status = (err as { status?: number }).status;
    if (err instanceof RegattaError && (status === undefined || status < 500)) request.authFailed = true;
    throw err;
  }
}

async function identify(request: FastifyRequest, identities: IdentityStore): Promise<Caller> {
  const authorization = request.headers.authorization;
  // `Authorization: Bearer <token>` too: senders such as Harbor's webhooks can set only that header.
  const bearer = typeof authorization === 'string' && /^Bearer /i.test(authorization) ? authorization.slice(7) : '';
  const token = request.headers['x-auth-token'] ?? (bearer.trim() || undefined);
  if (typeof token === 'string' && token.length > 0) {
    const identity = await identities.byToken(token);
    if (!identity) throw new AuthError('token', 'The token is invalid or has expired');
    return identity;
  }
  if (typeof authorization === 'string' && authorization.startsWith('SDK-HMAC-SHA256')) {
    // Fail closed: a body whose bytes were not kept (a media type parsed elsewhere) cannot be checked.
    if (request.rawBody === undefined && carriesBody(request)) {
      throw new AuthError('signature', 'Incorrect IAM authentication information: the body cannot be verified');
    }
    let found: (Caller & { secretKey: string }) | undefined;
    let result: Awaited<ReturnType<typeof verifyHuaweiSignature>>;
    try {
      const signed = {
        method: request.method,
        rawUrl: request.raw.url ?? request.url,
        headers: request.headers,
        body: request.rawBody,
      };
      result = await verifyHuaweiSignature(signed, async (accessKey) => {
        found = await identities.byAccessKey(accessKey);
        return found?.secretKey;
      });
    } catch (err) {
      // Only a refused signature is the caller's fault; a failing lookup is ours (500).
      if (!(err instanceof SignatureError)) throw err;
      throw new AuthError('signature', `Incorrect IAM authentication information: ${err.message}`);
    }
    // A body the signature does not cover could have been swapped on the way.
    if (result.unsignedPayload && request.rawBody?.length) {
      throw new AuthError('signature', 'Incorrect IAM authentication information: the body is not signed');
    }
    if (!found)
      throw new AuthError(
        'signature',
        'Incorrect IAM authentication information: the signature does not match the request',
      );
    const { secretKey: _, ...caller } = found;
    return caller;
  }
  throw new AuthError('token', 'No X-Auth-Token or AK/SK signature in the request');
}

function carriesBody(request: FastifyRequest): boolean {
  const length = Number(request.headers['content-length'] ?? 0);
  return length > 0 || request.headers['transfer-encoding'] !== undefined;
}
