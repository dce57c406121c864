// Medians, the results table and the JSON record of a benchmark run.
import type { Tool } from './tools.js';

export interface Run {
  run: number;
  wallS: number;
  maxRssKiB: number;
}

export interface CaseResult {
  id: string;
  title: string;
  commands: Record<Tool, string>;
  runs: Record<Tool, Run[]>;
}

export interface Summary {
  id: string;
  title: string;
  regattaMedianS: number;
  skopeoMedianS: number;
  /** regatta / skopeo: below 1 means Regatta is faster. */
  ratio: number;
  /** Highest peak RSS over the runs, MiB. */
  regattaPeakRssMiB: number;
  skopeoPeakRssMiB: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const mib = (kib: number) => kib / 1024;

export function summarize(c: CaseResult): Summary {
  const r = median(c.runs.regatta.map((x) => x.wallS));
  const s = median(c.runs.skopeo.map((x) => x.wallS));
  return {
    id: c.id,
    title: c.title,
    regattaMedianS: r,
    skopeoMedianS: s,
    ratio: r / s,
    regattaPeakRssMiB: mib(Math.max(...c.runs.regatta.map((x) => x.maxRssKiB))),
    skopeoPeakRssMiB: mib(Math.max(...c.runs.skopeo.map((x) => x.maxRssKiB))),
  };
}

export function table(rows: Summary[]): string {
  const head = ['case', 'regatta s', 'skopeo s', 'ratio r/s', 'regatta RSS MiB', 'skopeo RSS MiB'];
  const body = rows.map((r) => [
    r.title,
    r.regattaMedianS.toFixed(2),
    r.skopeoMedianS.toFixed(2),
    r.ratio.toFixed(2),
    r.regattaPeakRssMiB.toFixed(0),
    r.skopeoPeakRssMiB.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
