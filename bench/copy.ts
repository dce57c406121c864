// `npm run bench:copy`: Regatta against skopeo on real loopback Distribution registries.
//   1. big      one image, one uncompressed layer of --big-mib MiB (default 256): copy
//   2. many     --images small images (default 100, 1–3 gzip layers, distinct content) as tags of one
//               repository: `regatta copy --all-tags` vs `skopeo sync`
//   3. resync   the same again into the now filled target: nothing to copy
// Each case runs --runs times (default 3) per tool, regatta and skopeo alternating, every fill into a fresh
// target registry (new port, empty storage, never-used repository name), so no tool can skip or mount a blob.
// Each process is measured by GNU time (wall s, peak RSS) and checked afterwards with skopeo: every target tag
// must name the source's manifest digest. Prints a table of medians; writes bench/out/copy-<date>.json.
//
// Options: --runs N  --big-mib N  --images N  --cases big,many,resync  --regatta-args="-j 8"  --no-build
//          --regatta-bin PATH (another build's bin/regatta.js, e.g. a scratch checkout; implies --no-build)
// skopeo runs with --preserve-digests: without it, it gzips the uncompressed big layer on the way (another
// manifest digest, and a different job from the byte-identical copy Regatta does).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRegistry, type TestRegistry } from '../test/support/registry.js';
import { BIG_REPO, BIG_TAG, MANY_REPO, pushBigImage, pushManyImages } from './lib/fixtures.js';
import { installKillHook, type Measured, timed } from './lib/processes.js';
import { type CaseResult, type Run, summarize, table } from './lib/report.js';
import { type Command, makeTools, TLS_OFF, type Tool, type Tools } from './lib/tools.js';
import { manifestDigest, sourceDigests, verifyRepository } from './lib/verify.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'bench', 'out');
const TOOLS: Tool[] = ['regatta', 'skopeo'];
const ALL_CASES = ['big', 'many', 'resync'] as const;
type CaseId = (typeof ALL_CASES)[number];

interface Settings {
  runs: number;
  bigMib: number;
  images: number;
  cases: Set<CaseId>;
  regattaArgs: string[];
  regattaBin?: string;
  build: boolean;
}

