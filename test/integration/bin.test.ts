// The installed command: `bin/regatta.js` running the bundle that `npm run build` makes (as `prepare` does on
// `npm ci`), so a broken bundle fails here and not in a user's hands.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let registry: TestRegistry;

before(async () => {
  await run('npm', ['run', 'build:server'], { cwd: ROOT });
  registry = await startRegistry();
});
after(() => registry?.stop());

test('bin/regatta.js copies and inspects with the built bundle', async () => {
  const image = await buildImage({ format: 'docker', seed: 'bin' });
  await pushImage(registry, 'bin/app', '1', image);
  const bin = `${ROOT}bin/regatta.js`;
  await run(process.execPath, [bin, 'copy', '-q', `${registry.host}/bin/app:1`, `${registry.host}/bin/copy`]);
  const { stdout } = await run(process.execPath, [bin, 'inspect', '--json', `${registry.host}/bin/copy:1`]);
  assert.equal(JSON.parse(stdout).digest, image.digest);
  const help = await run(process.execPath, [bin, 'copy', '--help']);
  assert.match(help.stdout, /--all-platforms/);
});

test('bin/regatta.js --version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));
  for (const flag of ['--version', '-V']) {
    const { stdout } = await run(process.execPath, [`${ROOT}bin/regatta.js`, flag]);
    assert.equal(stdout, `${pkg.version}\n`);
  }
});
