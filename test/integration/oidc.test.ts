// Single sign-on end to end: a real OpenID Connect provider (oidc-provider, its built-in login and consent pages)
// on loopback, one client for Regatta (secret, PKCE required), two people: alice (groups team-a-admins and
// team-a-viewers, mapped to operator and viewer in the bootstrap project, and viewer in project team-b by name) and
// bob (a group Regatta maps to nothing). In headless Chromium the console's "Sign in with SSO" goes to the
// provider, alice signs in and consents, and lands back in the console signed in, as operator (the highest of her
// roles there); bob lands with the reason and no session. Callbacks that did not come from a sign-in this browser
// started (no cookie, a wrong state, an altered cookie) are refused without a session. Every request of the
// browser stays on 127.0.0.1 (anything else is aborted: the provider's page imports a web font).
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Provider, { type Configuration, type JWK } from 'oidc-provider';
import type { BrowserContext, Page } from 'playwright-core';
import { request } from 'undici';
import { buildApp } from '../../src/api/app.js';
import type { AppContext } from '../../src/app/context.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { closeServer, freePort, LOOPBACK, listen } from '../support/ports.js';
import { apiCall, type Json, PROJECT, startServer, type TestServer } from './server.js';

const BUILT = existsSync(fileURLToPath(new URL('../../dist/web/index.html', import.meta.url)));
const skip = BUILT ? false : 'the console is not built (dist/web): run `npm run build` first';

/** This suite's screenshots (the console suite's folder is emptied by each browser it opens). */
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/oidc/', import.meta.url));
const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

const CLIENT_ID = 'regatta-console';
const CLIENT_SECRET = randomBytes(24).toString('base64url');

/** The provider's people: their claims (groups in the `groups` claim, released with the `groups` scope). */
const PEOPLE: Record<string, { email: string; groups: string[] }> = {
  alice: { email: 'alice@example.test', groups: ['team-a-admins', 'team-a-viewers'] },
  bob: { email: 'bob@example.test', groups: ['nobody'] },
};

let idp: Server;
let issuer: string;
let server: TestServer;
let b: TestBrowser | undefined;
let teamB: string;

/** oidc-provider on 127.0.0.1 (any free port) with Regatta's client, whose callback is `callback`. */
async function startProvider(callback: string): Promise<void> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  idp = createServer((req, res) => handler?.(req, res));
  // The issuer (its port) must be known before the provider is made: listen first, then hand requests over.
  issuer = `http://${LOOPBACK}:${await listen(idp)}`;
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const configuration: Configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [callback],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name'],
      email: ['email'],
      groups: ['groups'],
    },
    findAccount: (_ctx, id) => {
      const person = PEOPLE[id];
      if (!person) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, preferred_username: id, name: id, email: person.email, groups: person.groups }),
      };
    },
    features: { devInteractions: { enabled: true } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...(key as JWK), use: 'sig', alg: 'RS256', kid: 'test' }] },
  };
  const provider = new Provider(issuer, configuration);
  handler = provider.callback();
}

before(async () => {
  // Regatta's port goes into its callback URL, which the provider's client must list: chosen before either starts.
  const port = await freePort();
  const callback = `http://${LOOPBACK}:${port}/api/v1/oidc/callback`;
  await startProvider(callback);
  server = await startServer({
    port,
    env: {
      REGATTA_OIDC_ISSUER: issuer,
      REGATTA_OIDC_CLIENT_ID: CLIENT_ID,
      REGATTA_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      REGATTA_OIDC_REDIRECT_URL: callback,
      // By id and by name; alice's two groups give her two roles in one project: the higher one wins.
      REGATTA_OIDC_ROLES: [
        `team-a-admins=${PROJECT}:operator`,
        `team-a-viewers=${PROJECT}:viewer`,
        'team-a-admins=team-b:viewer',
        'nobody=no-such-project:admin',
      ].join(','),
    },
  });
  const created = await apiCall(server.url, 'POST', '/projects', { body: { name: 'team-b' } });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  teamB = created.json.id;
  if (BUILT) {
    mkdirSync(ARTIFACTS, { recursive: true });
    b = await openBrowser();
  }
});

after(async () => {
  await b?.close();
  await server?.stop();
  if (idp) await closeServer(idp);
});

