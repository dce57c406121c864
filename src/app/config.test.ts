// The one configuration: defaults, flags over variables, every bad value named in one INVALID_CONFIG, weak
// bootstrap secrets refused, the README documenting every variable, and no other server file reading them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENV, loadConfig } from './config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('defaults: the embedded data dir, port 8480 on loopback, scan data under the data dir', () => {
  const c = loadConfig({});
  assert.deepEqual(
    [c.dataDir, c.port, c.host, c.logLevel, c.shutdownGraceMs],
    ['./regatta-data', 8480, '127.0.0.1', 'info', 20_000],
  );
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.workers.vulndb, join('./regatta-data', 'vulndb'));
  assert.equal(c.workers.vulndbUpdate?.schedule, '0 */6 * * *');
  assert.deepEqual(c.workers.feeds.ecosystems, ['Debian', 'Alpine', 'npm', 'PyPI', 'Go', 'Maven']);
  assert.equal(c.api.authFailuresPerMinute, 20);
  assert.equal(c.bootstrap, undefined);
  assert.equal(c.webhook, undefined);
});

test('variables are read with their types; flags win over variables; empty means unset', () => {
  const c = loadConfig(
    {
      REGATTA_DATA_DIR: '/srv/regatta',
      REGATTA_PORT: '9000',
      REGATTA_SYNC_CONCURRENCY: '6',
      REGATTA_SCAN_ON_SYNC: 'false',
      REGATTA_VULNDB_UPDATE: 'off',
      REGATTA_VULNDB_ECOSYSTEMS: 'Debian, npm',
      REGATTA_MALWARE_FEEDS: '',
      REGATTA_SHUTDOWN_GRACE: '2.5',
      REGATTA_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      REGATTA_BOOTSTRAP_PROJECT_ID: 'p1',
      REGATTA_BOOTSTRAP_TOKEN: 'a-token-of-enough-length',
      UNRELATED: 'x',
    },
    { port: '9100' },
  );
  assert.deepEqual(
    [c.dataDir, c.port, c.workers.syncConcurrency, c.workers.scanOnSync],
    ['/srv/regatta', 9100, 6, false],
  );
  assert.equal(c.workers.vulndb, '/srv/regatta/vulndb');
  assert.equal(c.workers.vulndbUpdate?.schedule, false);
  assert.deepEqual(c.workers.feeds.ecosystems, ['Debian', 'npm']);
  assert.deepEqual(c.workers.feeds.malware, []);
  assert.equal(c.shutdownGraceMs, 2500);
  assert.deepEqual(c.webhook, { url: 'http://127.0.0.1:9/hook' });
  assert.deepEqual(c.bootstrap, {
    projectId: 'p1',
    token: 'a-token-of-enough-length',
    accessKey: undefined,
    secretKey: undefined,
  });
});

test('every bad value is named in one INVALID_CONFIG', () => {
  assert.throws(
    () =>
      loadConfig({
        REGATTA_SYNC_CONCURRENCY: '0',
        REGATTA_PORT: 'http',
        REGATTA_SCAN_ON_SYNC: 'yes',
        REGATTA_WEBHOOK_URL: 'file:///etc/passwd',
      }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'INVALID_CONFIG');
      for (const name of ['REGATTA_SYNC_CONCURRENCY', 'REGATTA_PORT', 'REGATTA_SCAN_ON_SYNC', 'REGATTA_WEBHOOK_URL']) {
        assert.match(err.message, new RegExp(`${name}: `), name);
      }
      return true;
    },
  );
});

test('a bootstrap token or secret key under 16 characters stops the start', () => {
  assert.throws(() => loadConfig({ REGATTA_BOOTSTRAP_SK: 'short' }), {
    code: 'BOOTSTRAP_SECRET_WEAK',
    message: /REGATTA_BOOTSTRAP_SK must be at least 16 characters/,
  });
});

test('the README documents every variable the configuration reads', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const missing = Object.keys(ENV.shape).filter((name) => !readme.includes(name));
  assert.deepEqual(missing, []);
});

test('no other server file reads a REGATTA_ variable (the CLI client reads its own: URL, TOKEN, PROJECT)', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return files(path);
      return /\.ts$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
    });
  const readers = files(join(ROOT, 'src'))
    .filter((f) => !f.endsWith(join('app', 'config.ts')))
    .flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/env(?:\.|\[')(REGATTA_\w+)/g)]
        .map((m) => m[1]!)
        .filter((name) => !['REGATTA_URL', 'REGATTA_TOKEN', 'REGATTA_PROJECT'].includes(name))
        .map((name) => `${f.slice(ROOT.length)}: ${name}`),
    );
  assert.deepEqual(readers, []);
});
