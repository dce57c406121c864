// Identity and access in the console, in a real browser (headless Debian Chromium through playwright-core): the
// bootstrap superadmin signs in with its token, sees itself in the header, creates two projects and a person with
// a password on "Projects & people", switches project in the header (every call then names it: X-Project-Id, and
// the HSS paths), makes the person a viewer there on "Members", makes a token on "Keys & tokens" whose secret is
// shown once, uses it against the API, revokes it in the console, and the API refuses it. With DATABASE_URL (as on
// CI), a second server on the same PostgreSQL accepts a token made in the first one's console, and refuses it on
// its very next request once revoked there. Then the person signs in with name and password and finds a read-only
// console: Members without changes, no Audit, no rule, registry or scan buttons.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { freshPostgresDatabase } from '../support/database.js';
import { type Json, startServer, type TestServer, TOKEN } from './server.js';

const databaseUrl = process.env.DATABASE_URL;
const secretKey = randomBytes(32).toString('base64');
const VIEWER = { name: 'vera', password: 'pw-vera-0123456789' };

let a: TestServer;
/** The second server on the same PostgreSQL (only with DATABASE_URL: the embedded database is one process's). */
let b: TestServer | undefined;
let br: TestBrowser;
let dropDatabase = async () => {};
const projects: Record<string, string> = {};

before(async () => {
  const fresh = databaseUrl ? await freshPostgresDatabase(databaseUrl) : undefined;
  if (fresh) dropDatabase = fresh.drop;
  a = await startServer({ databaseUrl: fresh?.url, secretKey, workers: false });
  if (fresh) b = await startServer({ databaseUrl: fresh.url, secretKey, workers: false });
  br = await openBrowser();
});

after(async () => {
  await br?.close();
  await b?.stop();
  await a?.stop();
  await dropDatabase();
});

const page = () => br.page;
const go = async (route: string) => page().goto(`${a.url}/#${route}`);
const nav = () => page().getByRole('navigation', { name: 'Main' });
const header = () => page().getByRole('group', { name: 'Signed in' });

