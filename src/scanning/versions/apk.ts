// Alpine package version order, as apk-tools' version.c compares: `1.2.3[letter][_suffix[N]]…[-rN]`. Numeric
// components compare as numbers, except that a later component with a leading zero compares as a decimal
// fraction (string order); a shorter list of components is older; then the letter (none is older); then the
// suffixes, where `_alpha < _beta < _pre < _rc` come before no suffix and `_cvs < _svn < _git < _hg < _p` after,
// each with its number; the `-rN` package revision last. https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver

export interface ApkVersion {
  numbers: string[];
  letter: string;
  suffixes: Array<{ rank: number; n: number }>;
  revision: number;
}

const SUFFIX_RANK: Record<string, number> = {
  alpha: -4,
  beta: -3,
  pre: -2,
  rc: -1,
  cvs: 1,
  svn: 2,
  git: 3,
  hg: 4,
  p: 5,
};
const SHAPE = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:-r(\d+))?$/;

export function parseApkVersion(v: string): ApkVersion | undefined {
  const m = SHAPE.exec(v.trim());
  if (!m) return undefined;
  const suffixes = [...(m[3] ?? '').matchAll(/_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)/g)].map((s) => ({
    rank: SUFFIX_RANK[s[1]!]!,
    n: s[2] ? Number(s[2]) : 0,
  }));
  return { numbers: m[1]!.split('.'), letter: m[2] ?? '', suffixes, revision: m[4] ? Number(m[4]) : 0 };
}

function compareComponent(a: string, b: string, first: boolean): number {
  if (!first && (a.startsWith('0') || b.startsWith('0'))) {
    // A leading zero makes the component a fraction: 1.02 < 1.1, compared digit by digit.
    const x = a.replace(/0+$/, '');
    const y = b.replace(/0+$/, '');
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** -1, 0 or 1; unparsable versions sort before every valid one. */
export function compareApkVersions(a: string, b: string): number {
  const va = parseApkVersion(a);
  const vb = parseApkVersion(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : 0;
  const n = Math.min(va.numbers.length, vb.numbers.length);
  for (let i = 0; i < n; i++) {
    const c = compareComponent(va.numbers[i]!, vb.numbers[i]!, i === 0);
    if (c) return c;
  }
  if (va.numbers.length !== vb.numbers.length) return va.numbers.length < vb.numbers.length ? -1 : 1;
  if (va.letter !== vb.letter) return va.letter < vb.letter ? -1 : 1;
  const s = Math.max(va.suffixes.length, vb.suffixes.length);
  for (let i = 0; i < s; i++) {
    const x = va.suffixes[i] ?? { rank: 0, n: 0 };
    const y = vb.suffixes[i] ?? { rank: 0, n: 0 };
    if (x.rank !== y.rank) return x.rank < y.rank ? -1 : 1;
    if (x.n !== y.n) return x.n < y.n ? -1 : 1;
  }
  return va.revision === vb.revision ? 0 : va.revision < vb.revision ? -1 : 1;
}
