// The console's "Trusted keys" page, in a real browser (headless Debian Chromium through playwright-core): the
// bootstrap admin adds a P-256 public key through the "Add key" dialog (read from a .pub file), sees it listed with
// the fingerprint the API gives, is shown the API's refusal of a PEM that is no key inside the dialog, and removes
// the key through its confirmation; a viewer of the project (made through the API) sees the list, without the
// buttons to add or remove. A keyless identity is added with its trusted root read from a file (after the API's
// refusal of a root without a log is shown) and listed with its subject and issuer.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { freshPostgresDatabase } from '../support/database.js';
import { startSigstore } from '../support/sigstore.js';
import { until } from '../support/until.js';
import { apiCall, type Json, startServer, type TestServer, TOKEN } from './server.js';

const VIEWER = { name: 'vic', password: 'pw-vic-0123456789' };
const KEY = 'release-signing';
const SUBJECT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const PEM = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

let server: TestServer;
let br: TestBrowser;
let dropDatabase = async () => {};

before(async () => {
  const fresh = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  if (fresh) dropDatabase = fresh.drop;
  server = await startServer({ databaseUrl: fresh?.url, workers: false });
  br = await openBrowser();
});

after(async () => {
  await br?.close();
  await server?.stop();
  await dropDatabase();
});

const api = (method: string, path: string, body?: unknown) => apiCall(server.url, method, path, { body });
const page = () => br.page;
const nav = () => page().getByRole('navigation', { name: 'Main' });
const row = (text: string) => page().getByRole('row').filter({ hasText: text });

async function openTrustedKeys(): Promise<void> {
  await nav().getByRole('menuitem', { name: 'Trusted keys' }).click();
  await page().getByRole('heading', { name: 'Trusted keys' }).waitFor();
}

test('the admin adds a key read from a .pub file; it is listed with the fingerprint the API gives', async () => {
  await page().goto(`${server.url}/#/`);
  await page().locator('input[name="token"]').fill(TOKEN);
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();
  await openTrustedKeys();
  await page().getByText('No trusted key yet').waitFor();

  await page().getByRole('button', { name: 'Add key' }).click();
  const dialog = page().getByRole('dialog', { name: 'Add a trusted key' });
  await dialog.getByLabel('Name', { exact: true }).fill(KEY);
  await dialog
    .locator('input[type="file"]')
    .setInputFiles({ name: 'cosign.pub', mimeType: 'text/plain', buffer: Buffer.from(PEM) });
  // The file's text is in the PEM field, as a person would see it.
  await until('the file read into the PEM field', async () =>
    (await dialog.getByLabel('Public key (PEM)').inputValue()) === PEM ? true : undefined,
  );
  await br.screenshot('trusted-keys-add');
  await dialog.getByRole('button', { name: 'Add key' }).click();
  await dialog.waitFor({ state: 'hidden' });

  const listed = await api('GET', '/trusted-keys');
  assert.equal(listed.status, 200, JSON.stringify(listed.json));
  const key = (listed.json.keys as Json[]).find((k) => k.name === KEY);
  assert.ok(key, JSON.stringify(listed.json));
  assert.match(key.fingerprint, /^sha256:[0-9a-f]{64}$/);
  // Shortened on the row, whole in its title (and what the copy button copies).
  const fingerprint = row(KEY).getByTitle(key.fingerprint, { exact: true });
  await fingerprint.waitFor();
  const shown = (await fingerprint.innerText()).trim();
  assert.ok(shown.endsWith('…') && key.fingerprint.startsWith(shown.slice(0, -1)), shown);
  await row(KEY).getByRole('button', { name: 'Copy the fingerprint' }).waitFor();
  await row(KEY).getByText('just now').waitFor();
  await br.screenshot('trusted-keys-listed');
});

test("a PEM that is no public key shows the API's refusal in the dialog, which stays open", async () => {
  await page().getByRole('button', { name: 'Add key' }).click();
  const dialog = page().getByRole('dialog', { name: 'Add a trusted key' });
  await dialog.getByLabel('Name', { exact: true }).fill('broken');
  await dialog
    .getByLabel('Public key (PEM)')
    .fill('-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n');
  await dialog.getByRole('button', { name: 'Add key' }).click();
  const refusal = await api('POST', '/trusted-keys', {
    name: 'broken',
    public_key_pem: '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n',
  });
  assert.equal(refusal.status, 400, JSON.stringify(refusal.json));
  await dialog.getByRole('alert').getByText(`INVALID_PARAMETER: ${refusal.json.message}`).waitFor();
  // A name already taken: the API's conflict, in words.
  await dialog.getByLabel('Name', { exact: true }).fill(KEY);
  await dialog.getByLabel('Public key (PEM)').fill(PEM);
  await dialog.getByRole('button', { name: 'Add key' }).click();
  await dialog
    .getByRole('alert')
    .getByText(/^CONFLICT: /)
    .waitFor();
  await br.screenshot('trusted-keys-refused');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await row('broken').count(), 0);
});

