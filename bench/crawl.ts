// `npm run bench:crawl`: the throughput of an inventory crawl through the service path (issue 14: inventory sync of
// 10,000 tags: tags/s, requests per tag, bytes read), with the nearest peer in the same run.
//   corpus  a Distribution registry on loopback holding --repos × --tags tags (default 100 × 100 = 10,000): small
//           images sharing their layers, each its own config, one tag in ten a two-platform index
//           (bench/lib/crawl-corpus.ts). Pushed once, --push-concurrency tags at once, with progress.
//   server  per case and run a fresh Regatta server (test/integration/server.ts startServer, the API and workers in
//           this process, polling every --poll-interval s as `regatta serve` does; scans of new digests off):
//           `embedded` on a fresh PGlite, `pg` on a fresh database of DATABASE_URL (skipped without it). The
//           registry added through HSS AddRegistry; an inventory sync (POST /image/image-sync/tasks) timed from the
//           request until its registry is finished (bench/lib/crawl-server.ts), then again with nothing changed
//           (about one manifest HEAD per tag). Each crawl checked: finished, no failed reason, images_num = tags.
//   peer    no tool crawls into an inventory; the nearest is a script: `skopeo list-tags` of every repository and
//           `skopeo inspect --raw` of every tag, --concurrency processes at once (8, as the crawl reads 8 tags at
//           once); --peer-sample N inspects N tags and extrapolates (bench/lib/crawl-skopeo.ts says how).
// Per crawl, from the registry's access log (bench/lib/crawl-requests.ts): requests by kind (API check, catalog,
// tag list, manifest GET / HEAD, blob GET / HEAD) and the body bytes the registry sent; and the CPU seconds of
// this process, the embedded database process and the registry (bench/lib/crawl-cpu.ts). Medians of --runs
// (default 1), ratios Regatta / peer; JSON in bench/out/crawl-<date>.json. Loopback only; every process started
// is stopped by PID at the end, also on failure or interruption.
//
// Where the time goes: --profile takes a V8 CPU profile of this process (the server and its workers) over each
// crawl, writes bench/out/crawl-<date>-<case>-<run>-<first|again>.cpuprofile and prints the functions with the
// most self time. For the whole process instead (corpus push and peer included), and the embedded database's
// own profile (its child process inherits the flag): `node --cpu-prof --cpu-prof-dir=bench/out/prof --import tsx
// bench/crawl.ts --cases embedded --no-peer`. The CPU seconds per process say first which process to look at.
//
// Options: --repos N  --tags N  --runs N  --cases embedded,pg  --concurrency N (peer)  --peer-sample N (0: all)
//          --peer-mode raw|config  --no-peer  --push-concurrency N  --poll-interval S  --profile

import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRegistry, type TestRegistry } from '../test/support/registry.js';
import { type CrawlCorpus, pushCrawlCorpus } from './lib/crawl-corpus.js';
import { printReport, summarize } from './lib/crawl-report.js';
import { benchServerCrawl, CASE_TITLES, type CaseId, type ServerCrawlRun } from './lib/crawl-server.js';
import { benchPeer, type PeerMode, type PeerOptions, type PeerRun, peerTitle } from './lib/crawl-skopeo.js';
import { installKillHook } from './lib/processes.js';
import { makeTools } from './lib/tools.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'bench', 'out');
const ALL_CASES: CaseId[] = ['embedded', 'pg'];

