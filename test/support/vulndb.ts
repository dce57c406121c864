// The advisory folder scan tests match against. By default one generated here from facts (advisories.ts): a
// plain clone needs nothing beside it. The real-data tier sets REGATTA_TEST_VULNDB to a folder laid out like
// ../shared/vulndb (scripts/test.mjs runs the scan tests again with it when it is set); the same assertions
// hold on both, since the generated records are a subset of the real ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAdvisoryFolder } from './advisories.js';

/** The real advisory folder of the real-data tier, when this run is one. */
export const REAL_VULNDB: string | undefined = process.env.REGATTA_TEST_VULNDB || undefined;

function generated(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regatta-vulndb-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return writeAdvisoryFolder(dir);
}

export const VULNDB: string = REAL_VULNDB ?? generated();
