// The console's Drift page end to end, in a real browser (headless Debian Chromium through playwright-core), over
// two real registries: the source holds team/app new, same and taken; the target already holds mirror/app same
// (the same digest), taken (another digest) and old (a tag the rule would have made, whose source is gone). A rule
// team/app → mirror is made through the native API and both inventories are crawled; the page's matrix must then
// show the rule's counts as GET /rules/{id}/drift gives them, and its conflict cell must list `taken` with both
// digests, the state kept in the URL. A rule's row links to its drift, and a viewer reads the page too.
// Screenshots land in test-artifacts/console/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { freshPostgresDatabase } from '../support/database.js';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { addRegistry, apiCall, inventorySync, type Json, startServer, type TestServer, TOKEN } from './server.js';

const RULE = 'team app to mirror';
const LABELS: Record<string, string> = {
  in_sync: 'In sync',
  missing: 'Missing',
  drifted: 'Drifted',
  conflict: 'Conflict',
  extra: 'Extra',
  blocked: 'Blocked',
};
const VIEWER = { name: 'vic', password: 'pw-vic-0123456789' };

let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
let b: TestBrowser;
let ruleId: string;
// On PostgreSQL when DATABASE_URL is set (as on CI), else the embedded default.
let dropDatabase = async () => {};

