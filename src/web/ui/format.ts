// How numbers and times read in the console.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${UNITS[u]}`;
}

/** Epoch ms or an ISO string → local date and time; '—' when absent. */
export function when(t: number | string | null | undefined): string {
  if (t === null || t === undefined || t === 0) return '—';
  return new Date(t).toLocaleString();
}

/** "5 min ago", "3 h ago", "2 d ago". */
export function ago(t: number | string | null | undefined, now = Date.now()): string {
  if (t === null || t === undefined || t === 0) return 'never';
  const s = Math.max(0, (now - new Date(t).getTime()) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export const shortDigest = (d: string | null | undefined) => (d ? d.replace(/^sha256:/, '').slice(0, 12) : '—');

/** "1 task", "3 tasks": a pager's total line. */
export const countOf =
  (noun: string, plural = `${noun}s`) =>
  (n: number) =>
    `${n} ${n === 1 ? noun : plural}`;
