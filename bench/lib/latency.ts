// Latency samples of bench/inventory.ts: timed repetitions, percentiles and the printed tables.

export interface Sampling {
  /** Untimed runs first (1 when the first of them takes longer than `slowMs`). */
  warmup: number;
  /** Timed runs, at least. */
  minRuns: number;
  /** Timed runs, at most: after `minRuns`, runs continue while the case has used less than `budgetMs`. */
  maxRuns: number;
  budgetMs: number;
  slowMs: number;
}

/** Runs `fn` per `s` and returns the timed durations (ms) and the last result. */
export async function sample<T>(fn: () => Promise<T>, s: Sampling): Promise<{ ms: number[]; last: T }> {
  let last: T | undefined;
  for (let i = 0; i < s.warmup; i++) {
    const t = performance.now();
    last = await fn();
    if (performance.now() - t > s.slowMs) break;
  }
  const ms: number[] = [];
  const started = performance.now();
  while (ms.length < s.minRuns || (ms.length < s.maxRuns && performance.now() - started < s.budgetMs)) {
    const t = performance.now();
    last = await fn();
    ms.push(performance.now() - t);
  }
  return { ms, last: last as T };
}

/** Percentile by linear interpolation between closest ranks (`p` in 0–100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

export interface LatencySummary {
  runs: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(ms: number[]): LatencySummary {
  return { runs: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms) };
}

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function textTable(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
