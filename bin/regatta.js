#!/usr/bin/env node
// The `regatta` command: the sources bundled into one file by `npm run build` (run by `prepare` on install),
// which starts in about half the time of loading hundreds of modules one by one. `--version` alone is answered
// from package.json without loading the bundle at all: scripts and health checks call it often.
import { readFileSync } from 'node:fs';
import module from 'node:module';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // Node ≥ 22.1 caches compiled code between runs; Node 20 has no such cache and skips this.
  module.enableCompileCache?.();
  await import('../dist/regatta.mjs');
}
