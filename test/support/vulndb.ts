// Where the real advisory data is: ../shared/vulndb beside the checkout (as on CI), or REGATTA_TEST_VULNDB.
// Tests that need it skip with this message when it is absent.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const VULNDB =
  process.env.REGATTA_TEST_VULNDB ?? fileURLToPath(new URL('../../../shared/vulndb', import.meta.url));

/** false when the data is there; else the reason a test skips. */
export const vulndbMissing: false | string = existsSync(VULNDB) ? false : `no advisory data at ${VULNDB}`;