function settings() {
  const { values } = parseArgs({
    options: {
      repos: { type: 'string', default: '100' },
      tags: { type: 'string', default: '100' },
      runs: { type: 'string', default: '1' },
      cases: { type: 'string', default: ALL_CASES.join(',') },
      concurrency: { type: 'string', default: '8' },
      'peer-sample': { type: 'string', default: '0' },
      'peer-mode': { type: 'string', default: 'raw' },
      'no-peer': { type: 'boolean', default: false },
      'push-concurrency': { type: 'string', default: '8' },
      'poll-interval': { type: 'string', default: '1' },
      profile: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string, min = 1) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} wants an integer ≥ ${min}, got "${v}"`);
    return n;
  };
  const cases = values.cases.split(',').map((c) => c.trim()) as CaseId[];
  for (const c of cases) if (!ALL_CASES.includes(c)) throw new Error(`--cases: unknown case "${c}"`);
  if (values['peer-mode'] !== 'raw' && values['peer-mode'] !== 'config') throw new Error('--peer-mode: raw or config');
  const pollInterval = Number(values['poll-interval']);
  if (!(pollInterval > 0)) throw new Error('--poll-interval wants seconds > 0');
  return {
    repos: int('repos', values.repos),
    tags: int('tags', values.tags),
    runs: int('runs', values.runs),
    cases,
    concurrency: int('concurrency', values.concurrency),
    peerSample: int('peer-sample', values['peer-sample'], 0),
    peerMode: values['peer-mode'] as PeerMode,
    peer: !values['no-peer'],
    pushConcurrency: int('push-concurrency', values['push-concurrency']),
    pollIntervalSeconds: pollInterval,
    profile: values.profile,
  };
}
type Settings = ReturnType<typeof settings>;

const started = Date.now();
const stamp = new Date()
  .toISOString()
  .replace(/\.\d+Z$/, 'Z')
  .replace(/:/g, '-');

function progress(message: string): void {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

/** The cases that can run here: `pg` only with DATABASE_URL. */
function runnableCases(s: Settings): CaseId[] {
  if (s.cases.includes('pg') && !process.env.DATABASE_URL)
    progress('pg case skipped: DATABASE_URL is not set (a PostgreSQL the bench may create databases in)');
  return s.cases.filter((c) => c !== 'pg' || process.env.DATABASE_URL);
}

async function pushCorpus(s: Settings, registry: TestRegistry): Promise<CrawlCorpus> {
  progress(`pushing ${s.repos} repositories × ${s.tags} tags to ${registry.host}, ${s.pushConcurrency} at once`);
  const t = Date.now();
  const corpus = await pushCrawlCorpus(registry, {
    repos: s.repos,
    tags: s.tags,
    concurrency: s.pushConcurrency,
    progress,
  });
  progress(
    `pushed ${corpus.tags.length} tags (${corpus.indexes} indexes, ${corpus.manifests} manifests) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
  return corpus;
}

interface Results {
  server: ServerCrawlRun[];
  peer: PeerRun[];
}

async function runAll(s: Settings, registry: TestRegistry, corpus: CrawlCorpus, peer: PeerOptions): Promise<Results> {
  const cases = runnableCases(s);
  const results: Results = { server: [], peer: [] };
  for (let run = 1; run <= s.runs; run++) {
    for (const c of cases) {
      progress(`run ${run}: Regatta, ${CASE_TITLES[c]}`);
      const profilePrefix = s.profile ? join(OUT_DIR, `crawl-${stamp}-${c}-${run}`) : undefined;
      results.server.push(
        await benchServerCrawl({
          run,
          case: c,
          registry,
          expectedImages: corpus.tags.length,
          pollIntervalSeconds: s.pollIntervalSeconds,
          root: ROOT,
          progress,
          ...(profilePrefix ? { profilePrefix } : {}),
        }),
      );
    }
    if (!s.peer) continue;
    progress(`run ${run}: ${peerTitle(peer)}`);
    const p = await benchPeer(peer, run);
    const how = p.extrapolated ? `, extrapolated from ${p.inspected} tags` : '';
    progress(
      `  peer run ${run}: list ${p.listS.toFixed(2)} s + inspect ${p.inspectS.toFixed(2)} s = ${p.seconds.toFixed(2)} s${how}`,
    );
    results.peer.push(p);
  }
  return results;
}

async function writeRecord(record: Record<string, unknown>): Promise<string> {
  await mkdir(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `crawl-${stamp}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  const s = settings();
  installKillHook();
  const work = await mkdtemp(join(tmpdir(), 'regatta-bench-crawl-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  if (s.profile) await mkdir(OUT_DIR, { recursive: true });
  const loadBefore = loadavg()[0]!;
  const registry = await startRegistry();
  try {
    const corpus = await pushCorpus(s, registry);
    const tools = await makeTools(join(work, 'config'));
    const peer: PeerOptions = {
      tools,
      registry,
      corpus,
      work,
      concurrency: s.concurrency,
      sample: s.peerSample,
      mode: s.peerMode,
    };
    const results = await runAll(s, registry, corpus, peer);
    const title = peerTitle(peer);
    const summary = summarize(corpus, results.server, results.peer, title);
    printReport(corpus, summary, results.server, results.peer, title);
    const file = await writeRecord({
      date: new Date().toISOString(),
      settings: s,
      machine: { cpus: cpus().length, node: process.version, loadAverage: { before: loadBefore, after: loadavg()[0] } },
      corpus: { repositories: corpus.repositories.length, tags: corpus.tags.length, indexes: corpus.indexes },
      peer: s.peer ? title : undefined,
      summary,
      runs: results,
      totalSeconds: (Date.now() - started) / 1000,
    });
    console.log(`\nwrote ${file} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
  } finally {
    await registry.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
