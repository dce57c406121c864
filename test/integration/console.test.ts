// The web console end to end, in a real browser: headless Debian Chromium (playwright-core) signs in to a fresh
// Regatta with a token, adds two real registries through the forms, crawls one, finds its images and their risk,
// opens an image's vulnerabilities, creates a rule with a dry-run preview, runs it and watches its task succeed;
// the copy is then checked with skopeo, digest for digest. Screenshots land in test-artifacts/console/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { buildImage, pushImage, sha256Hex } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { buildRiskyImage } from '../support/risky-image.js';
import { skopeoInspectRaw } from '../support/skopeo.js';
import { VULNDB } from '../support/vulndb.js';
import { startServer, type TestServer, TOKEN } from './server.js';

let server: TestServer;
let shop: TestRegistry;
let mirror: TestRegistry;
let b: TestBrowser;

before(async () => {
  [server, shop, mirror] = await Promise.all([
    startServer({ workerOptions: { vulndb: VULNDB } }),
    startRegistry(),
    startRegistry(),
  ]);
  await pushImage(shop, 'shop/api', 'risky', await buildRiskyImage());
  await pushImage(shop, 'shop/web', '1.0', await buildImage({ format: 'oci', seed: 'console-web' }));
  b = await openBrowser();
});
after(async () => {
  await b?.close();
  await Promise.all([server?.stop(), shop?.stop(), mirror?.stop()]);
});

const page = () => b.page;
const go = async (route: string) => page().goto(`${server.url}/#${route}`);

test('GET / without an Action serves the console page with a strict CSP; its assets load', async () => {
  const res = await request(`${server.url}/`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /text\/html/);
  assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
  const html = await res.body.text();
  const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
  assert.ok(script, html);
  const asset = await request(`${server.url}${script}`);
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['cache-control']), /immutable/);
  await asset.body.dump();
});

test('a wrong token is refused on the sign-in form; the right one opens the dashboard', async () => {
  await go('/');
  await page().locator('input[name="token"]').fill('not-a-token');
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByText('The token is invalid or has expired').waitFor();
  await page().locator('input[name="token"]').fill(TOKEN);
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();
  // The token stays for this tab's session: a reload keeps the user signed in.
  await page().reload();
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();
  const kept = await page().evaluate('[sessionStorage.getItem("regatta.token"), localStorage.length]');
  assert.deepEqual(kept, [TOKEN, 0]);
  await b.screenshot('dashboard-empty');
});

