#!/usr/bin/env node
// `npm test`: installs the Debian tools the integration tests drive (when missing, as root) and, on a fresh
// clone, the npm dependencies; type-checks (server and console), lints, builds the console, then runs every
// *.test.ts under src/ and test/ with Node's own test runner. Tests make the advisory data they match against;
// with REGATTA_TEST_VULNDB naming a folder of real data laid out like ../shared/vulndb, the tests that scan
// then run a second time on it (the real-data tier).
// Usage: npm test [-- FILE_OR_DIR_FILTER ...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// Debian package → a command it installs. The harness starts real registries and checks copies with skopeo.
const DEBIAN_TOOLS = {
  'docker-registry': 'docker-registry',
  skopeo: 'skopeo',
  'apache2-utils': 'htpasswd',
  openssl: 'openssl',
  // Scanner tests: zstd-compressed layers, OSV zips.
  zstd: 'zstd',
  zip: 'zip',
  // rpm's own version comparison, which the rpm order is tested against (as dpkg's is against dpkg).
  rpm: 'rpm',
  // BerkeleyDB's own loader makes the rpm Packages databases the scanner reads.
  'db5.3-util': 'db5.3_load',
  // The console's end-to-end test drives Debian's Chromium with playwright-core (no browser download).
  chromium: 'chromium',
};

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error?.code === 'ETIMEDOUT')
    console.error(`test: ${cmd} ran past its ${opts.timeout} ms deadline and was killed`);
  if (r.status !== 0) {
    console.error(`test: ${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
    process.exit(r.status ?? 1);
  }
}

function ensureDebianTools() {
  const missing = Object.entries(DEBIAN_TOOLS)
    .filter(([, cmd]) => !has(cmd))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(
      `test: missing Debian packages ${missing.join(' ')}; install them (apt-get install ${missing.join(' ')})`,
    );
    process.exit(1);
  }
  console.log(`test: installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/** A fresh clone has no node_modules: install exactly what the lock file says. */
function ensureNodeModules() {
  if (existsSync('node_modules/.bin/tsx')) return;
  console.log('test: installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(process.cwd(), path));
  }
  return out;
}

// Tests reach loopback only: any `regatta serve` or `worker` a test starts must not download advisories from
// OSV's bucket (each test that spawns one says so too; this catches one that forgets).
process.env.REGATTA_VULNDB_UPDATE = 'off';
const filters = process.argv.slice(2);
ensureDebianTools();
ensureNodeModules();
if (filters.length === 0) {
  run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('npx', ['tsc', '-p', 'src/web/tsconfig.json']);
  run('npx', ['biome', 'check', '.']);
}
const files = [...findTests('src'), ...findTests('test')]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('test: no test files matched');
  process.exit(1);
}
// The console's test drives the built page (dist/web): build it from the sources being tested, once, before
// any test file runs (a build during the run would replace files a browser is loading).
if (files.some((f) => f.includes('console') || f.includes('oidc'))) run('npm', ['run', 'build:web']);
// A hard deadline for each run: a test process that never exits must fail the run, not stall CI.
const DEADLINE_MS = 45 * 60 * 1000;
// --test-force-exit: a test file whose tests all ended is ended too, even if something it started still holds
// the event loop (seen now and then with triggers.test.ts under load: every test passed, then the file's process
// stayed alive until the 10-minute file timeout). Failures still fail; only a lingering handle is cut short.
function runTests(testFiles, env) {
  run(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-force-exit', '--test-concurrency=2', '--test-timeout=600000', ...testFiles],
    { timeout: DEADLINE_MS, killSignal: 'SIGKILL', env },
  );
}

// The main run sees only what the repository makes: the real data is for the tier below.
const realData = process.env.REGATTA_TEST_VULNDB;
const { REGATTA_TEST_VULNDB: _real, ...plainEnv } = process.env;
runTests(files, plainEnv);

// The real-data tier: every test file that scans with test/support/vulndb.ts, again, on the real folder.
const tier = files.filter((f) => readFileSync(f, 'utf8').includes('support/vulndb.js'));
if (!realData) {
  console.log('test: real-data tier skipped: REGATTA_TEST_VULNDB is not set (a folder laid out like shared/vulndb)');
} else if (!existsSync(join(realData, 'osv'))) {
  console.error(`test: REGATTA_TEST_VULNDB=${realData} has no osv/ folder`);
  process.exit(1);
} else if (tier.length > 0) {
  console.log(`test: real-data tier: ${tier.length} files on ${realData}`);
  runTests(tier, { ...plainEnv, REGATTA_TEST_VULNDB: realData });
}
