// The Authorization header a harness client sends to a test registry: none, Basic with the registry's user, or a
// Bearer token fetched from the registry's token issuer for one repository scope.
import { request } from 'undici';
import type { TestRegistry } from './registry.js';

/** What a client needs to talk to a registry: a TestRegistry, or one with `url`/`host` pointing at a proxy. */
export type RegistryTarget = Pick<TestRegistry, 'url' | 'auth' | 'username' | 'password' | 'tokenIssuer'>;

function basic(username = '', password = ''): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** A Bearer token for `scope` (e.g. `repository:lib/app:pull,push`) from the target's token issuer. */
export async function fetchToken(target: RegistryTarget, scope: string): Promise<string> {
  const issuer = target.tokenIssuer;
  if (!issuer) throw new Error('fetchToken: the registry has no token issuer');
  const url = new URL(issuer.url);
  url.searchParams.set('service', issuer.service);
  url.searchParams.set('scope', scope);
  const res = await request(url, { headers: { authorization: basic(target.username, target.password) } });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`token request → ${res.statusCode}: ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}

/** The Authorization header value for requests on `repo`, or undefined for an open registry. */
export async function authorization(
  target: RegistryTarget,
  repo: string,
  actions = 'pull,push',
): Promise<string | undefined> {
  if (target.auth === 'none') return undefined;
  if (target.auth === 'basic') return basic(target.username, target.password);
  return `Bearer ${await fetchToken(target, `repository:${repo}:${actions}`)}`;
}
