// Debian package version order, as `dpkg --compare-versions` decides it (Debian Policy §5.6.12, dpkg's
// lib/dpkg/version.c verrevcmp): `[epoch:]upstream_version[-debian_revision]`. The epoch compares as a number;
// upstream and revision each compare as alternating runs, non-digits first: non-digit runs character by
// character where `~` sorts before everything (even the end of the string), then the end, then letters, then
// every other character (by code); digit runs as numbers. The revision is what follows the last `-`.
// https://www.debian.org/doc/debian-policy/ch-controlfields.html#version

export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** Splits a version; undefined when it is not one dpkg would accept (empty upstream, bad epoch). */
export function parseDpkgVersion(version: string): DpkgVersion | undefined {
  const v = version.trim();
  const colon = v.indexOf(':');
  let epoch = 0;
  let rest = v;
  if (colon >= 0) {
    const e = v.slice(0, colon);
    if (!/^\d+$/.test(e)) return undefined;
    epoch = Number(e);
    rest = v.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : '';
  if (upstream === '' || !/^[0-9]/.test(upstream)) return undefined;
  return { epoch, upstream, revision };
}

/** The weight of one character inside a non-digit run (dpkg's `order()`); 0 stands for the end. */
function order(c: number | undefined): number {
  if (c === undefined) return 0;
  if (c === 0x7e) return -1; // ~
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return c; // letters
  return c + 256;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** dpkg's verrevcmp over one part (upstream or revision). */
function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // The non-digit runs, character by character.
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = i < a.length && !isDigit(a.charCodeAt(i)) ? a.charCodeAt(i) : undefined;
      const bc = j < b.length && !isDigit(b.charCodeAt(j)) ? b.charCodeAt(j) : undefined;
      const diff = order(ac) - order(bc);
      if (diff !== 0) return Math.sign(diff);
      if (ac !== undefined) i++;
      if (bc !== undefined) j++;
    }
    // The digit runs, as numbers (leading zeros skipped, then the longer run is the larger number).
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return Math.sign(firstDiff);
  }
  return 0;
}

/** -1, 0 or 1 as `a` sorts before, with or after `b`; unparsable versions sort before every valid one. */
export function compareDpkgVersions(a: string, b: string): number {
  const va = parseDpkgVersion(a);
  const vb = parseDpkgVersion(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : 0;
  if (va.epoch !== vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  return comparePart(va.upstream, vb.upstream) || comparePart(va.revision, vb.revision);
}
