// The pure part of the test token issuer: parsing Docker token-auth scopes, deciding grants, signing RS256 JWTs
// in the shape CNCF Distribution's `auth.token` verifies (x5c header, iss/aud/exp/nbf/iat/jti/access claims).
import { createSign, type KeyObject, randomBytes } from 'node:crypto';

/** One entry of a token's `access` claim, e.g. `{ type: 'repository', name: 'lib/app', actions: ['pull'] }`. */
export interface Access {
  type: string;
  name: string;
  actions: string[];
}

/**
 * Parses `scope` query values: each is one or more space-separated `TYPE:NAME:ACTIONS`
 * (`repository:lib/app:pull,push`, `registry:catalog:*`). NAME may itself contain ':' (it ends at the last one).
 */
export function parseScopes(values: string[]): Access[] {
  const out: Access[] = [];
  for (const scope of values.flatMap((v) => v.split(' ')).filter(Boolean)) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first < 0 || last === first) continue;
    out.push({
      type: scope.slice(0, first),
      name: scope.slice(first + 1, last),
      actions: scope
        .slice(last + 1)
        .split(',')
        .filter(Boolean),
    });
  }
  return out;
}

/** Authenticated callers get every requested action; anonymous ones only `pull`, and only if allowed. */
export function grant(requested: Access[], authenticated: boolean, anonymousPull: boolean): Access[] {
  if (authenticated) return requested;
  if (!anonymousPull) return [];
  return requested
    .map((a) => ({ ...a, actions: a.actions.filter((x) => x === 'pull') }))
    .filter((a) => a.actions.length > 0);
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export interface TokenClaims {
  issuer: string;
  service: string;
  subject: string;
  access: Access[];
  ttlSeconds: number;
}

/** Signs an RS256 JWT whose header carries the certificate (DER) the registry trusts via `rootcertbundle`. */
export function signToken(claims: TokenClaims, key: KeyObject, certDer: Buffer): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer.toString('base64')] };
  const payload = {
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.service,
    exp: now + claims.ttlSeconds,
    nbf: now - 10,
    iat: now,
    jti: randomBytes(12).toString('hex'),
    access: claims.access,
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key);
  return `${input}.${base64url(signature)}`;
}
