// Registry authentication: Basic and Bearer token auth, with a token cache per scope set.
// Token auth: https://distribution.github.io/distribution/spec/auth/token/
// OAuth2 refresh (identity tokens): https://distribution.github.io/distribution/spec/auth/oauth/
//
// The handshake, as go-containerregistry numbers it:
//   1. Ping `/v2/` once; a 401 carries the challenge (Basic realm, or Bearer realm+service).
//   2a. Basic: send the credentials on every request to the registry host.
//   2b. Bearer: exchange credentials (or nothing, anonymously) at the realm for a token valid for the scopes
//       the request needs; cache it per scope set until shortly before `expires_in`.
//   2c. A 401 on a request means the registry wants other scopes (its challenge names them): merge them in and
//       exchange again, once. A 401 right after a fresh exchange for the same scopes is final.
import { z } from 'zod';
import { type Challenge, mergeScopes, parseChallenges } from './challenge.js';
import type { RegistryCredentials } from './credentials.js';
import { InvalidResponseError, RegattaError } from './errors.js';

/** Performs the HTTP exchange with the realm; supplied by the transport so retries and pooling apply. */
export type TokenFetcher = (req: {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}) => Promise<unknown>;

// https://distribution.github.io/distribution/spec/auth/token/#token-response-fields
const TokenResponseSchema = z.object({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
  issued_at: z.string().optional(),
});

interface CachedToken {
  header: string;
  expiresAt: number;
  fetchedAt: number;
}

/** Tokens younger than this that still draw a 401 mean the scopes are simply not granted. */
const FRESH_TOKEN_MS = 5_000;
/** Spec default lifetime when the realm does not say. */
const DEFAULT_TOKEN_SECONDS = 60;

export class Authenticator {
  private challenge?: Challenge;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly credentials: RegistryCredentials | undefined,
    private readonly fetchToken: TokenFetcher,
  ) {}

  /** True once a challenge has been seen (from the ping or a 401). */
  get known(): boolean {
    return this.challenge !== undefined;
  }

  /** Records the challenge of a ping's 401 (step 1). */
  learn(wwwAuthenticate: string | string[] | undefined): void {
    this.challenge = pickChallenge(wwwAuthenticate) ?? this.challenge;
  }

  /** The Authorization header for a request needing `scopes`, or undefined to go anonymous (steps 2a, 2b). */
  async authorization(scopes: string[]): Promise<string | undefined> {
    // A token given as is goes on every request; there is nothing to exchange.
    if (this.credentials && 'registryToken' in this.credentials) return `Bearer ${this.credentials.registryToken}`;
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') return this.basicHeader();
    if (c.scheme !== 'bearer') return undefined;
    return (await this.token(c, scopes)).header;
  }

  /**
   * Handles a 401 answer to a request that needed `scopes` and was sent with `sent` (step 2c).
   * Returns the scopes to retry with, or undefined when retrying cannot help.
   */
  async respond(
    wwwAuthenticate: string | string[] | undefined,
    scopes: string[],
    sent?: string,
  ): Promise<string[] | undefined> {
    const c = pickChallenge(wwwAuthenticate);
    if (!c || (this.credentials && 'registryToken' in this.credentials)) return undefined;
    const previous = this.challenge;
    this.challenge = c;
    if (c.scheme === 'basic') {
      return previous?.scheme !== 'basic' && this.credentials && 'username' in this.credentials ? scopes : undefined;
    }
    if (c.scheme !== 'bearer') return undefined;
    const wanted = mergeScopes(scopes, (c.params.scope ?? '').split(' ').filter(Boolean));
    const cached = this.tokens.get(scopeKey(wanted));
    if (cached && cached.header === sent && Date.now() - cached.fetchedAt < FRESH_TOKEN_MS) return undefined;
    this.tokens.delete(scopeKey(wanted));
    return wanted;
  }

  private basicHeader(): string | undefined {
    const creds = this.credentials;
    if (!creds || !('username' in creds)) return undefined;
    return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  }

  private async token(c: Challenge, scopes: string[]): Promise<CachedToken> {
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached;
    // One exchange per scope set at a time, however many requests wait on it.
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.exchange(c, scopes).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    const token = await pending;
    this.tokens.set(key, token);
    return token;
  }

  private async exchange(c: Challenge, scopes: string[]): Promise<CachedToken> {
    const realm = c.params.realm;
    if (!realm) throw new RegattaError('AUTH_CHALLENGE_INVALID', 'Bearer challenge without realm');
    const url = new URL(realm);
    const params = new URLSearchParams();
    if (c.params.service) params.set('service', c.params.service);
    for (const s of scopes) params.append('scope', s);
    const creds = this.credentials;
    const fetchedAt = Date.now();
    let json: unknown;
    if (creds && 'identityToken' in creds) {
      params.set('grant_type', 'refresh_token');
      params.set('refresh_token', creds.identityToken);
      params.set('client_id', 'regatta');
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      json = await this.fetchToken({ method: 'POST', url: url.toString(), headers, body: params.toString() });
    } else {
      for (const [k, v] of params) url.searchParams.append(k, v);
      const basic = this.basicHeader();
      json = await this.fetchToken({
        method: 'GET',
        url: url.toString(),
        headers: basic ? { authorization: basic } : {},
      });
    }
    return toCachedToken(json, fetchedAt);
  }
}

function toCachedToken(json: unknown, fetchedAt: number): CachedToken {
  const parsed = TokenResponseSchema.safeParse(json);
  const token = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
  if (!parsed.success || !token) throw new InvalidResponseError('token response', 'no token or access_token');
  const seconds = parsed.data.expires_in ?? DEFAULT_TOKEN_SECONDS;
  // Renew a little early so a token never expires in flight.
  const margin = Math.min(10, seconds / 4);
  return { header: `Bearer ${token}`, expiresAt: fetchedAt + (seconds - margin) * 1000, fetchedAt };
}

/** Prefers Bearer over Basic when a registry offers both. */
function pickChallenge(header: string | string[] | undefined): Challenge | undefined {
  const all = parseChallenges(header);
  return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
}

function scopeKey(scopes: string[]): string {
  return [...scopes].sort().join(' ');
}
