// bench:crawl's peer. No tool crawls a registry into an inventory; the nearest is what a script would do to read
// the same manifests: `skopeo list-tags` of every repository, then `skopeo inspect --raw` of every tag (one process
// per call, --concurrency calls at once, as the crawl reads 8 tags at once). The two phases are timed one after the
// other. The repository list is given to it (skopeo has no catalog command). With --peer-sample N only N tags
// (a fixed pseudo-random choice, so indexes and images in their proportions) are inspected and the inspect phase
// (its time, requests and bytes) is extrapolated to every tag. With --peer-mode config, `skopeo inspect --no-tags` (without --raw): it also reads
// the config (of one platform, for an index), nearer to what the crawl reads. Every listing and manifest is checked against
// the corpus (tag sets; the manifest's sha256, or the Digest skopeo reports).
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { TestRegistry } from '../../test/support/registry.js';
import type { CrawlCorpus, CrawlTag } from './crawl-corpus.js';
import { REQUEST_KINDS, type RegistryTraffic, TrafficLog } from './crawl-requests.js';
import { timed } from './processes.js';
import type { Tools } from './tools.js';

export type PeerMode = 'raw' | 'config';

export interface PeerOptions {
  tools: Tools;
  registry: TestRegistry;
  corpus: CrawlCorpus;
  work: string;
  concurrency: number;
  /** Tags to inspect; 0 for every tag. */
  sample: number;
  mode: PeerMode;
}

export interface PeerRun {
  run: number;
  listS: number;
  inspectS: number;
  inspected: number;
  /** listS + inspectS, the inspect phase scaled to every tag when sampled. */
  seconds: number;
  extrapolated: boolean;
  /** What the registry saw during each phase. */
  listTraffic: RegistryTraffic;
  inspectTraffic: RegistryTraffic;
  /** Both phases, the inspect phase scaled to every tag when sampled. */
  traffic: RegistryTraffic;
}

let calls = 0;

/** Runs one skopeo command (its own process group, stopped by PID on failure); resolves with its stdout. */
async function skopeo(o: PeerOptions, args: string[]): Promise<string> {
  const c = o.tools.skopeo(args);
  const timeFile = join(o.work, `skopeo-${++calls}.time`);
  try {
    return (await timed(c.cmd, c.args, { env: c.env, timeFile, timeoutMs: 120_000 })).stdout;
  } finally {
    await rm(timeFile, { force: true });
  }
}

const reference = (o: PeerOptions, repository: string, tag?: string) =>
  `docker://${o.registry.host}/${repository}${tag ? `:${tag}` : ''}`;

async function listTags(o: PeerOptions, repository: string): Promise<void> {
  const out = JSON.parse(await skopeo(o, ['list-tags', '--tls-verify=false', reference(o, repository)]));
  const want = o.corpus.tags.filter((t) => t.repository === repository).map((t) => t.tag);
  const got = new Set<string>(out.Tags ?? []);
  if (got.size !== want.length || want.some((t) => !got.has(t)))
    throw new Error(`skopeo list-tags ${repository}: ${got.size} tags, the corpus ${want.length}`);
}

async function inspect(o: PeerOptions, t: CrawlTag): Promise<void> {
  const ref = reference(o, t.repository, t.tag);
  if (o.mode === 'raw') {
    const raw = await skopeo(o, ['inspect', '--raw', '--tls-verify=false', ref]);
    const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    if (digest !== t.digest) throw new Error(`skopeo inspect --raw ${ref}: ${digest}, pushed ${t.digest}`);
    return;
  }
  const out = JSON.parse(await skopeo(o, ['inspect', '--no-tags', '--tls-verify=false', ref]));
  if (out.Digest !== t.digest) throw new Error(`skopeo inspect ${ref}: ${out.Digest}, pushed ${t.digest}`);
}

/** A fixed pseudo-random choice of `n` tags (by the hash of their names): every kind in its proportion. */
function sampleTags(tags: CrawlTag[], n: number): CrawlTag[] {
  if (n <= 0 || n >= tags.length) return tags;
  const key = (t: CrawlTag) => createHash('sha1').update(`${t.repository}:${t.tag}`).digest('hex');
  return [...tags]
    .map((t) => ({ t, k: key(t) }))
    .sort((a, b) => (a.k < b.k ? -1 : 1))
    .slice(0, n)
    .map((x) => x.t);
}

async function timedAll<T>(items: T[], concurrency: number, each: (item: T) => Promise<void>): Promise<number> {
  const limit = pLimit(concurrency);
  const t = process.hrtime.bigint();
  await Promise.all(items.map((item) => limit(() => each(item))));
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** `a` + `b` × `scale`, rounded to whole requests and bytes. */
function addTraffic(a: RegistryTraffic, b: RegistryTraffic, scale: number): RegistryTraffic {
  const sum = (x: number, y: number) => Math.round(x + y * scale);
  const requests = { ...a.requests };
  for (const k of REQUEST_KINDS) requests[k] = sum(a.requests[k], b.requests[k]);
  return {
    requests,
    total: sum(a.total, b.total),
    errors: sum(a.errors, b.errors),
    bytesSent: sum(a.bytesSent, b.bytesSent),
  };
}

/** One run of the peer: every repository's tag list, then the (sampled) tags' manifests. */
export async function benchPeer(o: PeerOptions, run: number): Promise<PeerRun> {
  const log = new TrafficLog(o.registry);
  let mark = await log.mark();
  const listS = await timedAll(o.corpus.repositories, o.concurrency, (r) => listTags(o, r));
  const listTraffic = await log.read(mark);
  const chosen = sampleTags(o.corpus.tags, o.sample);
  mark = await log.mark();
  const inspectS = await timedAll(chosen, o.concurrency, (t) => inspect(o, t));
  const inspectTraffic = await log.read(mark);
  const scale = o.corpus.tags.length / chosen.length;
  return {
    run,
    listS,
    inspectS,
    inspected: chosen.length,
    seconds: listS + inspectS * scale,
    extrapolated: scale !== 1,
    listTraffic,
    inspectTraffic,
    traffic: addTraffic(listTraffic, inspectTraffic, scale),
  };
}

/** How the peer was run, for the report. */
export function peerTitle(o: Pick<PeerOptions, 'mode' | 'concurrency' | 'sample' | 'corpus'>): string {
  const inspect = o.mode === 'raw' ? 'skopeo inspect --raw' : 'skopeo inspect --no-tags';
  const total = o.corpus.tags.length;
  const which =
    o.sample > 0 && o.sample < total ? `${o.sample} of ${total} tags, extrapolated to all` : `all ${total} tags`;
  return `skopeo list-tags per repository + ${inspect} per tag (${which}; ${o.concurrency} processes at once)`;
}
