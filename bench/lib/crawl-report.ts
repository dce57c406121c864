// bench:crawl's tables: per case and phase the medians over the runs (seconds, tags/s, registry requests and bytes
// per tag, CPU seconds of each process), the requests by kind per tag, and the ratios Regatta / peer.
import type { CrawlCorpus } from './crawl-corpus.js';
import type { CpuSeconds } from './crawl-cpu.js';
import { REQUEST_KINDS, type RegistryTraffic, type RequestKind } from './crawl-requests.js';
import type { CaseId, CrawlMeasure, ServerCrawlRun } from './crawl-server.js';
import type { PeerRun } from './crawl-skopeo.js';
import { textTable } from './latency.js';
import { median } from './report.js';

export interface Row {
  title: string;
  /** A short name for the requests table. */
  short: string;
  seconds: number;
  traffic: RegistryTraffic;
  cpu?: CpuSeconds;
}

export interface Summary {
  tags: number;
  rows: Row[];
  /** Regatta seconds / peer seconds, per case and phase. */
  ratios: Record<string, number>;
}

function medianTraffic(list: RegistryTraffic[]): RegistryTraffic {
  const of = (f: (t: RegistryTraffic) => number) => median(list.map(f));
  const requests = Object.fromEntries(REQUEST_KINDS.map((k) => [k, of((t) => t.requests[k])])) as Record<
    RequestKind,
    number
  >;
  return { requests, total: of((t) => t.total), errors: of((t) => t.errors), bytesSent: of((t) => t.bytesSent) };
}

function medianCpu(list: CpuSeconds[]): CpuSeconds {
  const of = (f: (c: CpuSeconds) => number | undefined) => {
    const values = list.map(f).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : undefined;
  };
  return { regatta: of((c) => c.regatta) ?? 0, database: of((c) => c.database), registry: of((c) => c.registry) };
}

function medianRow(title: string, list: CrawlMeasure[]): Row {
  return {
    title,
    short: title,
    seconds: median(list.map((m) => m.seconds)),
    traffic: medianTraffic(list.map((m) => m.traffic)),
    cpu: medianCpu(list.map((m) => m.cpu)),
  };
}

export function summarize(corpus: CrawlCorpus, server: ServerCrawlRun[], peer: PeerRun[], peerTitle: string): Summary {
  const rows: Row[] = [];
  const ratios: Record<string, number> = {};
  const peerS = median(peer.map((p) => p.seconds));
  for (const c of [...new Set(server.map((r) => r.case))] as CaseId[]) {
    const runs = server.filter((r) => r.case === c);
    for (const phase of ['first', 'again'] as const) {
      const title = `${c}, ${phase === 'first' ? 'first crawl' : 're-crawl, nothing changed'}`;
      const row = medianRow(
        title,
        runs.map((r) => r[phase]),
      );
      rows.push(row);
      if (peer.length) ratios[`${c}.${phase}`] = row.seconds / peerS;
    }
  }
  if (peer.length)
    rows.push({
      title: peerTitle,
      short: 'skopeo (peer)',
      seconds: peerS,
      traffic: medianTraffic(peer.map((p) => p.traffic)),
    });
  return { tags: corpus.tags.length, rows, ratios };
}

const cpuCell = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));

function throughputTable(s: Summary): string {
  const head = ['', 's', 'tags/s', 'req/tag', 'KiB sent/tag', 'MiB sent', 'CPU s regatta/db/registry'];
  // A sampled peer's requests and bytes: its tag lists plus its inspections scaled to every tag.
  const body = s.rows.map((r) => {
    return [
      r.short,
      r.seconds.toFixed(2),
      (s.tags / r.seconds).toFixed(0),
      (r.traffic.total / s.tags).toFixed(2),
      (r.traffic.bytesSent / 1024 / s.tags).toFixed(2),
      (r.traffic.bytesSent / 2 ** 20).toFixed(1),
      r.cpu ? `${cpuCell(r.cpu.regatta)}/${cpuCell(r.cpu.database)}/${cpuCell(r.cpu.registry)}` : '-',
    ];
  });
  return textTable(head, body);
}

function requestsTable(s: Summary): string {
  const head = ['requests per tag', ...REQUEST_KINDS, 'errors'];
  const body = s.rows.map((r) => [
    r.short,
    ...REQUEST_KINDS.map((k) => (r.traffic.requests[k] / s.tags).toFixed(3)),
    String(r.traffic.errors),
  ]);
  return textTable(head, body);
}

function profileLines(server: ServerCrawlRun[]): string[] {
  const lines: string[] = [];
  for (const run of server) {
    for (const phase of ['first', 'again'] as const) {
      const p = run[phase].profile;
      if (!p) continue;
      lines.push(
        `\nCPU profile, ${run.case} run ${run.run} ${phase === 'first' ? 'first crawl' : 're-crawl'}: ${p.file}`,
      );
      lines.push('  self ms   share  function');
      for (const t of p.top)
        lines.push(`  ${t.ms.toFixed(0).padStart(7)}  ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.name}`);
    }
  }
  return lines;
}

export function printReport(
  corpus: CrawlCorpus,
  s: Summary,
  server: ServerCrawlRun[],
  peer: PeerRun[],
  peerTitle: string,
): void {
  const runs = Math.max(
    1,
    ...[...new Set(server.map((r) => r.case))].map((c) => server.filter((r) => r.case === c).length),
  );
  console.log(
    `\ninventory crawl of ${corpus.tags.length} tags (${corpus.repositories.length} repositories, ${corpus.indexes} two-platform indexes, ${corpus.manifests} manifests), medians of ${runs}`,
  );
  console.log(throughputTable(s));
  console.log(`\n${requestsTable(s)}`);
  console.log(
    '\nbytes: response bodies as the registry logged them (HEADs count 0); CPU: this process (server + workers + bench), the embedded database process, the registry',
  );
  if (peer.length) {
    console.log(`peer: ${peerTitle}`);
    const p = peer.map(
      (x) => `list ${x.listS.toFixed(2)} s + inspect ${x.inspectS.toFixed(2)} s (${x.inspected} tags)`,
    );
    console.log(`  runs: ${p.join('; ')}`);
    for (const [key, ratio] of Object.entries(s.ratios)) {
      const [c, phase] = key.split('.');
      console.log(`  Regatta / peer, ${c} ${phase === 'first' ? 'first crawl' : 're-crawl'}: ${ratio.toFixed(2)}`);
    }
  }
  for (const line of profileLines(server)) console.log(line);
}