before(async () => {
  const fresh = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  if (fresh) dropDatabase = fresh.drop;
  [server, src, dst] = await Promise.all([startServer({ databaseUrl: fresh?.url }), startRegistry(), startRegistry()]);
  const [one, two, other, old] = await Promise.all(
    ['d1', 'd2', 'd-other', 'd-old'].map((seed) => buildImage({ format: 'oci', seed })),
  );
  await pushImage(src, 'team/app', 'new', one!);
  await pushImage(src, 'team/app', 'same', two!);
  await pushImage(src, 'team/app', 'taken', two!);
  await pushImage(dst, 'mirror/app', 'same', two!);
  await pushImage(dst, 'mirror/app', 'taken', other!);
  await pushImage(dst, 'mirror/app', 'old', old!);
  const [srcId, dstId] = await Promise.all([
    addRegistry(server.url, { name: 'src', host: src.host }),
    addRegistry(server.url, { name: 'dst', host: dst.host }),
  ]);
  const created = await apiCall(server.url, 'POST', '/rules', {
    body: {
      name: RULE,
      source: { registry_id: srcId, namespace: 'team', repository: 'app' },
      target: { registry_id: dstId, namespace: 'mirror' },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  ruleId = created.json.id;
  await inventorySync(server.url, [srcId, dstId]);
  b = await openBrowser();
});
after(async () => {
  await b?.close();
  await Promise.all([server?.stop(), src?.stop(), dst?.stop()]);
  await dropDatabase();
});

const page = () => b.page;
const go = async (route: string) => page().goto(`${server.url}/#${route}`);
const nav = () => page().getByRole('navigation', { name: 'Main' });
const drift = async (state?: string) =>
  (await apiCall(server.url, 'GET', `/rules/${ruleId}/drift${state ? `?state=${state}` : ''}`)).json;
const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

async function signIn(token: string): Promise<void> {
  await go('/');
  await page().locator('input[name="token"]').fill(token);
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();
}

test("the Drift page's matrix shows the rule's counts by state, as the API gives them, and the crawl times", async () => {
  const api = await drift();
  // The corpus: new is missing, same in sync, taken a conflict (override off), old extra.
  assert.deepEqual(api.counts, { in_sync: 1, missing: 1, drifted: 0, conflict: 1, blocked: 0, extra: 1 });
  await signIn(TOKEN);
  await nav().getByRole('menuitem', { name: 'Drift' }).click();
  await page().getByRole('heading', { name: 'Drift' }).waitFor();
  const row = page().getByRole('row').filter({ hasText: RULE });
  await row.getByText('team/app', { exact: true }).waitFor();
  for (const [state, n] of Object.entries(api.counts as Record<string, number>)) {
    await row.getByLabel(`${LABELS[state]}: ${n}`, { exact: true }).waitFor();
  }
  // A count is a button to its images; a zero is not.
  await row.getByRole('button', { name: 'Conflict: 1' }).waitFor();
  assert.equal(await row.getByRole('button', { name: 'Drifted: 0' }).count(), 0);
  // Both inventories were crawled moments ago.
  await row.getByText(/^source (just now|\d+ min ago)$/).waitFor();
  await row.getByText(/^target (just now|\d+ min ago)$/).waitFor();
  await b.screenshot('drift-matrix');
});

test('the conflict cell lists the taken image with both digests; the state is in the URL and survives a reload', async () => {
  const row = page().getByRole('row').filter({ hasText: RULE });
  await row.getByRole('button', { name: 'Conflict: 1' }).click();
  await page().waitForURL(/#\/drift\?.*state=conflict/);
  const url = new URL(page().url().replace('/#/', '/'));
  assert.deepEqual([url.searchParams.get('rule'), url.searchParams.get('state')], [ruleId, 'conflict']);

  const api = await drift('conflict');
  assert.equal(api.total, 1);
  const taken = (api.items as Json[])[0]!;
  assert.notEqual(taken.source.digest, taken.target.digest);
  const check = async () => {
    const item = page().getByRole('row').filter({ hasText: 'team/app:taken' });
    await item.getByText('mirror/app:taken', { exact: true }).waitFor();
    await item.getByText(short(taken.source.digest), { exact: true }).waitFor();
    await item.getByText(short(taken.target.digest), { exact: true }).waitFor();
    await item.getByText('Conflict', { exact: true }).waitFor();
    // That image only.
    assert.equal(
      await page()
        .getByRole('row')
        .filter({ hasText: /mirror\/app:/ })
        .count(),
      1,
    );
  };
  await check();
  await b.screenshot('drift-conflict');
  await page().reload();
  await check();

  // Every state of the rule: the four images; the missing one names no target digest.
  await page().getByRole('radiogroup', { name: 'State' }).getByText('All', { exact: true }).click();
  await page().waitForURL((u) => !u.href.includes('state='));
  await page().getByRole('row').filter({ hasText: 'mirror/app:old' }).getByText('Extra').waitFor();
  assert.equal(
    await page()
      .getByRole('row')
      .filter({ hasText: /mirror\/app:/ })
      .count(),
    4,
  );
  const missing = page().getByRole('row').filter({ hasText: 'team/app:new' });
  await missing.getByText('not there').waitFor();
  await missing.getByText('Missing', { exact: true }).waitFor();
});

test("a rule's row links to its drift, and a viewer reads the Drift page (without the crawl button)", async () => {
  await go('/rules');
  await page().getByRole('row').filter({ hasText: RULE }).getByRole('link', { name: 'Drift' }).click();
  await page().waitForURL(/#\/drift\?rule=/);
  await page().getByText(`Rule "${RULE}": every image`).waitFor();
  await page().getByRole('row').filter({ hasText: 'team/app:same' }).getByText('In sync').waitFor();

  const person = await apiCall(server.url, 'POST', '/users', { body: VIEWER });
  assert.equal(person.status, 201, JSON.stringify(person.json));
  const member = await apiCall(server.url, 'POST', '/members', { body: { name: VIEWER.name, role: 'viewer' } });
  assert.equal(member.status, 200, JSON.stringify(member.json));
  const session = await apiCall(server.url, 'POST', '/session', { body: VIEWER });
  assert.equal(session.status, 201, JSON.stringify(session.json));

  await page().getByRole('button', { name: 'Sign out' }).click();
  await page().locator('input[name="token"]').waitFor();
  await signIn(session.json.token);
  await nav().getByRole('menuitem', { name: 'Drift' }).click();
  const row = page().getByRole('row').filter({ hasText: RULE });
  await row.getByRole('button', { name: 'Conflict: 1' }).waitFor();
  await page().getByRole('button', { name: 'Refresh' }).waitFor();
  assert.equal(await page().getByRole('button', { name: 'Crawl inventories' }).count(), 0);
  await b.screenshot('drift-viewer');
  // The rules page: the Drift link, no run button.
  await go('/rules');
  const rule = page().getByRole('row').filter({ hasText: RULE });
  await rule.getByRole('link', { name: 'Drift' }).waitFor();
  assert.equal(await rule.getByRole('button', { name: 'Run now' }).count(), 0);
});

test('the pages threw no error in the browser', () => {
  assert.deepEqual(b.pageErrors, []);
});