test('the admin adds a keyless identity with its trusted root file; the row says who it is', async () => {
  const sigstore = await startSigstore('console');
  try {
    await page().getByRole('button', { name: 'Add key' }).click();
    const dialog = page().getByRole('dialog', { name: 'Add a trusted key' });
    await dialog.getByText('Keyless identity').click();
    await dialog.getByLabel('Name', { exact: true }).fill('ci');
    await dialog.getByLabel('Certificate identity').fill(SUBJECT);
    await dialog.getByLabel('OIDC issuer').fill(ISSUER);
    // A root with no transparency log: the API's refusal, in the dialog.
    const useless = JSON.stringify({ ...sigstore.trustedRoot, tlogs: [] });
    await dialog.getByLabel('Trusted root').fill(useless);
    await dialog.getByRole('button', { name: 'Add key' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/^INVALID_PARAMETER: trusted_root: .*no tlogs/)
      .waitFor();
    await dialog.locator('input[type="file"]').setInputFiles({
      name: 'trusted_root.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(sigstore.trustedRoot)),
    });
    await until('the file read into the trusted root field', async () =>
      (await dialog.getByLabel('Trusted root').inputValue()) === JSON.stringify(sigstore.trustedRoot)
        ? true
        : undefined,
    );
    await br.screenshot('trusted-keys-keyless-add');
    await dialog.getByRole('button', { name: 'Add key' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('ci').getByText(SUBJECT).waitFor();
    await row('ci').getByText(`issued by ${ISSUER}`).waitFor();
    await row('ci').getByText('Keyless').waitFor();
    await row(KEY).getByText('Public key').waitFor();
    const listed = await api('GET', '/trusted-keys');
    const ci = (listed.json.keys as Json[]).find((k) => k.name === 'ci');
    assert.deepEqual([ci?.kind, ci?.subject, ci?.issuer], ['keyless', SUBJECT, ISSUER]);
    await row('ci').getByTitle(ci?.fingerprint, { exact: true }).waitFor();
    await br.screenshot('trusted-keys-keyless-listed');
    const removed = await api('DELETE', '/trusted-keys/ci');
    assert.equal(removed.status, 204);
    await page().reload();
    await row(KEY).waitFor();
  } finally {
    await sigstore.stop();
  }
});

test('a viewer sees the keys, without Add or Remove', async () => {
  const user = await api('POST', '/users', VIEWER);
  assert.equal(user.status, 201, JSON.stringify(user.json));
  const member = await api('POST', '/members', { name: VIEWER.name, role: 'viewer' });
  assert.equal(member.status, 200, JSON.stringify(member.json));

  const viewer = await br.browser.newContext();
  try {
    const p = await viewer.newPage();
    p.on('pageerror', (err) => br.pageErrors.push(err.message));
    await p.goto(`${server.url}/#/`);
    await p.getByRole('button', { name: 'Use your name and password instead' }).click();
    await p.getByLabel('Name').fill(VIEWER.name);
    await p.getByLabel('Password').fill(VIEWER.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await p.getByRole('navigation', { name: 'Main' }).getByRole('menuitem', { name: 'Trusted keys' }).click();
    await p.getByRole('heading', { name: 'Trusted keys' }).waitFor();
    await p.getByText('Only an admin of this project adds or removes keys.').waitFor();
    const listed = p.getByRole('row').filter({ hasText: KEY });
    await listed.getByRole('button', { name: 'Copy the fingerprint' }).waitFor();
    assert.equal(await p.getByRole('button', { name: 'Add key' }).count(), 0);
    assert.equal(await p.getByRole('button', { name: 'Remove' }).count(), 0);
  } finally {
    await viewer.close();
  }
});

test('the admin removes the key through its confirmation; the API no longer lists it', async () => {
  await row(KEY).getByRole('button', { name: 'Remove' }).click();
  await page().locator('.ant-popconfirm').getByText(`Remove "${KEY}"?`).waitFor();
  await page().locator('.ant-popconfirm').getByRole('button', { name: 'Remove' }).click();
  await page().getByText('No trusted key yet').waitFor();
  const listed = await api('GET', '/trusted-keys');
  assert.deepEqual(listed.json.keys, []);
});

test('the pages threw no error in the browser', () => {
  assert.deepEqual(br.pageErrors, []);
});
