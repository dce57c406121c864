// `npm run bench:sync`: `regatta sync` against `skopeo sync` on real loopback Distribution registries, and a big
// single-layer copy against the raw HTTP stream of the same bytes.
//   sync    a namespace of --repos × --tags images (default 60 × 4 = 240: shared base layers, some two-platform
//           indexes; bench/lib/sync-corpus.ts) into a fresh target registry, then the same again with nothing
//           changed. skopeo gets the repositories in a YAML source (`--src yaml`): `--src docker` takes one
//           repository, not a namespace, and 60 skopeo processes would be unfair to it. It runs with --all (every
//           platform, as Regatta) and --preserve-digests. During each re-sync the source registry's access log
//           counts the blob GETs each tool made.
//   server  the same corpus through the service path (bench/lib/server-sync.ts): a server (embedded, workers in the
//           process) runs an INITIATIVE rule over the namespace, timed until no task of its batch is open, then
//           again with nothing changed; skopeo sync of the corpus is timed in the same run. The 202 of the run
//           is timed on its own (the images are selected in the background). Fair share: a second project's 5-task
//           batch started during the first run is timed to its end.
//   server-pg  the same on PostgreSQL (DATABASE_URL): an API-only server and two `regatta worker` processes.
//   big     one image with one --big-mib MiB layer (default 1024): `regatta copy` vs the raw stream of the layer with
//           curl, `curl GET | curl PUT` into an upload session (monolithic) and `curl GET | curl PATCH` + `curl PUT`
//           (the upload shape Regatta uses; bench/lib/raw-stream.ts says why the two differ), and `curl GET >
//           /dev/null` (the source's read rate).
// Every run goes into a fresh target registry; each command is its own process, timed by GNU time (wall, peak RSS),
// and checked afterwards (every target tag names the source's digest; the raw upload has the blob). Medians of
// --runs (default 3). Writes bench/out/sync-<date>.json. Only loopback; every process started is stopped by PID.
//
// With --writes the server cases also count what the first run wrote to the database (PostgreSQL's statistics:
// transactions, rows inserted / updated / deleted, per task; bench/lib/db-writes.ts), 11 s more per run.
// Options: --runs N  --repos N  --tags N  --big-mib N  --cases sync,server,server-pg,big  --regatta-args="--jobs 16"  --no-build  --writes
//          --regatta-bin PATH

import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { startRegistry, type TestRegistry } from '../test/support/registry.js';
import { AccessLog, type RequestCounts } from './lib/access-log.js';
import { type CpuSeconds, cpuWindow } from './lib/crawl-cpu.js';
import { BIG_REPO, BIG_TAG, pushBigImage } from './lib/fixtures.js';
import { installKillHook, type Measured, timed } from './lib/processes.js';
import {
  blobSize,
  getCommand,
  manifestDigestAt,
  openSession,
  openUpload,
  patchCommand,
  pipeCommand,
} from './lib/raw-stream.js';
import { median } from './lib/report.js';
import { benchServerSync, perTask, type ServerRun } from './lib/server-sync.js';
import { type CorpusImage, corpusBlobs, NAMESPACE, pushCorpus } from './lib/sync-corpus.js';
import { type Command, makeTools, skopeoSyncArgs, type Tools } from './lib/tools.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ALL_CASES = ['sync', 'server', 'server-pg', 'big'] as const;
type CaseId = (typeof ALL_CASES)[number];

