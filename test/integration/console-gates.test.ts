// The console's replication gates end to end (issue 15), in a real browser (headless Debian Chromium through
// playwright-core), over two real registries and real scans: the source holds a clean image signed with cosign, one
// carrying Log4Shell (log4j-core 2.14.1 in a jar) and a clean one whose tag is later deleted. A rule with the gate
// "no Critical vulnerability" is made through the native API and run; then, as a person sees it: the tasks page
// says the vulnerable image was "Blocked by policy" with the gate's detail and the clean one succeeded; the rules
// page says the gate in words; the rule's form starts from its gate settings, its preview gives each image's
// verdict as the API does, and an allow-list entry for CVE-2021-44228 saved through the form gets the vulnerable
// image copied by itself (no retry asked); "Prune deleted tags" dry-runs, then deletes the tag the source deleted;
// and after an inventory sync the signed image's page says "Signed". Screenshots land in test-artifacts/console/.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { freshPostgresDatabase } from '../support/database.js';
import { type BuiltImage, buildImage, pushImage } from '../support/fixtures.js';
import { log4jJar } from '../support/log4j-jar.js';
import { cosignKeyPair, pushCosignSignature } from '../support/referrers.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeo, skopeoInspectRaw, withTransport } from '../support/skopeo.js';
import { until } from '../support/until.js';
import { VULNDB } from '../support/vulndb.js';
import {
  addRegistry,
  apiCall,
  endedTasks,
  inventorySync,
  type Json,
  runRule,
  startServer,
  type TestServer,
  TOKEN,
} from './server.js';

const RULE = 'gated to prod';
/** The gate's detail for the Log4Shell image, by whichever id the advisory data names it. */
const LOG4SHELL = /1 vulnerabilities at or above Critical: .*(CVE-2021-44228|GHSA-jfh8-c2jp-5v3q)/;

