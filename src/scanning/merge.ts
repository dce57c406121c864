// The findings of several platform images of one index, each distinct finding once: what the server stores as a
// multi-arch tag's result (services/platform-scans.ts) and what `regatta scan` reports for an index, so both count
// the same. A vulnerability is the same finding when its id and package (type, name, version) are; a file or a
// check by its path or rule and location.

interface VulnerabilityKey {
  id: string;
  package: { type: string; name: string; version: string };
}
interface MaliciousKey {
  path: string;
  hash: { value: string };
}
interface CheckKey {
  rule: string;
  location: string;
}
interface PackageKey {
  type: string;
  name: string;
  version: string;
  path: string;
}

export interface FindingLists<V, M, C, P> {
  vulnerabilities: readonly V[];
  maliciousFiles: readonly M[];
  unsafeSettings: readonly C[];
  sensitiveFiles: readonly C[];
  packages: readonly P[];
}

export function mergeFindings<
  V extends VulnerabilityKey,
  M extends MaliciousKey,
  C extends CheckKey,
  P extends PackageKey,
>(lists: readonly FindingLists<V, M, C, P>[]): FindingLists<V, M, C, P> {
  const all = <T>(pick: (l: FindingLists<V, M, C, P>) => readonly T[]) => lists.flatMap(pick);
  return {
    vulnerabilities: distinct(
      all((l) => l.vulnerabilities),
      (v) => [v.id, v.package.type, v.package.name, v.package.version],
    ),
    maliciousFiles: distinct(
      all((l) => l.maliciousFiles),
      (m) => [m.path, m.hash.value],
    ),
    unsafeSettings: distinct(
      all((l) => l.unsafeSettings),
      (f) => [f.rule, f.location],
    ),
    sensitiveFiles: distinct(
      all((l) => l.sensitiveFiles),
      (f) => [f.rule, f.location],
    ),
    packages: distinct(
      all((l) => l.packages),
      (k) => [k.type, k.name, k.version, k.path],
    ),
  };
}

function distinct<T>(items: readonly T[], key: (item: T) => string[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item).join('\0');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
