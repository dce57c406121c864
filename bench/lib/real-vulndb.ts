// The real advisory data benchmarks measure with: REGATTA_TEST_VULNDB, else ../shared/vulndb beside the checkout
// (never committed). A benchmark without it says so and stops: timings on a few generated records would mislead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function realVulndb(): string {
  const dir = process.env.REGATTA_TEST_VULNDB || fileURLToPath(new URL('../../../shared/vulndb', import.meta.url));
  if (!existsSync(dir)) {
    process.stderr.write(`bench: no real advisory data at ${dir}; set REGATTA_TEST_VULNDB or pass --vulndb\n`);
    process.exit(2);
  }
  return dir;
}
