// Whether an OSV `affected` entry covers a version (OSV schema, "Evaluation"): the version is listed in
// `versions`, or lies in a range: events sorted by version, walked in order, `introduced` opening (`0` meaning
// from the beginning), `fixed` closing before it, `last_affected` closing after it. GIT ranges name commits and
// are skipped. Returns the fixed version of the range that matched (the report's "solution"), if any.
// https://ossf.github.io/osv-schema/#evaluation
import type { VersionOrder } from '../versions/index.js';
import type { OsvAffected, OsvEvent } from './osv.js';

export interface Affects {
  fixed?: string;
}

export function affects(entry: OsvAffected, version: string, order: VersionOrder): Affects | undefined {
  if (entry.versions?.includes(version)) return {};
  for (const range of entry.ranges ?? []) {
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') continue;
    const hit = inRange(range.events, version, order);
    if (hit) return hit;
  }
  return undefined;
}

function eventVersion(e: OsvEvent): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';
}

function inRange(events: OsvEvent[], version: string, order: VersionOrder): Affects | undefined {
  const usable = events.filter((e) => {
    const v = eventVersion(e);
    return (e.introduced === '0' || order.valid(v)) && e.limit === undefined;
  });
  const cmp = (a: OsvEvent, b: OsvEvent) => {
    if (a.introduced === '0') return b.introduced === '0' ? 0 : -1;
    if (b.introduced === '0') return 1;
    return order.compare(eventVersion(a), eventVersion(b));
  };
  const sorted = [...usable].sort(cmp);
  let affected = false;
  for (const e of sorted) {
    if (e.introduced !== undefined) {
      if (e.introduced === '0' || order.compare(version, e.introduced) >= 0) affected = true;
    } else if (e.fixed !== undefined) {
      if (order.compare(version, e.fixed) >= 0) affected = false;
      else if (affected) return { fixed: e.fixed };
    } else if (e.last_affected !== undefined) {
      if (order.compare(version, e.last_affected) > 0) affected = false;
      else if (affected) return {};
    }
  }
  return affected ? {} : undefined;
}
