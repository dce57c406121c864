// The console's image page for a multi-arch tag, in a real browser (headless Debian Chromium through playwright-core),
// over a real registry and real scans (issue 17): a Debian 12 tag whose arm64 image carries a vulnerable libssl3 and
// whose amd64 image does not. The platforms table and the "Findings of" switch show each platform's own scan; picking
// arm64 lists its vulnerabilities (asked by arm64's image id), picking amd64 lists none, "All platforms" the tag's.
// A Helm chart beside it reads "not scannable", with no scan button and no finding requests; and once a rescan fails
// (new advisory data, the registry gone), the tag and its platforms say their results are the previous scan's.
// Screenshots land in test-artifacts/console/.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type AdvisoryFact, osvRecord } from '../support/advisories.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { debianImage, helmChart } from '../support/debian-platforms.js';
import { buildIndex, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { versions } from '../support/risky-image.js';
import { until } from '../support/until.js';
import { REAL_VULNDB, VULNDB } from '../support/vulndb.js';
import { addRegistry, hssCall, inventorySync, type Json, startServer, type TestServer, TOKEN } from './server.js';

let server: TestServer;
let registry: TestRegistry;
let b: TestBrowser;
/** The multi-arch tag's row once scanned, and its two platforms' entries. */
let row: Json;
let arm: Json;
let amd: Json;
let chart: Json;
/** Every per-image API path the page asked for. */
const asked: string[] = [];

const listed = async (image_name: string): Promise<Json | undefined> =>
  (await hssCall(server.url, 'GET', '/image/registries/images', { query: { image_name } })).json.data_list?.[0];

before(async () => {
  [server, registry] = await Promise.all([startServer({ workerOptions: { vulndb: VULNDB } }), startRegistry()]);
  const [arm64, amd64] = await Promise.all([
    debianImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }, versions.openssl!.release, 'console-platform'),
    debianImage({ os: 'linux', architecture: 'amd64' }, versions.openssl!.current, 'console-platform'),
  ]);
  await pushImage(registry, 'shop/multi', 'v1', buildIndex([amd64, arm64], 'oci'));
  await pushImage(registry, 'charts/web', '0.1.0', helmChart());
  const id = await addRegistry(server.url, { name: 'shop', host: registry.host });
  await inventorySync(server.url, [id]);
  // Scan on sync: the tag is scanned platform by platform.
  row = await until(
    'the multi-arch tag scanned',
    async () => {
      const r = await listed('multi');
      return r?.scan_status === 'success' ? r : undefined;
    },
    120_000,
  );
  const byArch = new Map<string, Json>(row.association_images.map((p: Json) => [p.architecture, p]));
  arm = byArch.get('arm64')!;
  amd = byArch.get('amd64')!;
  assert.equal(arm.image_digest, arm64.digest);
  assert.ok(arm.vul_num > 0 && amd.vul_num === 0, JSON.stringify(row.association_images));
  chart = (await listed('web'))!;
  assert.equal(chart.scannable, false);
  b = await openBrowser();
  b.page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (/^\/v5\/[^/]+\/image\/[^/]+\/(vulnerabilities|malwares|sensitive|baseline|sbom)/.test(path)) asked.push(path);
  });
});
after(async () => {
  await b?.close();
  await Promise.all([server?.stop(), registry?.stop()]);
});

const page = () => b.page;
const go = async (route: string) => page().goto(`${server.url}/#${route}`);
const panel = () => page().getByRole('tabpanel');
const imageRow = (ref: string) =>
  page()
    .getByRole('row')
    .filter({ has: page().getByRole('link', { name: ref, exact: true }) });
/** The radio of a platform in the platforms table, and its row. */
const platformRadio = (name: string) => page().getByRole('radio', { name: `Show the findings of ${name}` });
const platformRow = (name: string) =>
  page()
    .getByRole('row')
    .filter({ has: platformRadio(name) });
