// RPM version order, as rpm's rpmvercmp (rpmio/rpmvercmp.c) and its EVR comparison decide it:
// `[epoch:]version[-release]`, epoch first (numeric, missing = 0), then version, then release, each compared by
// segments: separators (anything not alphanumeric, except `~` and `^`) are skipped; `~` sorts before everything,
// even the end (1.0~rc1 < 1.0); `^` sorts after the end but before anything else (1.0^git1 > 1.0, < 1.0.1); digit
// runs compare as numbers and are newer than letter runs; letter runs compare as strings; more segments is newer.
// https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning

export interface Evr {
  epoch: number;
  version: string;
  release: string;
}

export function parseRpmEvr(v: string): Evr | undefined {
  const s = v.trim();
  const colon = s.indexOf(':');
  const epoch = colon >= 0 ? s.slice(0, colon) : '0';
  if (!/^\d+$/.test(epoch)) return undefined;
  const rest = colon >= 0 ? s.slice(colon + 1) : s;
  const dash = rest.lastIndexOf('-');
  const version = dash >= 0 ? rest.slice(0, dash) : rest;
  if (!version || !/[0-9A-Za-z]/.test(version)) return undefined;
  return { epoch: Number(epoch), version, release: dash >= 0 ? rest.slice(dash + 1) : '' };
}

const isAlnum = (c: string | undefined) => c !== undefined && /[0-9A-Za-z]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** rpmvercmp: -1, 0 or 1. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    // Tilde: older than anything, the end included.
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // Caret: newer than the end, older than any segment.
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const run = (s: string, k: number) => {
      let e = k;
      while (e < s.length && (numeric ? isDigit(s[e]) : /[A-Za-z]/.test(s[e]!))) e++;
      return e;
    };
    const ei = run(a, i);
    const ej = run(b, j);
    const x = a.slice(i, ei);
    const y = b.slice(j, ej);
    // A segment of the other kind: numbers are newer than letters.
    if (y === '') return numeric ? 1 : -1;
    if (numeric) {
      const xs = x.replace(/^0+/, '');
      const ys = y.replace(/^0+/, '');
      if (xs.length !== ys.length) return xs.length < ys.length ? -1 : 1;
      if (xs !== ys) return xs < ys ? -1 : 1;
    } else if (x !== y) return x < y ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Epoch, then version, then release; unparsable versions sort before every valid one. */
export function compareRpmVersions(a: string, b: string): number {
  const x = parseRpmEvr(a);
  const y = parseRpmEvr(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return rpmvercmp(x.version, y.version) || rpmvercmp(x.release, y.release);
}
