// Console single sign-on with OpenID Connect (REGATTA_OIDC_*): the authorization code flow with PKCE (S256),
// state and nonce, through openid-client. `/oidc/login` discovers the issuer (once, then hourly), keeps the code
// verifier, state and nonce in a short-lived cookie sealed with the installation's key (no server memory: any
// process of the installation can take the callback), and sends the browser to the provider. `/oidc/callback`
// checks the state, exchanges the code, has the ID token validated, maps the person's groups to roles per project
// (REGATTA_OIDC_ROLES; the highest role wins), records the person (PrincipalStore.upsertOidcUser) and opens a
// console session, handed to the console in the address's fragment (`/#sso=<token>`: fragments are never sent to
// servers). Every refusal or failure lands on the console too (`/#sso_error=<message>`), never on an error page;
// the details go to the log. `/oidc/config` tells the console whether to offer the button.
// https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
// https://www.rfc-editor.org/rfc/rfc7636 (PKCE)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import type { OidcConfig } from '../../app/config.js';
import type { AppContext } from '../../app/context.js';
import { RegattaError } from '../../errors.js';
import type { AuditEntry } from '../../store/audit.js';
import { typed } from '../typed.js';
import { groupsOf, nameOf, Provider, rolesOf, scopesFor } from './oidc-provider.js';
import { bool, nullableStr, view } from './schemas.js';

const LOGIN_PATH = '/api/v1/oidc/login';
const CALLBACK_ROUTE = '/api/v1/oidc/callback';
const COOKIE = 'regatta_oidc';
const COOKIE_PATH = '/api/v1/oidc';
/** How long a person has on the provider's pages between the button and the callback. */
const LOGIN_TTL_MS = 10 * 60_000;
/** What the sealed cookie says it is, so no other sealed value of the installation passes for one. */
const PURPOSE = 'regatta:oidc-login';

interface Pending {
  purpose: typeof PURPOSE;
  verifier: string;
  state: string;
  nonce: string;
  /** Epoch milliseconds after which the cookie is refused even if the browser still sends it. */
  expires: number;
}

/** A refusal shown to the person on the console; `forged` ones count as failed authentications (throttle). */
class SignInRefused extends Error {
  constructor(
    message: string,
    readonly outcome: AuditEntry['outcome'],
    readonly forged = false,
  ) {
    super(message);
  }
}

const redirect = (description: string) => ({ type: 'null', description }) as const;
const configSchema = {
  ...view({ enabled: bool, login_url: nullableStr }),
  description: 'Whether single sign-on is configured, and where the console sends the browser to start it',
} as const;

/**
 * `/oidc/config` always; `/oidc/login` and `/oidc/callback` when single sign-on is configured (`oidc`), with
 * sessions of `sessionHours`.
 */
export function registerOidcRoutes(
  fastify: FastifyInstance,
  ctx: AppContext,
  opts: { oidc?: OidcConfig; sessionHours: number },
): void {
  const app = typed(fastify);
  const { oidc } = opts;
  app.get(
    '/oidc/config',
    {
      config: { access: 'public' },
      schema: {
        tags: ['identity'],
        summary: 'Whether the console offers single sign-on (OpenID Connect)',
        response: { 200: configSchema },
      },
    },
    async () => (oidc ? { enabled: true, login_url: LOGIN_PATH } : { enabled: false, login_url: null }),
  );
  if (!oidc) return;

  const provider = new Provider(oidc);
  fastify.addHook('onClose', () => provider.close());
  const secure = new URL(oidc.redirectUrl).protocol === 'https:';

  app.get(
    '/oidc/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['identity'],
        summary: 'Starts a single sign-on: to the identity provider (authorization code flow with PKCE)',
        response: { 302: redirect('To the identity provider, or back to the console with the reason it failed') },
      },
    },
    async (request, reply) => {
      let target: URL;
      let pending: Pending;
      try {
        const config = await provider.config();
        pending = {
          purpose: PURPOSE,
          verifier: client.randomPKCECodeVerifier(),
          state: client.randomState(),
          nonce: client.randomNonce(),
          expires: Date.now() + LOGIN_TTL_MS,
        };
        target = client.buildAuthorizationUrl(config, {
          redirect_uri: oidc.redirectUrl,
          scope: scopesFor(config, oidc.groupsClaim),
          code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
          code_challenge_method: 'S256',
          state: pending.state,
          nonce: pending.nonce,
        });
      } catch (err) {
        request.log.warn({ err, issuer: oidc.issuer }, 'single sign-on: the identity provider cannot be reached');
        return toConsole(reply, { sso_error: 'The identity provider cannot be reached: try again later' });
      }
      const sealed = ctx.secrets.encrypt(JSON.stringify(pending));
      reply.header('set-cookie', cookie(sealed, LOGIN_TTL_MS / 1000, secure));
      return reply.header('cache-control', 'no-store').redirect(target.href, 302);
    },
  );

  app.get(
    '/oidc/callback',
    {
      config: { access: 'public' },
      schema: {
        tags: ['identity'],
        summary: 'The identity provider sends the browser back here: to the console, signed in or told why not',
        response: { 302: redirect('To the console: `/#sso=<session token>`, or `/#sso_error=<message>`') },
      },
    },
    async (request, reply) => {
      // The login cookie serves once, whatever happens.
      reply.header('set-cookie', cookie('', 0, secure));
      const audit = (entry: Partial<AuditEntry> & Pick<AuditEntry, 'outcome'>) =>
        ctx.audit
          .append({
            principal_id: null,
            principal_name: null,
            credential_id: null,
            project_id: null,
            family: 'native',
            action: `GET ${CALLBACK_ROUTE}`,
            target: CALLBACK_ROUTE,
            status: 302,
            request_id: String(request.id),
            source: request.ip,
            ...entry,
          })
          .catch((err) => request.log.error({ err }, 'audit entry not written'));
      try {
        const session = await signIn(ctx, provider, oidc, opts.sessionHours, request);
        await audit({
          principal_id: session.principalId,
          principal_name: session.name,
          credential_id: session.credentialId,
          outcome: 'success',
        });
        return toConsole(reply, { sso: session.token });
      } catch (err) {
        const refused = err instanceof SignInRefused ? err : undefined;
        if (refused?.forged) request.authFailed = true;
        request.log.warn({ err }, 'single sign-on refused');
        await audit({ principal_name: request.auditName ?? null, outcome: refused?.outcome ?? 'failure' });
        return toConsole(reply, {
          sso_error: refused?.message ?? 'The sign-in could not be completed: try again, or ask your administrator',
        });
      }
    },
  );
}