async function addRegistry(name: string, host: string, status = 'Connected'): Promise<void> {
  await go('/registries');
  await page().getByRole('button', { name: 'Add registry' }).click();
  const dialog = page().getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Protocol', { exact: true }).click();
  await page().locator('.ant-select-item-option[title="http"]').click();
  await dialog.getByLabel('Address', { exact: true }).fill(host);
  await dialog.getByRole('button', { name: 'Add registry' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page().getByRole('row').filter({ hasText: name });
  await row.getByText(status, { exact: true }).waitFor();
}

test('registries added through the form are checked: connected, or failed with the reason in words', async () => {
  await addRegistry('shop', shop.host);
  await addRegistry('mirror', mirror.host);
  // Nothing listens on port 1 of loopback.
  await addRegistry('gone', '127.0.0.1:1', 'Failed');
  const gone = page().getByRole('row').filter({ hasText: 'gone' });
  await gone.getByText('The registry could not be reached').waitFor();
  await b.screenshot('registries');
  await gone.getByRole('button', { name: 'Delete' }).click();
  await page().getByRole('button', { name: 'OK' }).click();
  await gone.waitFor({ state: 'detached' });
});

test('an inventory sync started from the console fills the image list, with risk once scanned', async () => {
  await go('/registries');
  await page().getByRole('row').filter({ hasText: 'shop' }).getByRole('button', { name: 'Sync inventory' }).click();
  const link = page().getByRole('link', { name: 'shop/api:risky' });
  // The list reads the inventory: look again until the crawl has stored the image.
  await go('/images');
  for (let i = 0; i < 90 && !(await link.isVisible()); i++) {
    await page().waitForTimeout(1000);
    await page().reload();
  }
  await link.waitFor();
  await page().getByRole('link', { name: 'shop/web:1.0' }).waitFor();
  await b.screenshot('images');
});

test('an image detail page lists the vulnerabilities found in it', async () => {
  const row = page()
    .getByRole('row')
    .filter({ has: page().getByRole('link', { name: 'shop/api:risky' }) });
  for (let i = 0; i < 120 && !(await row.getByText('High').isVisible()); i++) {
    await page().reload();
    await page().waitForTimeout(1000);
  }
  await row.getByText('High').waitFor();
  await page().getByRole('link', { name: 'shop/api:risky' }).click();
  await page().getByRole('tab', { name: 'Vulnerabilities' }).click();
  const panel = page().getByRole('tabpanel');
  // The risky image carries an old libssl3 (see test/support/risky-image.ts): its CVEs are listed with a fix.
  const ssl = panel.getByRole('row').filter({ hasText: 'libssl3' }).first();
  await ssl.waitFor();
  assert.match(await ssl.innerText(), /CVE-\d{4}-\d+/);
  await b.screenshot('image-vulnerabilities');
  // The page is its URL: a reload reads the image again by its id.
  await page().reload();
  await page().getByRole('heading', { name: 'shop/api:risky' }).waitFor();
  await go('/');
  await page()
    .getByRole('img', { name: /High: 1/ })
    .waitFor();
  await b.screenshot('dashboard');
});

async function pick(label: string, option: string): Promise<void> {
  const box = page().getByRole('dialog').getByLabel(label, { exact: true });
  await box.click();
  await box.fill(option);
  await box.press('Enter');
}

test('a rule made in the console previews its plan, runs, and its task succeeds', async () => {
  await go('/rules');
  await page().getByRole('button', { name: 'New rule' }).click();
  const drawer = page().getByRole('dialog');
  await drawer.getByLabel('Name', { exact: true }).fill('shop to mirror');
  await pick('Source registry', 'shop');
  await drawer.getByLabel('Source namespace').fill('shop');
  await drawer.getByLabel('Source repository').fill('web');
  await pick('Target registry', 'mirror');
  await drawer.getByLabel('Target namespace').fill('copies');
  await drawer.getByRole('button', { name: 'Preview' }).click();
  await drawer.getByText('shop/web:1.0').first().waitFor();
  await drawer.getByText('copies/web:1.0').first().waitFor();
  await b.screenshot('rule-preview');
  await drawer.getByRole('button', { name: 'Create rule' }).click();
  await drawer.waitFor({ state: 'hidden' });
  const rule = page().getByRole('row').filter({ hasText: 'shop to mirror' });
  await rule.getByRole('button', { name: 'Run now' }).click();

  await go('/tasks');
  const task = page().getByRole('row').filter({ hasText: 'copies/web:1.0' });
  await task.getByText('SUCCESS').waitFor({ timeout: 60_000 });
  await b.screenshot('tasks');
  await go('/batches');
  const batch = page().getByRole('row').filter({ hasText: 'rule shop to mirror' });
  await batch.getByText('1/1 tasks').waitFor();
  await b.screenshot('batches');

  // Edited: the drawer starts from the saved rule, and saves it whole.
  await go('/rules');
  await page().getByRole('row').filter({ hasText: 'shop to mirror' }).getByRole('button', { name: 'Edit' }).click();
  const editor = page().getByRole('dialog');
  assert.equal(await editor.getByLabel('Source repository').inputValue(), 'web');
  await editor.getByLabel('Target namespace').fill('copies2');
  await editor.getByRole('button', { name: 'Save rule' }).click();
  await editor.waitFor({ state: 'hidden' });
  await page()
    .getByRole('row')
    .filter({ hasText: 'shop to mirror' })
    .getByText(/copies2/)
    .first()
    .waitFor();
  const [from, to] = await Promise.all([
    skopeoInspectRaw(`${shop.host}/shop/web:1.0`),
    skopeoInspectRaw(`${mirror.host}/copies/web:1.0`),
  ]);
  assert.equal(sha256Hex(to), sha256Hex(from));
});

test('the scans page lists the scan-on-sync tasks and the policy in force; scan on sync is chosen per project', async () => {
  await go('/scans');
  await page().getByRole('heading', { name: 'Scans' }).waitFor();
  await page().getByText('Scan new images after an inventory sync').waitFor();
  // The advisory folder this server's workers scan with.
  await page().getByText(VULNDB).waitFor();
  // The scan data: placed by hand here (no feed downloaded), its version the one results were recorded with.
  await page().getByRole('heading', { name: 'Scan data' }).waitFor();
  await page().getByText('Advisories placed in the folder by hand').waitFor();
  await page()
    .getByText(/^osv-\d+-[0-9a-f]{16}\+hashes-/)
    .waitFor();
  await page().getByRole('button', { name: 'Update now' }).click();
  await page().getByText('Update queued').waitFor();
  await page().getByRole('row').filter({ hasText: 'Finished' }).first().waitFor();
  await b.screenshot('scans');
  // Chosen for this project, then back to the server's default.
  const toggle = page().getByRole('switch', { name: 'Scan new images after an inventory sync' });
  assert.equal(await toggle.getAttribute('aria-checked'), 'true');
  await toggle.click();
  await page().getByText('Scan on sync is off for this project').waitFor();
  assert.equal(await toggle.getAttribute('aria-checked'), 'false');
  await page().getByRole('button', { name: "Use the server's default" }).click();
  await page().getByText('Scan on sync is on for this project').waitFor();
  assert.equal(await toggle.getAttribute('aria-checked'), 'true');
});

test('signing out, or a token revoked mid-session, leads back to the sign-in form', async () => {
  await go('/');
  await page().getByRole('button', { name: 'Sign out' }).click();
  await page().locator('input[name="token"]').waitFor();
  assert.equal(await page().evaluate('sessionStorage.length'), 0);
  await page().locator('input[name="token"]').fill(TOKEN);
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();
  // Revoked in the store: the dashboard's next refresh (every 10 s) is refused, and the session ends.
  await server.runtime.ctx.db
    .updateTable('credentials')
    .set({ revoked_at: new Date() })
    .where('name', '=', 'bootstrap token')
    .execute();
  await page().locator('input[name="token"]').waitFor({ timeout: 30_000 });
  assert.equal(await page().evaluate('sessionStorage.length'), 0);
});

test('the pages threw no error in the browser', () => {
  assert.deepEqual(b.pageErrors, []);
});