/** A fresh browser profile (no provider session from an earlier sign-in) that talks to 127.0.0.1 only. */
async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await b!.browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.route(
    (url) => url.hostname !== LOOPBACK,
    (route) => route.abort(),
  );
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return { context, page };
}

/** From the console's sign-in card through the provider's login and consent pages, as `login`. */
async function signInWithSso(page: Page, login: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByRole('button', { name: 'Sign in with SSO' }).click();
  await page.waitForURL((url) => url.origin === issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password will do');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // The consent page (the scopes Regatta asked for), then back to Regatta.
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.origin === server.url);
}

async function whoami(token: string, project?: string): Promise<{ status: number; json: Json }> {
  const res = await request(`${server.url}/api/v1/whoami`, {
    headers: { 'x-auth-token': token, ...(project ? { 'x-project-id': project } : {}) },
  });
  return { status: res.statusCode, json: (await res.body.json()) as Json };
}

test('the console learns whether single sign-on is on; a server without it says so', async () => {
  const on = await request(`${server.url}/api/v1/oidc/config`);
  assert.equal(on.statusCode, 200);
  assert.deepEqual(await on.body.json(), { enabled: true, login_url: '/api/v1/oidc/login' });
  const app = await buildApp({ audit: { prune: async () => 0 } } as unknown as AppContext, {});
  try {
    const off = await app.inject('/api/v1/oidc/config');
    assert.equal(off.statusCode, 200);
    assert.deepEqual(off.json(), { enabled: false, login_url: null });
    assert.equal((await app.inject('/api/v1/oidc/login')).statusCode, 404);
  } finally {
    await app.close();
  }
});