let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
let dir: string;
let b: TestBrowser;
const ids: Record<'src' | 'dst', string> = {} as never;
const images: Record<'clean' | 'vulnerable' | 'old', BuiltImage> = {} as never;
let ruleId: string;
let batchId: string;
// On PostgreSQL when DATABASE_URL is set (as on CI), else the embedded default.
let dropDatabase = async () => {};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'regatta-console-gates-'));
  const fresh = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  if (fresh) dropDatabase = fresh.drop;
  [server, src, dst] = await Promise.all([
    startServer({ databaseUrl: fresh?.url, workerOptions: { vulndb: VULNDB } }),
    startRegistry(),
    startRegistry(),
  ]);
  images.clean = await buildImage({ format: 'oci', seed: 'console-gate-clean', user: 'app' });
  images.old = await buildImage({ format: 'oci', seed: 'console-gate-old', user: 'app' });
  images.vulnerable = await buildImage({
    format: 'oci',
    seed: 'console-gate-log4j',
    user: 'app',
    files: { 'app/lib/log4j-core-2.14.1.jar': await log4jJar(dir) },
  });
  for (const [name, image] of Object.entries(images)) await pushImage(src, `gated/${name}`, '1.0', image);
  await pushCosignSignature(src, 'gated/clean', images.clean.digest, cosignKeyPair().privateKey);
  [ids.src, ids.dst] = await Promise.all([
    addRegistry(server.url, { name: 'src', host: src.host }),
    addRegistry(server.url, { name: 'dst', host: dst.host }),
  ]);
  // No signed_by: the gate needs no trusted key, only the scans it asks for.
  const rule = await api('POST', '/rules', {
    name: RULE,
    source: { registry_id: ids.src, namespace: 'gated' },
    target: { registry_id: ids.dst, namespace: 'prod' },
    gates: { block_severity: 'Critical' },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  ruleId = rule.json.id;
  b = await openBrowser();
});
after(async () => {
  await b?.close();
  await Promise.all([server?.stop(), src?.stop(), dst?.stop()]);
  await dropDatabase();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const api = (method: string, path: string, body?: unknown) => apiCall(server.url, method, path, { body });
const page = () => b.page;
const go = async (route: string) => page().goto(`${server.url}/#${route}`);
const row = (text: string) => page().getByRole('row').filter({ hasText: text });

/** The batch's tasks of tag 1.0 by source repository, once none is open. */
async function ended(batch: string): Promise<Map<string, Json>> {
  const tasks = await endedTasks(server.url, batch, 120_000);
  return new Map(tasks.filter((t) => t.source.tag === '1.0').map((t) => [t.source.repository as string, t]));
}

/** The digest a target tag names, read by skopeo; null when the registry does not have it. */
async function atTarget(repository: string): Promise<string | null> {
  try {
    return sha256Hex(await skopeoInspectRaw(`${dst.host}/prod/${repository}:1.0`));
  } catch {
    return null;
  }
}

async function openRule() {
  await go('/rules');
  await row(RULE).getByRole('button', { name: 'Edit' }).click();
  const drawer = page().getByRole('dialog', { name: `Edit rule "${RULE}"` });
  await drawer.waitFor();
  return drawer;
}

test('the tasks page shows the vulnerable image "Blocked by policy" with the gate\'s detail, the clean one copied', async () => {
  batchId = (await runRule(server.url, ruleId)).batch_id;
  const tasks = await ended(batchId);
  assert.equal(tasks.get('clean')?.status, 'SUCCESS', JSON.stringify(tasks.get('clean')));
  const vulnerable = tasks.get('vulnerable')!;
  assert.deepEqual([vulnerable.status, vulnerable.issue], ['ERROR', 'POLICY_BLOCKED'], JSON.stringify(vulnerable));

  await go('/');
  await page().locator('input[name="token"]').fill(TOKEN);
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();
  await go(`/tasks?batch_id=${batchId}`);
  const blocked = row('prod/vulnerable:1.0');
  await blocked.getByText('ERROR', { exact: true }).waitFor();
  await blocked.getByText('Blocked by policy', { exact: true }).waitFor();
  // The gate in words, then why.
  await blocked.getByText(new RegExp(`^Vulnerabilities: ${LOG4SHELL.source}`)).waitFor();
  assert.equal(await blocked.getByText('POLICY_BLOCKED', { exact: true }).count(), 0);
  await row('prod/clean:1.0').getByText('SUCCESS', { exact: true }).waitFor();
  await row('prod/old:1.0').getByText('SUCCESS', { exact: true }).waitFor();
  // The expanded row names the gate and gives the whole detail.
  await blocked.getByRole('button', { name: /expand row/i }).click();
  const expanded = page().locator('.ant-table-expanded-row');
  await expanded.getByText('Blocked by the gate:').waitFor();
  await expanded.getByText(vulnerable.issue_detail, { exact: true }).waitFor();
  await b.screenshot('gates-tasks-blocked');
});

test("the rules page says the rule's gate in words; its form starts from the gate settings", async () => {
  await go('/rules');
  const rule = row(RULE);
  await rule.getByText('No Critical vulnerability', { exact: true }).waitFor();
  await rule.getByText('with signatures and SBOMs', { exact: true }).waitFor();

  const drawer = await openRule();
  const gates = drawer.getByRole('region', { name: 'Gates' });
  await gates.locator('.ant-form-item').filter({ hasText: 'Block severity' }).getByText('Critical and above').waitFor();
  assert.equal(await drawer.getByRole('switch', { name: 'Copy signatures and SBOMs' }).isChecked(), true);
  assert.equal(await drawer.getByRole('switch', { name: 'Delete tags deleted at the source' }).isChecked(), false);
  assert.equal(await gates.getByRole('switch', { name: 'No malicious files' }).isChecked(), false);
  assert.equal(await gates.getByRole('switch', { name: 'No secrets' }).isChecked(), false);
  assert.equal(await gates.getByLabel('Max scan age (hours)').inputValue(), '');
  assert.equal(await gates.getByLabel(/^Vulnerability id/).count(), 0);
});

test("the preview gives each image's gate verdict, as the API does; an allow-list entry turns the blocked one to pass", async () => {
  const drawer = page().getByRole('dialog', { name: `Edit rule "${RULE}"` });
  const preview = await api('POST', '/rules/preview', {
    source: { registry_id: ids.src, namespace: 'gated' },
    target: { registry_id: ids.dst, namespace: 'prod' },
    gates: { block_severity: 'Critical' },
  });
  assert.equal(preview.status, 200, JSON.stringify(preview.json));
  const items = preview.json.items as Json[];
  // The images (the clean one's signature tag is listed too, and passes).
  const verdicts = Object.fromEntries(
    items.filter((i) => i.source.tag === '1.0').map((i) => [i.source.repository, i.gate?.verdict]),
  );
  assert.deepEqual(verdicts, { clean: 'pass', old: 'pass', vulnerable: 'blocked' });
  const passed = items.filter((i) => i.gate?.verdict === 'pass').length;

  await drawer.getByRole('button', { name: 'Preview' }).click();
  const plan = drawer.getByRole('region', { name: 'Preview' });
  await plan.getByRole('columnheader', { name: 'Gate' }).waitFor();
  const item = (repository: string) => plan.getByRole('row').filter({ hasText: `gated/${repository}:1.0` });
  await item('clean').getByText('pass', { exact: true }).waitFor();
  await item('old').getByText('pass', { exact: true }).waitFor();
  await item('vulnerable').getByText('blocked', { exact: true }).waitFor();
  await item('vulnerable')
    .getByText(new RegExp(`^Vulnerabilities: ${LOG4SHELL.source}`))
    .waitFor();
  await plan.getByText(new RegExp(`gates: ${passed} pass, 1 blocked\\.$`)).waitFor();
  await b.screenshot('gates-preview');

  // The allow-list entry, until a day far ahead; the preview of the form's values now passes it.
  await drawer.getByRole('button', { name: 'Allow a vulnerability' }).click();
  await drawer.getByLabel('Vulnerability id 1').fill('CVE-2021-44228');
  const expiry = drawer.getByPlaceholder('No expiry');
  await expiry.click();
  await expiry.fill('2099-12-31');
  await expiry.press('Enter');
  await drawer.getByRole('button', { name: 'Preview' }).click();
  await item('vulnerable').getByText('pass', { exact: true }).waitFor();
  assert.equal(await plan.getByText('blocked', { exact: true }).count(), 0);
});

test('saving the allow-list entry through the form gets the blocked image copied by itself', async () => {
  const drawer = page().getByRole('dialog', { name: `Edit rule "${RULE}"` });
  await drawer.getByRole('button', { name: 'Save rule' }).click();
  await drawer.waitFor({ state: 'hidden' });
  // What the form sent: the gate it had, the entry added, the rest kept.
  const saved = (await api('GET', `/rules/${ruleId}`)).json;
  assert.equal(saved.gates.block_severity, 'Critical', JSON.stringify(saved));
  assert.deepEqual(
    saved.gates.allow_vulnerabilities.map((a: Json) => a.id),
    ['CVE-2021-44228'],
  );
  const expires = Date.parse(saved.gates.allow_vulnerabilities[0].expires_at);
  assert.ok(Math.abs(expires - Date.parse('2099-12-31T23:59:59Z')) <= 24 * 3_600_000, JSON.stringify(saved.gates));
  assert.deepEqual([saved.referrers, saved.mirror_deletes, saved.override], [true, false, false]);
  await row(RULE).getByText('Allowed: CVE-2021-44228 (until 2099-12-', { exact: false }).waitFor();

  // No retry asked: the saved rule decides its blocked task again.
  await until(
    'the vulnerable image copied',
    async () => ((await ended(batchId)).get('vulnerable')?.status === 'SUCCESS' ? true : undefined),
    120_000,
  );
  assert.equal(await atTarget('vulnerable'), images.vulnerable.digest);
  await go(`/tasks?batch_id=${batchId}`);
  await row('prod/vulnerable:1.0').getByText('SUCCESS', { exact: true }).waitFor();
  assert.equal(await page().getByText('Blocked by policy').count(), 0);
  await b.screenshot('gates-tasks-copied');
});

test('"Prune deleted tags" lists the dry run, then deletes the tag the source deleted, and only it', async () => {
  await skopeo(['delete', '--tls-verify=false', withTransport(`${src.host}/gated/old:1.0`)]);
  await inventorySync(server.url, [ids.src, ids.dst]);
  const drawer = await openRule();
  await drawer.getByRole('button', { name: 'Prune deleted tags' }).click();
  const modal = page().getByRole('dialog', { name: `Prune deleted tags of "${RULE}"` });
  const dry = modal.getByRole('region', { name: 'Dry run' });
  await dry.getByText('Dry run: 1 tag would be deleted at the target.').waitFor();
  const old = dry.getByRole('row').filter({ hasText: 'prod/old:1.0' });
  await old.getByText('would delete', { exact: true }).waitFor();
  await old.getByText('deleted at the source', { exact: true }).waitFor();
  // Nothing deleted yet.
  assert.equal(await atTarget('old'), images.old.digest);
  await b.screenshot('gates-prune-dry-run');

  await modal.getByRole('button', { name: 'Delete 1 tag' }).click();
  const done = modal.getByRole('region', { name: 'Pruned' });
  await done.getByText('Done: 1 tag deleted at the target.').waitFor();
  await done.getByRole('row').filter({ hasText: 'prod/old:1.0' }).getByText('deleted', { exact: true }).waitFor();
  assert.equal(await modal.getByRole('button', { name: /^Delete/ }).count(), 0);
  assert.equal(await atTarget('old'), null);
  assert.equal(await atTarget('clean'), images.clean.digest);
  assert.equal(await atTarget('vulnerable'), images.vulnerable.digest);
  await modal.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
  await drawer.getByRole('button', { name: 'Cancel' }).click();
});

test('after an inventory sync of the source, the signed image\'s page says "Signed", the other "Not signed"', async () => {
  await inventorySync(server.url, [ids.src]);
  await go('/images');
  await page().getByRole('link', { name: 'gated/clean:1.0', exact: true }).click();
  await page().getByRole('heading', { name: 'gated/clean:1.0' }).waitFor();
  const summary = page().locator('.ant-descriptions').filter({ hasText: 'Supply chain' });
  await summary.getByText('Signed', { exact: true }).waitFor();
  await summary.getByText('No SBOM', { exact: true }).waitFor();
  await b.screenshot('gates-image-signed');

  await go('/images');
  await page().getByRole('link', { name: 'gated/vulnerable:1.0', exact: true }).click();
  await page().getByRole('heading', { name: 'gated/vulnerable:1.0' }).waitFor();
  await page().getByText('Not signed', { exact: true }).waitFor();
  assert.equal(await page().getByText('Signed', { exact: true }).count(), 0);
});

test('the pages threw no error in the browser', () => {
  assert.deepEqual(b.pageErrors, []);
});