function settings(): Settings {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      'big-mib': { type: 'string', default: '256' },
      images: { type: 'string', default: '100' },
      cases: { type: 'string', default: ALL_CASES.join(',') },
      'regatta-args': { type: 'string', default: '' },
      'regatta-bin': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} wants an integer ≥ ${min}, got "${v}"`);
    return n;
  };
  const cases = new Set(values.cases.split(',').map((c) => c.trim()) as CaseId[]);
  for (const c of cases) if (!ALL_CASES.includes(c)) throw new Error(`--cases: unknown case "${c}"`);
  return {
    runs: int('runs', values.runs, 1),
    bigMib: int('big-mib', values['big-mib'], 1),
    images: int('images', values.images, 1),
    cases,
    regattaArgs: values['regatta-args'].split(/\s+/).filter(Boolean),
    regattaBin: values['regatta-bin'] && resolve(values['regatta-bin']),
    build: !values['no-build'] && !values['regatta-bin'],
  };
}

const started = Date.now();
function progress(message: string): void {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return (r.stdout || r.stderr || '').trim().split('\n')[0] ?? '';
}

async function build(dir: string): Promise<void> {
  progress('npm run build (the benchmark measures the current sources)');
  const m = await timed('npm', ['run', 'build', '--silent'], {
    env: process.env,
    cwd: ROOT,
    timeFile: join(dir, 'time-build.txt'),
    timeoutMs: 300_000,
  });
  progress(`built in ${m.wallS.toFixed(1)} s`);
}

/** The 1-minute load average; other work on this 2-core machine skews every figure. */
function load(): number {
  return Number(loadavg()[0]!.toFixed(2));
}

/** Runs and times one command; `label` names it in progress lines. */
class Runner {
  private seq = 0;
  constructor(
    private readonly dir: string,
    readonly tools: Tools,
  ) {}

  async run(label: string, command: Command): Promise<Measured> {
    const timeFile = join(this.dir, `time-${++this.seq}.txt`);
    const m = await timed(command.cmd, command.args, { env: command.env, timeFile });
    progress(`  ${label}: ${m.wallS.toFixed(2)} s, peak RSS ${(m.maxRssKiB / 1024).toFixed(0)} MiB`);
    return m;
  }
}

/** The command line as a reader would type it (paths relative to the repository, no skopeo `--policy FILE`). */
function describe(c: Command): string {
  if (c.cmd === 'skopeo') return ['skopeo', ...c.args.slice(2)].join(' ');
  return ['node', relative(ROOT, c.args[0]!), ...c.args.slice(1)].join(' ');
}

/** A target registry for one run, stopped however the run ends. */
async function withTarget<T>(fn: (dst: TestRegistry) => Promise<T>): Promise<T> {
  const dst = await startRegistry();
  try {
    return await fn(dst);
  } finally {
    await dst.stop();
  }
}

function emptyRuns(): Record<Tool, Run[]> {
  return { regatta: [], skopeo: [] };
}

async function benchBig(r: Runner, s: Settings, src: TestRegistry, digest: string): Promise<CaseResult> {
  const title = `big image (1 layer, ${s.bigMib} MiB)`;
  progress(`case 1: ${title}`);
  const runs = emptyRuns();
  const commands = {} as Record<Tool, string>;
  for (let n = 1; n <= s.runs; n++) {
    for (const tool of TOOLS) {
      await withTarget(async (dst) => {
        const target = `${dst.host}/big/${tool[0]}${n}:${BIG_TAG}`;
        const srcRef = `${src.host}/${BIG_REPO}:${BIG_TAG}`;
        const command =
          tool === 'regatta'
            ? r.tools.regatta(['copy', '--quiet', ...s.regattaArgs, srcRef, target])
            : r.tools.skopeo([
                'copy',
                '--quiet',
                '--preserve-digests',
                ...TLS_OFF,
                `docker://${srcRef}`,
                `docker://${target}`,
              ]);
        commands[tool] = describe(command);
        const m = await r.run(`${tool} run ${n}`, command);
        const got = await manifestDigest(target);
        if (got !== digest) throw new Error(`${tool} run ${n}: ${target} is ${got}, source is ${digest}`);
        runs[tool].push({ run: n, wallS: m.wallS, maxRssKiB: m.maxRssKiB });
      });
    }
  }
  return { id: 'big', title, commands, runs };
}

