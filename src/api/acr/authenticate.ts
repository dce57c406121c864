// Who calls the ACR facade: an Alibaba signature (RPC HMAC-SHA1 or ACS3-HMAC-SHA256) made with one of Regatta's
// access key pairs (the same pairs the Huawei signature uses), or an X-Auth-Token. A signed request's nonce is
// claimed after its signature checks out and is refused if seen within the timestamp window (replay).

import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import type { Caller } from '../../store/identities.js';
import { DEFAULT_MAX_SKEW_MS, hasAlibabaSignature, verifyAlibabaSignature } from '../auth/alibaba-signature.js';
import { markingFailure } from '../auth/authenticate.js';
import { SignatureError } from '../auth/signature-error.js';
import { AcrError } from './errors.js';

export interface AcrAuthOptions {
  /** The server clock, for tests that replay captured requests. */
  now?: () => number;
  maxSkewMs?: number;
}

export async function authenticateAcr(
  request: FastifyRequest,
  params: ReadonlyMap<string, string>,
  ctx: AppContext,
  opts: AcrAuthOptions = {},
): Promise<Caller> {
  return markingFailure(request, () => identifyAcr(request, params, ctx, opts));
}

async function identifyAcr(
  request: FastifyRequest,
  params: ReadonlyMap<string, string>,
  ctx: AppContext,
  opts: AcrAuthOptions,
): Promise<Caller> {
  const token = request.headers['x-auth-token'];
  if (typeof token === 'string' && token.length > 0) {
    const identity = await ctx.identities.byToken(token);
    if (!identity) throw new AcrError(401, 'InvalidToken', 'The X-Auth-Token is invalid or has expired.');
    return identity;
  }
  if (!hasAlibabaSignature({ headers: request.headers, params })) {
    throw new AcrError(400, 'IncompleteSignature', 'The request carries no signature and no X-Auth-Token.');
  }
  let found: (Caller & { secretKey: string }) | undefined;
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const signed = await verifyAlibabaSignature(
    {
      method: request.method,
      rawUrl: request.raw.url ?? request.url,
      headers: request.headers,
      body: request.rawBody,
      params,
    },
    async (accessKey) => {
      found = await ctx.identities.byAccessKey(accessKey);
      return found?.secretKey;
    },
    { now: opts.now?.(), maxSkewMs },
  );
  // Kept for both sides of the window: a timestamp up to maxSkew in the future stays valid that much longer.
  if (!(await ctx.nonces.claim(signed.accessKey, signed.nonce, 2 * maxSkewMs))) {
    throw new SignatureError('SIGNATURE_NONCE_USED', `the nonce ${signed.nonce} was used before`);
  }
  const { secretKey: _, ...caller } = found!;
  return caller;
}
