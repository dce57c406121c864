// Maven version order (Maven's ComparableVersion, as OSV's Maven ecosystem uses it): the version splits into items
// at `.` and `-` and where digits meet letters; numbers compare as numbers; qualifiers in the order
// alpha < beta < milestone < rc (= cr) < snapshot < release (`""`, ga, final, release) < sp, unknown ones after sp
// in text order; a number is newer than a qualifier; missing items count as 0 or as release.
// https://maven.apache.org/pom.html#Version_Order_Specification

type Item = { n: bigint } | { q: string };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = {
  a: 'alpha',
  b: 'beta',
  m: 'milestone',
  cr: 'rc',
  ga: '',
  final: '',
  release: '',
};

export function parseMavenVersion(v: string): Item[] | undefined {
  const s = v.trim().toLowerCase();
  if (!/^[0-9a-z][0-9a-z.+_-]*$/.test(s)) return undefined;
  const items: Item[] = [];
  for (const token of s.split(/[.\-_+]/)) {
    for (const part of token.match(/\d+|[a-z]+/g) ?? []) {
      items.push(/^\d/.test(part) ? { n: BigInt(part) } : { q: ALIASES[part] ?? part });
    }
  }
  // Trailing zeros and release qualifiers say nothing: 1.0.0 = 1 = 1-final.
  while (items.length > 1) {
    const last = items[items.length - 1]!;
    if (('n' in last && last.n === 0n) || ('q' in last && last.q === '')) items.pop();
    else break;
  }
  return items;
}

function qualifierRank(q: string): [number, string] {
  const i = QUALIFIERS.indexOf(q);
  return i >= 0 ? [i, ''] : [QUALIFIERS.length, q];
}

function compareQualifiers(a: string, b: string): number {
  const [ra, ta] = qualifierRank(a);
  const [rb, tb] = qualifierRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

/** One item against another; a missing item is 0 against a number and release against a qualifier. */
function compareItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareItems(b, undefined);
  if (b === undefined) return 'n' in a ? (a.n === 0n ? 0 : 1) : compareQualifiers(a.q, '');
  if ('n' in a && 'n' in b) return a.n === b.n ? 0 : a.n < b.n ? -1 : 1;
  if ('n' in a) return 1;
  if ('n' in b) return -1;
  return compareQualifiers(a.q, b.q);
}

export function compareMavenVersions(a: string, b: string): number {
  const va = parseMavenVersion(a);
  const vb = parseMavenVersion(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : 0;
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    const c = compareItems(va[i], vb[i]);
    if (c) return c;
  }
  return 0;
}