function settings() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      repos: { type: 'string', default: '60' },
      tags: { type: 'string', default: '4' },
      'big-mib': { type: 'string', default: '1024' },
      cases: { type: 'string', default: ALL_CASES.join(',') },
      'regatta-args': { type: 'string', default: '' },
      'regatta-bin': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      writes: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants an integer ≥ 1, got "${v}"`);
    return n;
  };
  const cases = new Set(values.cases.split(',').map((c) => c.trim()) as CaseId[]);
  for (const c of cases) if (!ALL_CASES.includes(c)) throw new Error(`--cases: unknown case "${c}"`);
  return {
    runs: int('runs', values.runs),
    repos: int('repos', values.repos),
    tags: int('tags', values.tags),
    bigMib: int('big-mib', values['big-mib']),
    cases,
    regattaArgs: values['regatta-args'].split(/\s+/).filter(Boolean),
    regattaBin: values['regatta-bin'] && resolve(values['regatta-bin']),
    build: !values['no-build'] && !values['regatta-bin'],
    writes: values.writes,
  };
}
type Settings = ReturnType<typeof settings>;

const started = Date.now();
function progress(message: string): void {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

let seq = 0;
async function run(work: string, label: string, c: Command): Promise<Measured> {
  const m = await timed(c.cmd, c.args, { env: c.env, timeFile: join(work, `time-${++seq}.txt`), cwd: ROOT });
  progress(`  ${label}: ${m.wallS.toFixed(2)} s, peak RSS ${(m.maxRssKiB / 1024).toFixed(0)} MiB`);
  return m;
}

async function withTarget<T>(fn: (dst: TestRegistry) => Promise<T>): Promise<T> {
  const dst = await startRegistry();
  try {
    return await fn(dst);
  } finally {
    await dst.stop();
  }
}

/** Every corpus image must be at `dst` under `prefix/`, naming the source's digest. */
async function verifyCorpus(dst: TestRegistry, prefix: string, corpus: CorpusImage[]): Promise<void> {
  const limit = pLimit(8);
  const wrong: string[] = [];
  await Promise.all(
    corpus.map((c) =>
      limit(async () => {
        const got = await manifestDigestAt(dst, `${prefix}/${c.repository}`, c.tag);
        if (got !== c.image.digest) wrong.push(`${c.repository}:${c.tag} is ${got}, source ${c.image.digest}`);
      }),
    ),
  );
  if (wrong.length) throw new Error(`${wrong.length} of ${corpus.length} images wrong at the target: ${wrong[0]}`);
}

interface SyncRun {
  run: number;
  firstS: number;
  resyncS: number;
  firstRssMiB: number;
  firstRequests: RequestCounts;
  resyncRequests: RequestCounts;
  /** CPU seconds of the tool and of both registries, first sync then re-sync. */
  cpu: { tool: [number, number]; registries: [number, number] };
}
type Tool = 'regatta' | 'skopeo';

async function benchSync(s: Settings, work: string, tools: Tools, src: TestRegistry, corpus: CorpusImage[]) {
  const yaml = join(work, 'skopeo-sync.yaml');
  const repos = [...new Set(corpus.map((c) => c.repository))];
  await writeFile(yaml, `${src.host}:\n  tls-verify: false\n  images:\n${repos.map((r) => `    ${r}: []\n`).join('')}`);
  const log = new AccessLog(src);
  const runs: Record<Tool, SyncRun[]> = { regatta: [], skopeo: [] };
  const commands = {} as Record<Tool, string>;
  for (let n = 1; n <= s.runs; n++) {
    for (const tool of ['regatta', 'skopeo'] as const) {
      await withTarget(async (dst) => {
        // Both put SRC/corpus/app-NN at DST/mirror/corpus/app-NN.
        const prefix = 'mirror';
        const command =
          tool === 'regatta'
            ? tools.regatta([
                'sync',
                '-q',
                ...s.regattaArgs,
                `${src.host}/${NAMESPACE}`,
                `${dst.host}/${prefix}/${NAMESPACE}`,
              ])
            : tools.skopeo(
                // skopeo 1.9 keeps only the last path component
                skopeoSyncArgs(yaml, `${dst.host}/${prefix}/${NAMESPACE}`),
              );
        commands[tool] = [
          command.cmd === 'skopeo' ? 'skopeo' : 'node bin/regatta.js',
          ...command.args.slice(command.cmd === 'skopeo' ? 2 : 1),
        ].join(' ');
        const registries = { registry: [src.pid, dst.pid] };
        let mark = await log.mark();
        let endCpu = await cpuWindow(registries);
        const first = await run(work, `${tool} run ${n}, first sync`, command);
        const firstCpu = (await endCpu()).registry ?? Number.NaN;
        const firstRequests = await log.count(mark);
        await verifyCorpus(dst, prefix, corpus);
        mark = await log.mark();
        endCpu = await cpuWindow(registries);
        const again = await run(work, `${tool} run ${n}, re-sync`, command);
        const againCpu = (await endCpu()).registry ?? Number.NaN;
        const resyncRequests = await log.count(mark);
        await verifyCorpus(dst, prefix, corpus);
        progress(`    source requests: first ${fmt(firstRequests)}; re-sync ${fmt(resyncRequests)}`);
        runs[tool].push({
          run: n,
          firstS: first.wallS,
          resyncS: again.wallS,
          firstRssMiB: first.maxRssKiB / 1024,
          firstRequests,
          resyncRequests,
          cpu: { tool: [first.cpuS, again.cpuS], registries: [firstCpu, againCpu] },
        });
      });
    }
  }
  return { runs, commands };
}

const fmt = (c: RequestCounts) =>
  `${c.total} (blob GETs ${c.blobGets}, manifest HEADs ${c.manifestHeads}, manifest GETs ${c.manifestGets})`;

interface BigRun {
  run: number;
  regattaS: number;
  regattaRssMiB: number;
  pipeS: number;
  patchS: number;
  getS: number;
}

async function benchBig(s: Settings, work: string, tools: Tools, src: TestRegistry) {
  const image = await pushBigImage(src, work, s.bigMib);
  for (const blob of image.blobs) if (blob.path) await rm(blob.path, { force: true });
  const layer = image.blobs[1]!;
  progress(`pushed ${BIG_REPO}:${BIG_TAG}: one ${s.bigMib} MiB layer ${layer.digest.slice(0, 19)}…`);
  const runs: BigRun[] = [];
  for (let n = 1; n <= s.runs; n++) {
    const r = await withTarget(async (dst) => {
      const target = `${dst.host}/big/copy:${BIG_TAG}`;
      const m = await run(
        work,
        `regatta copy run ${n}`,
        tools.regatta(['copy', '-q', ...s.regattaArgs, `${src.host}/${BIG_REPO}:${BIG_TAG}`, target]),
      );
      const got = await manifestDigestAt(dst, 'big/copy', BIG_TAG);
      if (got !== image.digest) throw new Error(`regatta copy run ${n}: target is ${got}, source ${image.digest}`);
      return m;
    });
    const pipe = await withTarget(async (dst) => {
      const put = await openUpload(dst, 'big/raw', layer.digest);
      const m = await run(work, `curl GET | curl PUT run ${n}`, pipeCommand(src, BIG_REPO, layer.digest, put));
      if ((await blobSize(dst, 'big/raw', layer.digest)) !== layer.size) throw new Error('raw pipe: blob missing');
      return m;
    });
    const patch = await withTarget(async (dst) => {
      const session = await openSession(dst, 'big/raw');
      const m = await run(
        work,
        `curl GET | curl PATCH, PUT run ${n}`,
        patchCommand(src, BIG_REPO, layer.digest, session),
      );
      if ((await blobSize(dst, 'big/raw', layer.digest)) !== layer.size) throw new Error('raw patch: blob missing');
      return m;
    });
    const get = await run(work, `curl GET > /dev/null run ${n}`, getCommand(src, BIG_REPO, layer.digest));
    runs.push({
      run: n,
      regattaS: r.wallS,
      regattaRssMiB: r.maxRssKiB / 1024,
      pipeS: pipe.wallS,
      patchS: patch.wallS,
      getS: get.wallS,
    });
  }
  return { layerBytes: layer.size, runs };
}

async function main(): Promise<void> {
  const s = settings();
  installKillHook();
  const work = await mkdtemp(join(tmpdir(), 'regatta-bench-sync-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  const loadBefore = loadavg()[0]!;
  if (s.build) {
    progress('npm run build (the benchmark measures the current sources)');
    await timed('npm', ['run', 'build', '--silent'], { env: process.env, cwd: ROOT, timeFile: join(work, 'b.txt') });
  }
  const tools = await makeTools(join(work, 'config'), s.regattaBin);
  const src = await startRegistry();
  const record: Record<string, unknown> = { date: new Date().toISOString(), settings: { ...s, cases: [...s.cases] } };
  try {
    progress(`source registry ${src.host}; ${s.runs} runs per tool and case`);
    if (s.cases.has('sync') || s.cases.has('server') || s.cases.has('server-pg')) {
      const corpus = await pushCorpus(src, s.repos, s.tags);
      const blobs = corpusBlobs(corpus);
      progress(
        `pushed ${corpus.length} images in ${s.repos} repositories: ${blobs.count} distinct blobs, ${(blobs.bytes / 2 ** 20).toFixed(1)} MiB`,
      );
      record.corpus = { images: corpus.length, repositories: s.repos, ...blobs };
      if (s.cases.has('sync')) record.sync = await benchSync(s, work, tools, src, corpus);
      if (s.cases.has('server') || s.cases.has('server-pg')) {
        const skopeoYaml = join(work, 'skopeo-server.yaml');
        const repos = [...new Set(corpus.map((c) => c.repository))];
        await writeFile(
          skopeoYaml,
          `${src.host}:\n  tls-verify: false\n  images:\n${repos.map((r) => `    ${r}: []\n`).join('')}`,
        );
        const common = { runs: s.runs, work, tools, src, corpus, skopeoYaml, progress, writes: s.writes };
        if (s.cases.has('server')) record.server = await benchServerSync(common);
        if (s.cases.has('server-pg')) {
          const databaseUrl = process.env.DATABASE_URL;
          if (!databaseUrl)
            throw new Error('the server-pg case needs DATABASE_URL (a PostgreSQL it may create databases in)');
          record.serverPg = await benchServerSync({ ...common, databaseUrl });
        }
      }
    }
    if (s.cases.has('big')) record.big = await benchBig(s, work, tools, src);
  } finally {
    await src.stop();
  }
  record.loadAverage = { before: loadBefore, after: loadavg()[0] };
  record.totalSeconds = (Date.now() - started) / 1000;
  report(record);
  const out = join(ROOT, 'bench', 'out');
  await mkdir(out, { recursive: true });
  const file = join(
    out,
    `sync-${new Date()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/:/g, '-')}.json`,
  );
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nwrote ${file} (${(record.totalSeconds as number).toFixed(0)} s in all)`);
}