async function benchMany(
  r: Runner,
  s: Settings,
  src: TestRegistry,
  expected: Map<string, string>,
): Promise<CaseResult[]> {
  const fillTitle = `${s.images} small images, all tags`;
  const resyncTitle = `${s.images} images, no-change re-sync`;
  const doFill = s.cases.has('many');
  const doResync = s.cases.has('resync');
  progress(`case 2/3: ${[doFill && fillTitle, doResync && resyncTitle].filter(Boolean).join(' + ')}`);
  const fill = emptyRuns();
  const resync = emptyRuns();
  const commands = {} as Record<Tool, string>;
  const srcRepo = `${src.host}/${MANY_REPO}`;
  for (let n = 1; n <= s.runs; n++) {
    for (const tool of TOOLS) {
      await withTarget(async (dst) => {
        // skopeo sync puts SRC/…/app under DST/PREFIX/app; regatta is given the full target repository.
        const prefix = `many-${tool[0]}${n}`;
        const dstRepo = `${dst.host}/${prefix}/app`;
        const command =
          tool === 'regatta'
            ? r.tools.regatta(['copy', '--quiet', '--all-tags', ...s.regattaArgs, srcRepo, dstRepo])
            : r.tools.skopeo([
                'sync',
                '--src',
                'docker',
                '--dest',
                'docker',
                '--preserve-digests',
                ...TLS_OFF,
                srcRepo,
                `${dst.host}/${prefix}`,
              ]);
        commands[tool] = describe(command);
        const first = await r.run(`${tool} run ${n}, fill`, command);
        await verifyRepository(dstRepo, expected);
        fill[tool].push({ run: n, wallS: first.wallS, maxRssKiB: first.maxRssKiB });
        if (!doResync) return;
        const again = await r.run(`${tool} run ${n}, re-sync`, command);
        await verifyRepository(dstRepo, expected);
        resync[tool].push({ run: n, wallS: again.wallS, maxRssKiB: again.maxRssKiB });
      });
    }
  }
  const results: CaseResult[] = [];
  if (doFill) results.push({ id: 'many', title: fillTitle, commands, runs: fill });
  if (doResync) results.push({ id: 'resync', title: resyncTitle, commands, runs: resync });
  return results;
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

async function main(): Promise<void> {
  const s = settings();
  installKillHook();
  const work = await mkdtemp(join(tmpdir(), 'regatta-bench-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true })); // also after an interrupt
  const loadBefore = load();
  if (loadBefore > 0.7) progress(`warning: load average ${loadBefore} before the start; figures will be noisy`);
  if (s.build) await build(work);
  const runner = new Runner(work, await makeTools(join(work, 'config'), s.regattaBin));
  const results: CaseResult[] = [];
  const src = await startRegistry();
  try {
    progress(`source registry ${src.host}; ${s.runs} runs per tool and case`);
    if (s.cases.has('big')) {
      const image = await pushBigImage(src, work, s.bigMib);
      for (const blob of image.blobs) if (blob.path) await rm(blob.path, { force: true }); // pushed; free the disk
      const digest = await manifestDigest(`${src.host}/${BIG_REPO}:${BIG_TAG}`);
      if (digest !== image.digest) throw new Error(`source big image is ${digest}, built ${image.digest}`);
      progress(`pushed ${BIG_REPO}:${BIG_TAG} (${s.bigMib} MiB layer) ${digest.slice(0, 19)}…`);
      results.push(await benchBig(runner, s, src, digest));
    }
    if (s.cases.has('many') || s.cases.has('resync')) {
      const images = await pushManyImages(src, s.images);
      const expected = await sourceDigests(
        `${src.host}/${MANY_REPO}`,
        images.map((i) => i.tag),
      );
      for (const { tag, image } of images) {
        if (expected.get(tag) !== image.digest) throw new Error(`source ${MANY_REPO}:${tag} is not the built image`);
      }
      const blobs = images.reduce((n, i) => n + i.image.blobs.length, 0);
      progress(`pushed ${MANY_REPO}: ${images.length} tags, ${blobs} blobs`);
      results.push(...(await benchMany(runner, s, src, expected)));
    }
  } finally {
    await src.stop();
    await rm(work, { recursive: true, force: true });
  }
  await report(s, results, { before: loadBefore, after: load() });
}

async function report(
  s: Settings,
  results: CaseResult[],
  loadAverage: { before: number; after: number },
): Promise<void> {
  const summaries = results.map(summarize);
  console.log(`\nmedians of ${s.runs} runs; RSS = highest peak over the runs; ratio < 1: Regatta is faster\n`);
  console.log(table(summaries));
  for (const c of results) {
    const walls = (t: Tool) => c.runs[t].map((x) => x.wallS.toFixed(2)).join(' ');
    console.log(`\n${c.title}:\n  regatta: ${c.commands.regatta}\n  skopeo:  ${c.commands.skopeo}`);
    console.log(`  runs (s): regatta ${walls('regatta')}; skopeo ${walls('skopeo')}`);
  }
  const when = new Date();
  const record = {
    date: when.toISOString(),
    totalSeconds: (Date.now() - started) / 1000,
    settings: { ...s, cases: [...s.cases] },
    loadAverage,
    environment: {
      node: process.version,
      skopeo: version('skopeo', ['--version']),
      registry: version('docker-registry', ['--version']),
      cpus: version('nproc', []),
      commit: version('git', ['-C', ROOT, 'rev-parse', 'HEAD']),
      srcDirty: version('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src']) !== '',
    },
    summary: summaries,
    cases: results,
  };
  await mkdir(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `copy-${stamp(when)}.json`);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nwrote ${file} (${record.totalSeconds.toFixed(0)} s in all)`);
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