test('login sends the browser to the provider with PKCE (S256), state and nonce, kept in a sealed cookie', async () => {
  const res = await request(`${server.url}/api/v1/oidc/login`);
  await res.body.dump();
  assert.equal(res.statusCode, 302);
  const to = new URL(String(res.headers.location));
  assert.equal(to.origin, issuer);
  assert.equal(to.searchParams.get('client_id'), CLIENT_ID);
  assert.equal(to.searchParams.get('response_type'), 'code');
  assert.equal(to.searchParams.get('redirect_uri'), `${server.url}/api/v1/oidc/callback`);
  assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
  assert.match(to.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
  assert.ok(to.searchParams.get('state') && to.searchParams.get('nonce'));
  assert.deepEqual(to.searchParams.get('scope')?.split(' '), ['openid', 'profile', 'email', 'groups']);
  const cookie = String(res.headers['set-cookie']);
  assert.match(cookie, /^regatta_oidc=v1:[\w-]+; /);
  for (const attribute of ['Path=/api/v1/oidc', 'Max-Age=600', 'HttpOnly', 'SameSite=Lax'])
    assert.ok(cookie.split('; ').includes(attribute), `${attribute} in ${cookie}`);
  // Sealed: neither the state nor the verifier can be read from it.
  assert.ok(!cookie.includes(to.searchParams.get('state')!));
});

/** GET /api/v1/oidc/callback as a browser would, with `cookie`; the fragment of where it sends the browser. */
async function callback(query: string, cookie?: string): Promise<URLSearchParams> {
  const res = await request(`${server.url}/api/v1/oidc/callback?${query}`, {
    headers: cookie ? { cookie } : {},
  });
  await res.body.dump();
  assert.equal(res.statusCode, 302);
  const location = String(res.headers.location);
  assert.match(location, /^\/#/);
  return new URLSearchParams(location.slice(2));
}

test('a callback this browser did not start is refused: no session, a reason for the console', async () => {
  const before = await server.runtime.ctx.credentials.list({ sessions: true });
  // No login cookie at all (a forged link, or a sign-in started elsewhere).
  const bare = await callback('code=forged&state=forged');
  assert.equal(bare.get('sso'), null);
  assert.match(bare.get('sso_error') ?? '', /expired or was started in another browser/);
  // A real login cookie, but the state of another sign-in.
  const login = await request(`${server.url}/api/v1/oidc/login`);
  await login.body.dump();
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const wrong = await callback('code=forged&state=not-the-state', cookie);
  assert.equal(wrong.get('sso'), null);
  assert.match(wrong.get('sso_error') ?? '', /does not match/);
  // The right state with an altered cookie.
  const state = new URL(String(login.headers.location)).searchParams.get('state')!;
  const altered = `${cookie.slice(0, -4)}${cookie.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
  const tampered = await callback(`code=forged&state=${state}`, altered);
  assert.equal(tampered.get('sso'), null);
  assert.match(tampered.get('sso_error') ?? '', /expired or was started in another browser/);
  // The right cookie and state with a code the provider never issued: the exchange fails, quietly.
  const bogus = await callback(`code=forged&state=${state}&iss=${encodeURIComponent(issuer)}`, cookie);
  assert.equal(bogus.get('sso'), null);
  assert.ok(bogus.get('sso_error'));
  assert.equal((await server.runtime.ctx.credentials.list({ sessions: true })).length, before.length);
});

test('alice signs in with SSO in the browser and lands in the console as operator', { skip }, async () => {
  const { context, page } = await freshPage();
  try {
    await signInWithSso(page, 'alice');
    // Signed in: the sign-in card is gone, her name is shown, the fragment with the token is off the address bar.
    await page.getByRole('heading', { name: 'Sign in to Regatta' }).waitFor({ state: 'detached' });
    await page.getByText('alice', { exact: true }).first().waitFor();
    assert.ok(!page.url().includes('sso='), page.url());
    assert.doesNotMatch(String(await page.evaluate('location.hash')), /sso/);
    await shoot(page, 'alice-signed-in');
    const token = (await page.evaluate('sessionStorage.getItem("regatta.token")')) as string | null;
    assert.ok(token?.startsWith('rgt_'), String(token));

    const me = await whoami(token!, PROJECT);
    assert.equal(me.status, 200, JSON.stringify(me.json));
    assert.equal(me.json.name, 'alice');
    assert.equal(me.json.role, 'operator');
    assert.equal(me.json.superadmin, false);
    assert.equal(me.json.credential.kind, 'session');
    const roles = Object.fromEntries(me.json.projects.map((p: Json) => [p.id, p.role]));
    assert.deepEqual(roles, { [PROJECT]: 'operator', [teamB]: 'viewer' });
    // The person is recorded, signing in by SSO only; the sign-in is in the audit log.
    const alice = (await server.runtime.ctx.principals.users()).filter((p) => p.name === 'alice');
    assert.deepEqual(
      alice.map((p) => [p.id, p.sign_in]),
      [[me.json.id, 'sso']],
    );
    const audit = await server.runtime.ctx.audit.list({ principal: 'alice', limit: 10 });
    assert.equal(audit[0]?.outcome, 'success');
    assert.equal(audit[0]?.credential_id, me.json.credential.id);

    // Again, with the provider's session still open: straight back, a new session, the same person.
    await page.goto(`${server.url}/api/v1/oidc/login`);
    // (A function, not a string: the console's CSP allows no eval.)
    type InPage = { sessionStorage: { getItem(key: string): string | null } };
    await page.waitForFunction(
      (old) => (globalThis as unknown as InPage).sessionStorage.getItem('regatta.token') !== old,
      token,
    );
    const again = await whoami(String(await page.evaluate('sessionStorage.getItem("regatta.token")')), PROJECT);
    assert.equal(again.status, 200);
    assert.equal(again.json.id, me.json.id);
    assert.notEqual(again.json.credential.id, me.json.credential.id);
    assert.equal(again.json.role, 'operator');
  } finally {
    await context.close();
  }
});

test('bob, whose groups map to no role, lands back with the reason and no session', { skip }, async () => {
  const { context, page } = await freshPage();
  try {
    await signInWithSso(page, 'bob');
    await page.getByText(/Single sign-on failed: bob has no role in Regatta/).waitFor();
    await page.getByRole('heading', { name: 'Sign in to Regatta' }).waitFor();
    await shoot(page, 'bob-refused');
    assert.equal(await page.evaluate('sessionStorage.getItem("regatta.token")'), null);
    assert.ok(!page.url().includes('sso_error'), page.url());
    const people = await server.runtime.ctx.principals.users();
    assert.equal(
      people.find((p) => p.name === 'bob'),
      undefined,
    );
    // The refusal is in the audit log.
    const audit = await server.runtime.ctx.audit.list({ principal: 'bob', limit: 10 });
    assert.equal(audit[0]?.outcome, 'denied');
    assert.equal(audit[0]?.action, 'GET /api/v1/oidc/callback');
  } finally {
    await context.close();
  }
});