function reportServer(server: ServerRun[], title: string, corpus: unknown): void {
  const [first, again, skopeo] = [
    median(server.map((r) => r.firstS)),
    median(server.map((r) => r.resyncS)),
    median(server.map((r) => r.skopeoS)),
  ];
  const accepted = server.flatMap((r) => r.acceptMs);
  console.log(`\nserver rule run (${title}), ${JSON.stringify(corpus)}, medians of ${server.length}`);
  console.log(
    `  first run  ${first.toFixed(2).padStart(7)} s  skopeo sync ${skopeo.toFixed(2).padStart(7)} s  ratio ${(first / skopeo).toFixed(2)}  (target ≤ 0.50)`,
  );
  console.log(`  re-run     ${again.toFixed(2).padStart(7)} s  (nothing changed)`);
  console.log(
    `  202 of POST /rules/{id}/run: median ${median(accepted).toFixed(0)} ms, max ${Math.max(...accepted).toFixed(0)} ms (target < 100)`,
  );
  console.log(
    `  runs: ${server.map((r) => `${r.firstS.toFixed(2)}/${r.resyncS.toFixed(2)}/${r.skopeoS.toFixed(2)}`).join('  ')} s (first/re-run/skopeo)`,
  );
  const cpu = server.flatMap((r) => (r.cpu ? [r.cpu] : []));
  if (cpu.length > 0) {
    const med = (f: (c: CpuSeconds) => number | undefined) => {
      const values = cpu.flatMap((c) => f(c) ?? []);
      return values.length ? `${median(values).toFixed(1)} s` : '–';
    };
    console.log(
      `  CPU of the first run (medians): Regatta ${med((c) => c.regatta)}, embedded database ${med((c) => c.database)}, ` +
        `both registries ${med((c) => c.registry)} (PostgreSQL's own processes not counted)`,
    );
  }
  const writes = server.flatMap((r) => (r.writes ? [r.writes] : []));
  if (writes.length > 0) {
    const med = (f: (w: (typeof writes)[number]) => number) => median(writes.map(f));
    console.log(
      `  database writes of the first run (medians): ${perTask({
        transactions: med((w) => w.transactions),
        inserted: med((w) => w.inserted),
        updated: med((w) => w.updated),
        deleted: med((w) => w.deleted),
        tasks: med((w) => w.tasks),
      })}`,
    );
  }
  const side = server.flatMap((r) => (r.sideS === undefined ? [] : [r]));
  if (side.length === 0) return;
  const ahead = side.filter((r) => r.sideBeforeBig).length;
  console.log(
    `  second project's 5-task batch started during the first run: median ${median(side.map((r) => r.sideS!)).toFixed(2)} s ` +
      `(${side.map((r) => r.sideS!.toFixed(2)).join(' ')}), ended before the big batch in ${ahead} of ${side.length}`,
  );
}

