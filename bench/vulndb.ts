// `npm run bench:vulndb`: what an advisory update costs once the bytes are here. The real OSV records of
// ../shared/vulndb (REGATTA_TEST_VULNDB) are multiplied to an export of OSV's size (ids made unique) and served
// by a loopback server laid out like OSV's bucket; then, timed: the first update (download over loopback,
// schema check of every record, atomic swap), an unchanged update (one 304 per feed), an incremental one (100
// changed records), and loading the live set as a worker does. No peer does this step, so nothing is paired.
// Prints records per second and peak memory. Usage: npm run bench:vulndb [-- --records 60000]
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadScanDatabases } from '../src/scanning/databases.js';
import { feedSources } from '../src/scanning/feeds/sources.js';
import { updateFeeds } from '../src/scanning/feeds/update.js';
import { startOsvServer, writeAllZip, writeModifiedIds, writeRecord } from '../test/support/osv-server.js';
import { realVulndb } from './lib/real-vulndb.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '60000' } } });
const target = Number(values.records);

/** Every real record under osv/, parsed. */
function realRecords(dir: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.json')) out.push(JSON.parse(readFileSync(join(d, e.name), 'utf8')));
    }
  };
  walk(join(dir, 'osv'));
  return out;
}

async function timed<T>(what: string, run: () => Promise<T>): Promise<{ s: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await run();
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`${what.padEnd(44)} ${s.toFixed(2).padStart(7)} s`);
  return { s, value };
}

const tmp = await mkdtemp(join(tmpdir(), 'regatta-bench-vulndb-'));
try {
  const real = realRecords(realVulndb());
  const records = Array.from({ length: target }, (_, i) => {
    const r = real[i % real.length]!;
    return { ...r, id: `${r.id}-${Math.floor(i / real.length)}` };
  });
  const bucket = join(tmp, 'bucket');
  writeAllZip(bucket, 'Debian', records);
  writeModifiedIds(bucket, 'Debian', records);
  const osv = await startOsvServer(bucket);
  const into = join(tmp, 'vulndb');
  const feeds = feedSources({ osvBase: osv.url, ecosystems: ['Debian'], malware: [], rules: [] });
  console.log(`${records.length} records (${real.length} real ones, multiplied), all.zip served on loopback`);

  const first = await timed('first update (download, check, swap)', () => updateFeeds(into, feeds));
  const unchanged = await timed('unchanged update', () => updateFeeds(into, feeds));
  const changed = records.slice(0, 100).map((r) => ({ ...r, modified: '2030-01-01T00:00:00Z' }));
  for (const r of changed) writeRecord(bucket, 'Debian', r);
  writeModifiedIds(bucket, 'Debian', [...changed, ...records.slice(100)]);
  const incremental = await timed('incremental update (100 changed records)', () => updateFeeds(into, feeds));
  const load = await timed('load the live set (what a worker does)', () => loadScanDatabases(into));
  await osv.stop();

  const f = first.value.feeds[0]!;
  console.log(
    `\nfirst update: ${(f.bytes / 1048576).toFixed(1)} MiB, ${f.records} records, ${Math.round(f.records / first.s)} records/s`,
  );
  console.log(
    `unchanged: ${unchanged.value.feeds[0]!.requests} request(s); incremental: ${incremental.value.feeds[0]!.requests} requests`,
  );
  console.log(
    `load: ${load.value.advisories.records} records, ${Math.round(load.value.advisories.records / load.s)} records/s`,
  );
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
