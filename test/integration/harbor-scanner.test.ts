// Regatta as a Harbor scanner adapter, driven by a client written here from the pluggable scanner spec v1.2
// (goharbor/pluggable-scanner-spec; no Harbor runs here): metadata with its capabilities, a scan request for an
// artifact in a real basic-auth registry with the `registry.authorization` Harbor would send, the report polled
// through 302 + Refresh-After until it comes, in both report MIME types; bad requests, unknown scans and missing
// authentication in the spec's error shape.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { buildRiskyImage } from '../support/risky-image.js';
import { until } from '../support/until.js';
import { VULNDB } from '../support/vulndb.js';
import { type Json, startServer, type TestServer, TOKEN } from './server.js';

const SCAN_REQUEST = 'application/vnd.scanner.adapter.scan.request+json; version=1.0';
const HARBOR_REPORT = 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0';
const SECURITY_REPORT = 'application/vnd.security.vulnerability.report; version=1.1';
const ERROR = 'application/vnd.scanner.adapter.error+json; version=1.0';

let server: TestServer;
let registry: TestRegistry;
let digest: string;
let scanId: string;
const OTHER_TOKEN = 'other-project-token-0123456789';

before(async () => {
  server = await startServer({ workers: false, app: { vulndb: VULNDB } });
  registry = await startRegistry({ auth: 'basic' });
  const image = await buildRiskyImage();
  await pushImage(registry, 'library/risky', 'v1', image);
  digest = image.digest;
});
after(async () => {
  await server?.stop();
  await registry?.stop();
});

/** A call as Harbor makes it: its configured access credential as a Bearer token. */
async function harbor(
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; accept?: string; auth?: string } = {},
) {
  const res = await request(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: opts.auth ?? `Bearer ${TOKEN}`,
      ...(opts.accept ? { accept: opts.accept } : {}),
      ...(opts.body ? { 'content-type': SCAN_REQUEST } : {}),
    },
    body: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: (text ? JSON.parse(text) : {}) as Json };
}

test('metadata says what Regatta consumes and produces', async () => {
  const r = await harbor('GET', '/metadata');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /vnd\.scanner\.adapter\.metadata\+json/);
  assert.equal(r.json.scanner.name, 'Regatta');
  const [cap] = r.json.capabilities;
  assert.ok(cap.consumes_mime_types.includes('application/vnd.oci.image.manifest.v1+json'));
  assert.deepEqual(cap.produces_mime_types, [HARBOR_REPORT, SECURITY_REPORT]);
  assert.ok(r.json.properties['harbor.scanner-adapter/vulnerability-database-updated-at']);
});

test('a scan request is accepted, the report polled until done, in both MIME types', async () => {
  const basic = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
  const accepted = await harbor('POST', '/scan', {
    body: {
      registry: { url: registry.url, authorization: basic },
      artifact: {
        repository: 'library/risky',
        digest,
        tag: 'v1',
        mime_type: 'application/vnd.oci.image.manifest.v1+json',
      },
    },
  });
  assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
  const id = accepted.json.id as string;
  let sawRefresh = false;
  const report = await until(
    'the report',
    async () => {
      const r = await harbor('GET', `/scan/${id}/report`, { accept: HARBOR_REPORT });
      if (r.status === 302) {
        sawRefresh = Number(r.headers['refresh-after']) > 0;
        return undefined;
      }
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r;
    },
    120_000,
  );
  assert.ok(sawRefresh || report.json.vulnerabilities, 'either still running (302 + Refresh-After) or done');
  assert.match(String(report.headers['content-type']), /vuln\.report\.harbor\+json/);
  assert.equal(report.json.artifact.digest, digest);
  const order = ['Unknown', 'Negligible', 'Low', 'Medium', 'High', 'Critical'];
  const worst = report.json.vulnerabilities.reduce(
    (w: string, v: Json) => (order.indexOf(v.severity) > order.indexOf(w) ? v.severity : w),
    'Unknown',
  );
  assert.equal(report.json.severity, worst, 'the report says its worst item');
  assert.ok(order.indexOf(worst) >= order.indexOf('High'), `old openssl and lodash rate at least High, not ${worst}`);
  const ssl = report.json.vulnerabilities.find((v: Json) => v.package === 'libssl3');
  assert.match(ssl.id, /^CVE-/);
  assert.equal(ssl.version, '3.0.9-1');
  assert.ok(ssl.fix_version);
  assert.ok(['Unknown', 'Negligible', 'Low', 'Medium', 'High', 'Critical'].includes(ssl.severity));

  const v11 = await harbor('GET', `/scan/${id}/report`, { accept: SECURITY_REPORT });
  assert.equal(v11.status, 200);
  assert.match(String(v11.headers['content-type']), /vnd\.security\.vulnerability\.report/);
  assert.equal(v11.json.vulnerabilities.length, report.json.vulnerabilities.length);
  scanId = id;
});

test("a scan's report is its project's: another project's token, or an id forged from the digest, gets 404", async () => {
  await server.runtime.ctx.identities.ensure({ projectId: 'p-other-project', name: 'other', token: OTHER_TOKEN });
  const other = await harbor('GET', `/scan/${scanId}/report`, { auth: `Bearer ${OTHER_TOKEN}` });
  assert.equal(other.status, 404, JSON.stringify(other.json));
  // The digest's stored result exists; an id made up around it is still no scan of the caller's.
  const forged = `${'0'.repeat(16)}.${'0'.repeat(16)}.${digest.slice(7)}`;
  assert.equal((await harbor('GET', `/scan/${forged}/report`)).status, 404);
  assert.equal((await harbor('GET', `/scan/${forged}/report`, { auth: `Bearer ${OTHER_TOKEN}` })).status, 404);
  assert.equal((await harbor('GET', `/scan/${scanId}/report`)).status, 200, 'the asking project still reads it');
});

test('errors come in the spec shape: bad request, unknown scan, no credentials', async () => {
  const bad = await harbor('POST', '/scan', {
    body: { registry: { url: registry.url }, artifact: { repository: 'x', digest: 'nope' } },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers['content-type'], ERROR);
  assert.ok(bad.json.error.message);
  const unknown = await harbor('GET', `/scan/0000000000000000.${'0'.repeat(64)}/report`);
  assert.equal(unknown.status, 404);
  assert.ok(unknown.json.error.message);
  const anonymous = await harbor('GET', '/metadata', { auth: 'Bearer not-a-token' });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers['content-type'], ERROR);
});