/** The callback's work: a session token for the person the provider vouches for, or SignInRefused. */
async function signIn(
  ctx: AppContext,
  provider: Provider,
  oidc: OidcConfig,
  sessionHours: number,
  request: FastifyRequest,
): Promise<{ token: string; principalId: string; name: string; credentialId: string }> {
  const pending = openPending(ctx, request);
  const query = new URL(request.url, 'http://callback').searchParams;
  if (query.get('state') !== pending.state)
    throw new SignInRefused('The sign-in does not match the one this browser started: sign in again', 'denied', true);
  const config = await provider.config();
  // The address the provider was told to come back to, with what it sent: the Host header plays no part.
  const current = new URL(oidc.redirectUrl);
  current.search = query.toString();
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    if (err instanceof client.AuthorizationResponseError) {
      const why = err.error === 'access_denied' ? 'access was denied' : `it answered ${err.error}`;
      throw new SignInRefused(`The identity provider did not sign you in (${why})`, 'unauthenticated');
    }
    throw err;
  }
  const idToken = tokens.claims();
  if (!idToken) throw new Error('no ID token in the token response');
  let claims: Record<string, unknown> = idToken;
  // Providers often keep groups (and the profile) out of the ID token: the userinfo endpoint has them.
  if (claims[oidc.groupsClaim] === undefined && config.serverMetadata().userinfo_endpoint) {
    const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    claims = { ...info, ...idToken };
    if (idToken[oidc.groupsClaim] === undefined) claims[oidc.groupsClaim] = info[oidc.groupsClaim];
  }
  const name = nameOf(claims) ?? idToken.sub;
  request.auditName = name;
  const { roles, superadmin } = await rolesOf(ctx, oidc, groupsOf(claims[oidc.groupsClaim]), request);
  if (roles.size === 0 && !superadmin) {
    // Groups that mapped to roles before and no longer do: the access they gave ends now.
    await ctx.principals.dropOidcAccess(`${oidc.issuer} ${idToken.sub}`);
    throw new SignInRefused(`${name} has no role in Regatta: ask your administrator for access`, 'denied');
  }
  let principalId: string;
  try {
    principalId = await ctx.principals.upsertOidcUser(`${oidc.issuer} ${idToken.sub}`, name, roles, superadmin);
  } catch (err) {
    if (err instanceof RegattaError && err.code === 'CONFLICT')
      throw new SignInRefused(
        `The name ${name} belongs to another person in Regatta: ask your administrator`,
        'denied',
      );
    throw err;
  }
  const person = await ctx.principals.get(principalId);
  if (!person || person.disabled)
    throw new SignInRefused(`${name} is disabled in Regatta: ask your administrator`, 'denied');
  const session = await ctx.credentials.createToken(
    {
      principalId,
      name: 'sso session',
      projectId: null,
      expiresAt: new Date(Date.now() + sessionHours * 3_600_000),
      createdBy: name,
    },
    'session',
  );
  return { token: session.token, principalId, name, credentialId: session.id };
}

/** The cookie's verifier, state and nonce, if it is ours, intact and recent. */
function openPending(ctx: AppContext, request: FastifyRequest): Pending {
  const sealed = cookieValue(request.headers.cookie, COOKIE);
  const stale = () =>
    new SignInRefused('The sign-in expired or was started in another browser: sign in again', 'unauthenticated', true);
  if (!sealed) throw stale();
  let pending: Partial<Pending>;
  try {
    pending = JSON.parse(ctx.secrets.decrypt(sealed)) as Partial<Pending>;
  } catch {
    throw stale();
  }
  const valid =
    pending.purpose === PURPOSE &&
    typeof pending.verifier === 'string' &&
    typeof pending.state === 'string' &&
    typeof pending.nonce === 'string' &&
    typeof pending.expires === 'number' &&
    pending.expires > Date.now();
  if (!valid) throw stale();
  return pending as Pending;
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [`Path=${COOKIE_PATH}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
  if (secure) attributes.push('Secure');
  return [`${COOKIE}=${value}`, ...attributes].join('; ');
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** To the console with a result in the fragment, which the browser keeps to itself. */
function toConsole(reply: FastifyReply, result: { sso: string } | { sso_error: string }): FastifyReply {
  const fragment = new URLSearchParams(result).toString().replaceAll('+', '%20');
  return reply
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .redirect(`/#${fragment}`, 302);
}