/** A call to a server's API with a token, optionally in a project. */
async function api(
  server: TestServer,
  method: string,
  path: string,
  opts: { token?: string; project?: string } = {},
): Promise<{ status: number; json: Json }> {
  const res = await request(new URL(path, server.url), {
    method: method as 'GET',
    headers: { 'x-auth-token': opts.token ?? TOKEN, ...(opts.project ? { 'x-project-id': opts.project } : {}) },
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: (text ? JSON.parse(text) : {}) as Json };
}

/** Makes a token on "Keys & tokens" (the current project's) and reads its secret from the one-time modal. */
async function makeToken(name: string): Promise<string> {
  await nav().getByRole('menuitem', { name: 'Keys & tokens' }).click();
  await page().getByRole('heading', { name: 'Keys & tokens' }).waitFor();
  await page().getByRole('button', { name: 'New token or key' }).click();
  const form = page().getByRole('dialog', { name: 'New token or key pair' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByRole('button', { name: 'Create' }).click();
  const shown = page().getByRole('dialog', { name: `Token "${name}" created` });
  await shown.getByText('Copy the secret now: it is shown only this once').waitFor();
  await shown.getByRole('button', { name: 'Copy the token' }).waitFor();
  const secret = await shown.getByLabel('Token', { exact: true }).inputValue();
  assert.ok(secret.length >= 20, secret);
  await br.screenshot(`identity-secret-${name}`);
  await shown.getByRole('button', { name: 'I have stored it' }).click();
  await shown.waitFor({ state: 'hidden' });
  // Listed without its secret.
  await page().getByRole('row').filter({ hasText: name }).getByText('Active').waitFor();
  assert.equal(await page().getByText(secret).count(), 0);
  return secret;
}

/** Revokes a credential on "Keys & tokens", through the confirmation. */
async function revokeToken(name: string): Promise<void> {
  const row = page().getByRole('row').filter({ hasText: name });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await page().locator('.ant-popconfirm').getByRole('button', { name: 'Revoke' }).click();
  await row.getByText(/^Revoked/).waitFor();
}

test('the superadmin signs in with the bootstrap token; the header names it, its role and the superadmin badge', async () => {
  await go('/');
  await page().locator('input[name="token"]').fill(TOKEN);
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();
  await header().getByText('bootstrap-admin').waitFor();
  await header().getByText('Admin', { exact: true }).waitFor();
  await header().getByText('Superadmin', { exact: true }).waitFor();
  for (const area of ['Members', 'Keys & tokens', 'Audit', 'Projects & people'])
    await nav().getByRole('menuitem', { name: area }).waitFor();
});

test('"Projects & people" creates two projects and a person with a password', async () => {
  await nav().getByRole('menuitem', { name: 'Projects & people' }).click();
  await page().getByRole('heading', { name: 'Projects & people' }).waitFor();
  for (const name of ['team-red', 'team-blue']) {
    await page().locator('#new-project_name').fill(name);
    await page().getByRole('button', { name: 'Create project' }).click();
    await page().getByRole('row').filter({ hasText: name }).waitFor();
  }
  await page().locator('#new-person_name').fill(VIEWER.name);
  await page().locator('#new-person_password').fill(VIEWER.password);
  await page().getByRole('button', { name: 'Add person' }).click();
  const row = page().getByRole('row').filter({ hasText: VIEWER.name });
  await row.getByRole('cell', { name: 'Password', exact: true }).waitFor();
  await br.screenshot('identity-projects-people');

  const listed = await api(a, 'GET', '/api/v1/projects');
  for (const p of listed.json as unknown as { id: string; name: string }[]) projects[p.name] = p.id;
  assert.ok(projects['team-red'] && projects['team-blue'], JSON.stringify(listed.json));
  const users = await api(a, 'GET', '/api/v1/users');
  const vera = (users.json as unknown as Json[]).find((u) => u.name === VIEWER.name);
  assert.equal(vera?.sign_in, 'password');
  assert.equal(vera?.superadmin, false);
});

test('the header switches project: every call then names it; the person becomes its viewer on "Members"', async () => {
  await page().getByRole('combobox', { name: 'Project' }).click();
  await page().locator('.ant-select-item-option[title="team-red"]').click();
  // The HSS paths and X-Project-Id name the chosen project.
  const registries = page().waitForRequest((r) => r.url().includes(`/v5/${projects['team-red']}/image/registries`));
  const members = page().waitForRequest((r) => r.url().endsWith('/api/v1/members'));
  await go('/registries');
  assert.equal((await registries).headers()['x-project-id'], projects['team-red']);
  await nav().getByRole('menuitem', { name: 'Members' }).click();
  assert.equal((await members).headers()['x-project-id'], projects['team-red']);
  await page().getByText('The people and service accounts of project').waitFor();

  const form = page().locator('#add-member');
  await form.getByLabel('Name').fill(VIEWER.name);
  await form.getByText('Viewer', { exact: true }).click();
  await form.getByRole('button', { name: 'Add person' }).click();
  const row = page().getByRole('row').filter({ hasText: VIEWER.name });
  await row.getByRole('combobox', { name: `Role of ${VIEWER.name}` }).waitFor();
  await br.screenshot('identity-members-admin');

  const red = await api(a, 'GET', '/api/v1/members', { project: projects['team-red'] });
  assert.deepEqual(
    (red.json as unknown as Json[]).map((m) => [m.name, m.role]),
    [[VIEWER.name, 'viewer']],
  );
  const blue = await api(a, 'GET', '/api/v1/members', { project: projects['team-blue'] });
  assert.deepEqual(blue.json, []);
});

test('a token made on "Keys & tokens" is shown once, works against the API, and is refused once revoked there', async () => {
  const token = await makeToken('ci-pull');
  const me = await api(a, 'GET', '/api/v1/whoami', { token });
  assert.equal(me.status, 200, JSON.stringify(me.json));
  assert.equal(me.json.name, 'bootstrap-admin');
  // Made in the project the console acts in: it acts there only.
  assert.deepEqual(
    me.json.projects.map((p: Json) => p.id),
    [projects['team-red']],
  );
  const list = await api(a, 'GET', `/v5/${projects['team-red']}/image/registries`, { token });
  assert.equal(list.status, 200, JSON.stringify(list.json));

  await revokeToken('ci-pull');
  await br.screenshot('identity-keys-revoked');
  const refused = await api(a, 'GET', '/api/v1/whoami', { token });
  assert.equal(refused.status, 401);
});

test('a token made in one server’s console works on a second server on the same PostgreSQL, and is refused there on the very next request once revoked', {
  skip: !databaseUrl && 'needs DATABASE_URL: the embedded database belongs to one server process',
}, async () => {
  const other = b!;
  const token = await makeToken('cross-process');
  const used = await api(other, 'GET', `/v5/${projects['team-red']}/image/registries`, { token });
  assert.equal(used.status, 200, JSON.stringify(used.json));
  const me = await api(other, 'GET', '/api/v1/whoami', { token });
  assert.equal(me.status, 200);
  assert.equal(me.json.credential.kind, 'token');

  await revokeToken('cross-process');
  const refused = await api(other, 'GET', `/v5/${projects['team-red']}/image/registries`, { token });
  assert.equal(refused.status, 401, JSON.stringify(refused.json));
  assert.equal((await api(other, 'GET', '/api/v1/whoami', { token })).status, 401);
});

test('"Audit" lists what was changed in the project, newest first, and filters it', async () => {
  await nav().getByRole('menuitem', { name: 'Audit' }).click();
  await page().getByRole('heading', { name: 'Audit' }).waitFor();
  const revoked = page().getByRole('row').filter({ hasText: 'DELETE /api/v1/credentials/:id' }).first();
  await revoked.getByText('bootstrap-admin').waitFor();
  await revoked.getByText('success 200').waitFor();
  await page().getByRole('row').filter({ hasText: 'POST /api/v1/members' }).first().waitFor();
  await br.screenshot('identity-audit');
  // Nothing was changed through HSS in this project.
  await page().getByRole('combobox', { name: 'API' }).click();
  await page().locator('.ant-select-item-option[title="hss"]').click();
  await page().getByRole('button', { name: 'Filter' }).click();
  await page().getByText('0 entries').waitFor();
});

test('the viewer signs in with name and password: Members read-only, no Audit, no create buttons', async () => {
  await header().getByRole('button', { name: 'Sign out' }).click();
  await page().locator('input[name="token"]').waitFor();
  await go('/');
  await page().getByRole('button', { name: 'Use your name and password instead' }).click();
  await page().getByLabel('Name').fill(VIEWER.name);
  await page().getByLabel('Password').fill('a wrong password');
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByText('The username or password is wrong').waitFor();
  await page().getByLabel('Password').fill(VIEWER.password);
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();
  await header().getByText(VIEWER.name).waitFor();
  await header().getByText('Viewer', { exact: true }).waitFor();
  // One project: named, no switcher; no superadmin badge.
  await header().getByText('project team-red').waitFor();
  assert.equal(await header().getByRole('combobox', { name: 'Project' }).count(), 0);
  assert.equal(await header().getByText('Superadmin').count(), 0);

  await nav().getByRole('menuitem', { name: 'Members' }).waitFor();
  await nav().getByRole('menuitem', { name: 'Keys & tokens' }).waitFor();
  assert.equal(await nav().getByRole('menuitem', { name: 'Audit' }).count(), 0);
  assert.equal(await nav().getByRole('menuitem', { name: 'Projects & people' }).count(), 0);

  await nav().getByRole('menuitem', { name: 'Members' }).click();
  await page().getByText('Only an admin of this project changes its members').waitFor();
  const row = page().getByRole('row').filter({ hasText: VIEWER.name });
  await row.getByText('Viewer', { exact: true }).waitFor();
  assert.equal(await page().getByRole('button', { name: 'Add person' }).count(), 0);
  assert.equal(await page().getByRole('button', { name: 'Create service account' }).count(), 0);
  assert.equal(
    await page()
      .getByRole('combobox', { name: /^Role of/ })
      .count(),
    0,
  );
  assert.equal(await page().getByRole('button', { name: 'Remove' }).count(), 0);
  await br.screenshot('identity-members-viewer');

  await go('/rules');
  await page().getByRole('heading', { name: 'Replication rules' }).waitFor();
  assert.equal(await page().getByRole('button', { name: 'New rule' }).count(), 0);
  await go('/registries');
  await page().getByRole('heading', { name: 'Registries' }).waitFor();
  assert.equal(await page().getByRole('button', { name: 'Add registry' }).count(), 0);
  assert.equal(await page().getByRole('button', { name: 'Sync all inventories' }).count(), 0);
  await go('/scans');
  await page().getByRole('heading', { name: 'Scan tasks' }).waitFor();
  assert.equal(await page().getByRole('button', { name: 'Start a scan' }).count(), 0);
  // The audit page is not there for a viewer, even by its address.
  await go('/audit');
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();

  // Signing out revokes the console session on the server.
  const session = String(await page().evaluate('sessionStorage.getItem("regatta.token")'));
  assert.equal((await api(a, 'GET', '/api/v1/whoami', { token: session })).status, 200);
  await header().getByRole('button', { name: 'Sign out' }).click();
  await page().locator('input[name="token"]').waitFor();
  assert.equal(await page().evaluate('sessionStorage.length'), 0);
  assert.equal((await api(a, 'GET', '/api/v1/whoami', { token: session })).status, 401);
});

test('the pages threw no error in the browser', () => {
  assert.deepEqual(br.pageErrors, []);
});