const switcher = () => page().getByLabel('Findings of', { exact: true });
const platformParam = () => new URL(page().url().replace('/#/', '/')).searchParams.get('platform');

/** Picks a choice of the "Findings of" switch by its name. */
async function pick(name: string): Promise<void> {
  await switcher().click();
  await page().locator(`.ant-select-item-option[title="${name}"]`).click();
}

/** Waits for the vulnerabilities tab to show `n` found. */
const found = (n: number) =>
  n === 0 ? panel().getByText('No vulnerability found').waitFor() : panel().getByText(`${n} found`).waitFor();

test('the Images list marks the Helm chart not scannable; a multi-arch row expands to its platforms, each scanned', async () => {
  await go('/');
  await page().locator('input[name="token"]').fill(TOKEN);
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByRole('heading', { name: 'Dashboard' }).waitFor();
  await go('/images');
  await imageRow('charts/web:0.1.0').getByText('not scannable', { exact: true }).waitFor();
  const multi = imageRow('shop/multi:v1');
  await multi.getByText('multi-arch').waitFor();
  await multi.getByRole('button', { name: /expand row/i }).click();
  const expanded = page().locator('.ant-table-expanded-row');
  for (const name of ['linux/arm64/v8', 'linux/amd64']) {
    await expanded.getByRole('row').filter({ hasText: name }).getByText('Scanned', { exact: true }).waitFor();
  }
  await b.screenshot('platforms-list');
  // A platform's name opens the image page on its findings.
  await expanded.getByRole('link', { name: 'linux/arm64/v8' }).click();
  await page().getByRole('heading', { name: 'shop/multi:v1' }).waitFor();
  assert.equal(platformParam(), arm.image_digest);
  await found(arm.vul_num);
});

test("the platform switch shows each platform's own findings, asked by the platform's image id", async () => {
  const ssl = panel().getByRole('row').filter({ hasText: 'libssl3' }).first();
  await ssl.waitFor();
  assert.match(await ssl.innerText(), /CVE-\d{4}-\d+/);
  assert.ok(
    asked.some((p) => p.endsWith(`/image/${arm.image_id}/vulnerabilities`)),
    asked.join('\n'),
  );
  // The platforms table: each platform's own status and counts; arm64 picked.
  await platformRow('linux/arm64/v8').getByText('Scanned', { exact: true }).waitFor();
  await platformRow('linux/amd64').getByText('Scanned', { exact: true }).waitFor();
  assert.equal(await platformRadio('linux/arm64/v8').isChecked(), true);
  await b.screenshot('platform-arm64');

  await pick('linux/amd64');
  await found(0);
  assert.equal(platformParam(), amd.image_digest);
  assert.ok(
    asked.some((p) => p.endsWith(`/image/${amd.image_id}/vulnerabilities`)),
    asked.join('\n'),
  );
  await b.screenshot('platform-amd64');

  // Every platform together: the tag's findings (arm64's, here).
  await pick('All platforms');
  await found(row.vul_num);
  await panel().getByRole('row').filter({ hasText: 'libssl3' }).first().waitFor();
  assert.equal(platformParam(), null);

  // A row of the platforms table picks its platform too; the choice is the URL's, so a reload keeps it.
  await platformRadio('linux/amd64').click();
  await found(0);
  assert.equal(platformParam(), amd.image_digest);
  await page().reload();
  await page().getByRole('heading', { name: 'shop/multi:v1' }).waitFor();
  await found(0);
  assert.equal(await platformRadio('linux/amd64').isChecked(), true);
});

