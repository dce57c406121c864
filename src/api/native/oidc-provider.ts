// The identity provider's side of single sign-on (oidc.ts): discovery of the issuer (kept an hour), the scopes to
// ask for, and what the ID token's claims mean here: a person's name, and the roles their groups map to.
import type { FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { type Dispatcher, EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import type { OidcConfig } from '../../app/config.js';
import type { AppContext } from '../../app/context.js';
import type { Role } from '../../store/identities.js';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
/** Deadline of each call to the provider (discovery, token, keys, userinfo), in seconds. */
const PROVIDER_TIMEOUT_S = 10;
/** The discovered metadata is looked up again after this long (a provider's endpoints rarely move). */
const DISCOVERY_TTL_MS = 3_600_000;

/** Each project's highest role the person's groups map to, and whether one makes a superadmin. */
export async function rolesOf(
  ctx: AppContext,
  oidc: OidcConfig,
  groups: readonly string[],
  request: FastifyRequest,
): Promise<{ roles: Map<string, Role>; superadmin: boolean }> {
  const roles = new Map<string, Role>();
  let superadmin = false;
  const mapped = oidc.roles.filter((m) => groups.includes(m.group));
  if (mapped.length === 0) return { roles, superadmin };
  const projects = await ctx.projects.list();
  for (const m of mapped) {
    if (m.role === 'superadmin') {
      superadmin = true;
      continue;
    }
    // An id first, then a name (a project's name may look like another's id; its id never changes).
    const project = projects.find((p) => p.id === m.project) ?? projects.find((p) => p.name === m.project);
    if (!project) {
      request.log.warn(
        { group: m.group, project: m.project },
        'REGATTA_OIDC_ROLES names a project that does not exist',
      );
      continue;
    }
    const role = m.role as Role;
    const held = roles.get(project.id);
    if (!held || RANK[role] > RANK[held]) roles.set(project.id, role);
  }
  return { roles, superadmin };
}

/** The groups claim: an array of names (the usual), or one name, or a space-separated list. */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  if (typeof claim === 'string') return claim.split(/\s+/).filter(Boolean);
  return [];
}

export function nameOf(claims: Record<string, unknown>): string | undefined {
  for (const key of ['preferred_username', 'email']) {
    const value = claims[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** openid, and profile, email and the groups claim's scope where the provider lists them (or says nothing). */
export function scopesFor(config: client.Configuration, groupsClaim: string): string {
  const supported = config.serverMetadata().scopes_supported;
  const wanted = ['profile', 'email', groupsClaim].filter((s) =>
    supported ? supported.includes(s) : s !== groupsClaim,
  );
  return ['openid', ...new Set(wanted)].join(' ');
}

/** The provider's metadata and this client, discovered on first use and again an hour later (shared by calls). */
export class Provider {
  private found?: { at: number; config: Promise<client.Configuration> };
  private dispatcher?: Dispatcher;

  constructor(private readonly oidc: OidcConfig) {}

  config(): Promise<client.Configuration> {
    if (!this.found || Date.now() - this.found.at > DISCOVERY_TTL_MS) {
      const config = this.discover();
      const found = { at: Date.now(), config };
      // A failed discovery is tried again by the next sign-in, not remembered.
      config.catch(() => {
        if (this.found === found) this.found = undefined;
      });
      this.found = found;
    }
    return this.found.config;
  }

  /** Ends the kept-alive connections to the provider. */
  async close(): Promise<void> {
    await this.dispatcher?.close();
    this.dispatcher = undefined;
  }

  private discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.oidc;
    const auth = clientSecret ? client.ClientSecretBasic(clientSecret) : client.None();
    return client.discovery(new URL(issuer), clientId, clientSecret, auth, {
      // Every call to the provider has a deadline and goes through HTTP(S)_PROXY when one is set (NO_PROXY too).
      timeout: PROVIDER_TIMEOUT_S,
      [client.customFetch]: (url, options) => {
        this.dispatcher ??= new EnvHttpProxyAgent();
        return undiciFetch(url, { ...options, dispatcher: this.dispatcher }) as unknown as Promise<Response>;
      },
      // An http issuer is the administrator's choice (REGATTA_OIDC_ISSUER accepts http: for a provider on loopback
      // or a private network); openid-client refuses one unless told.
      execute: new URL(issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [],
    });
  }
}