function report(record: Record<string, unknown>): void {
  const sync = record.sync as Awaited<ReturnType<typeof benchSync>> | undefined;
  if (sync) {
    const med = (t: Tool, f: (r: SyncRun) => number) => median(sync.runs[t].map(f));
    const row = (title: string, f: (r: SyncRun) => number, target: string) => {
      const [r, k] = [med('regatta', f), med('skopeo', f)];
      console.log(
        `${title.padEnd(22)} regatta ${r.toFixed(2).padStart(7)} s  skopeo ${k.toFixed(2).padStart(7)} s  ratio ${(r / k).toFixed(2)}  (target ${target})`,
      );
    };
    console.log(`\nnamespace sync, ${JSON.stringify(record.corpus)}, medians of ${sync.runs.regatta.length}`);
    row('first sync', (r) => r.firstS, '≤ 0.33');
    row('no-change re-sync', (r) => r.resyncS, '≤ 0.50');
    for (const t of ['regatta', 'skopeo'] as const) {
      const runs = sync.runs[t];
      console.log(
        `  ${t.padEnd(7)} first ${runs.map((r) => r.firstS.toFixed(2)).join(' ')} s; re-sync ${runs.map((r) => r.resyncS.toFixed(2)).join(' ')} s; re-sync source blob GETs ${runs.map((r) => r.resyncRequests.blobGets).join(' ')}; source requests first/re-sync ${med(t, (r) => r.firstRequests.total)}/${med(t, (r) => r.resyncRequests.total)}; peak RSS ${Math.max(...runs.map((r) => r.firstRssMiB)).toFixed(0)} MiB`,
      );
      const cpu = (f: (r: SyncRun) => number) => med(t, f).toFixed(2);
      console.log(
        `    CPU s (medians) first sync: ${t} ${cpu((r) => r.cpu.tool[0])}, both registries ${cpu((r) => r.cpu.registries[0])}; ` +
          `re-sync: ${t} ${cpu((r) => r.cpu.tool[1])}, registries ${cpu((r) => r.cpu.registries[1])}`,
      );
      console.log(`    ${sync.commands[t]}`);
    }
    console.log(
      '  On 2 cores a run cannot take less than (tool CPU + registries CPU) / 2: the floor each ratio rests on.',
    );
  }
  for (const [key, title] of [
    ['server', 'embedded, in-process workers'],
    ['serverPg', 'PostgreSQL, API-only server + 2 regatta worker processes'],
  ] as const) {
    const server = record[key] as ServerRun[] | undefined;
    if (server) reportServer(server, title, record.corpus);
  }
  const big = record.big as Awaited<ReturnType<typeof benchBig>> | undefined;
  if (big) {
    const mib = big.layerBytes / 2 ** 20;
    const rate = (f: (r: BigRun) => number) => mib / median(big.runs.map(f));
    const [regatta, pipe, patch, get] = [
      rate((r) => r.regattaS),
      rate((r) => r.pipeS),
      rate((r) => r.patchS),
      rate((r) => r.getS),
    ];
    const runs = (f: (r: BigRun) => number) => big.runs.map((r) => f(r).toFixed(2)).join(' ');
    const rss = Math.max(...big.runs.map((r) => r.regattaRssMiB)).toFixed(0);
    const line = (label: string, v: number, more: string) =>
      console.log(`  ${label.padEnd(26)} ${v.toFixed(0).padStart(5)} MiB/s  (runs ${more})`);
    console.log(`\nbig image, one ${mib.toFixed(0)} MiB layer, medians of ${big.runs.length} (whole processes)`);
    line('regatta copy', regatta, `${runs((r) => r.regattaS)} s; peak RSS ${rss} MiB`);
    line('curl GET | curl PUT', pipe, `${runs((r) => r.pipeS)} s`);
    line('curl GET | curl PATCH, PUT', patch, `${runs((r) => r.patchS)} s`);
    line('curl GET > /dev/null', get, `${runs((r) => r.getS)} s`);
    console.log(`  regatta / raw stream, monolithic PUT  ${(regatta / pipe).toFixed(2)}  (target ≥ 0.80)`);
    console.log(
      `  regatta / raw stream, PATCH + PUT     ${(regatta / patch).toFixed(2)}  (the upload shape regatta uses)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