test("every findings tab and the SBOM are the picked platform's", async () => {
  await pick('linux/arm64/v8');
  await found(arm.vul_num);
  for (const [tab, empty, kind] of [
    ['Malicious files', 'No malicious file found', 'malwares'],
    ['Secrets & sensitive files', 'No secret or sensitive file found', 'sensitive'],
    ['Unsafe settings', 'No unsafe setting found', 'baseline/risk-configs'],
  ] as const) {
    await page().getByRole('tab', { name: tab }).click();
    await panel().getByText(empty).waitFor();
    assert.ok(
      asked.some((p) => p.endsWith(`/image/${arm.image_id}/${kind}`)),
      `${kind}: ${asked.join('\n')}`,
    );
  }
  await page().getByRole('tab', { name: 'SBOM' }).click();
  const [download] = await Promise.all([
    page().waitForEvent('download'),
    panel().getByRole('button', { name: 'Download SBOM' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'multi-v1-linux_arm64_v8.cdx.json');
  const sbom = JSON.parse(await readFile((await download.path())!, 'utf8')) as Json;
  assert.equal(sbom.bomFormat, 'CycloneDX');
  assert.match(JSON.stringify(sbom), /libssl3/);
  assert.match(JSON.stringify(sbom.metadata), new RegExp(arm.image_digest.replace('sha256:', '')));
});

test('the Helm chart page says it cannot be scanned: no scan button, no finding requested', async () => {
  const earlier = asked.length;
  await go('/images');
  await imageRow('charts/web:0.1.0').getByRole('link', { name: 'charts/web:0.1.0' }).click();
  await page().getByRole('heading', { name: 'charts/web:0.1.0' }).waitFor();
  await page().getByText('This artifact cannot be scanned').waitFor();
  await page().locator('.ant-descriptions').getByText('not scannable', { exact: true }).waitFor();
  await panel().getByText('No results: the scanner cannot read this artifact.').waitFor();
  assert.equal(
    await page()
      .getByRole('button', { name: /Scan (now|again)/ })
      .count(),
    0,
  );
  // The tooltip says why, in words.
  await page().locator('.ant-descriptions').getByText('not scannable', { exact: true }).hover();
  await page()
    .getByRole('tooltip')
    .getByText(/Not a container image/)
    .waitFor();
  assert.deepEqual(asked.slice(earlier), []);
  assert.equal(await switcher().count(), 0);
  await b.screenshot('not-scannable');
});

// New advisory data makes a rescan (a result is reused while the data is the same): a record is added to this
// process's generated folder; the real-data tier's folder is not this test's to change.
test("a failed rescan keeps the previous results: the tag and its platforms say so, arm64's findings still listed", {
  skip: REAL_VULNDB ? 'the real advisory folder is not changed' : false,
}, async () => {
  const extra = join(VULNDB, 'osv', 'console-platforms');
  mkdirSync(extra, { recursive: true });
  const fact: AdvisoryFact = {
    id: 'REGATTA-CONSOLE-1',
    ecosystem: 'npm',
    package: 'regatta-console-test',
    rangeType: 'SEMVER',
    ranges: [[{ introduced: '0' }, { fixed: '1.0.0' }]],
  };
  writeFileSync(join(extra, `${fact.id}.json`), JSON.stringify(osvRecord(fact)));
  await registry.stop();
  const scan = await hssCall(server.url, 'POST', '/image/image-scan/tasks', { body: { image_info: [{ id: row.id }] } });
  assert.equal(scan.status, 200, JSON.stringify(scan.json));
  await until(
    'the rescan failed',
    async () => {
      const r = await listed('multi');
      return r?.scan_stale === true && r.scan_status === 'failed' ? r : undefined;
    },
    180_000,
  );
  const stale = 'last scan failed: showing the previous result';
  await go('/images');
  await imageRow('shop/multi:v1').getByText(stale).waitFor();
  await imageRow('shop/multi:v1').getByRole('link', { name: 'shop/multi:v1' }).click();
  await page().locator('.ant-descriptions').getByText(stale).waitFor();
  await platformRow('linux/arm64/v8').getByText(stale).waitFor();
  await platformRow('linux/amd64').getByText(stale).waitFor();
  await pick('linux/arm64/v8');
  await found(arm.vul_num);
  await b.screenshot('platform-stale');
});

test('the pages threw no error in the browser', () => {
  assert.deepEqual(b.pageErrors, []);
});
