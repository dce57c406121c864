// The version order of each ecosystem whose advisories Regatta reads: OSV ranges are evaluated with it.
// Debian: dpkg's order (hand-written to the spec); npm and Go: semver (npm's own library); others unsupported
// until their comparators land (their records are then not matched, rather than matched wrongly).
import semver from 'semver';
import { compareDpkgVersions, parseDpkgVersion } from './dpkg.js';

export interface VersionOrder {
  /** -1, 0, 1; only called on versions `valid` accepts. */
  compare(a: string, b: string): number;
  valid(v: string): boolean;
}

const dpkg: VersionOrder = { compare: compareDpkgVersions, valid: (v) => parseDpkgVersion(v) !== undefined };

const semverOrder: VersionOrder = {
  compare: (a, b) => semver.compare(a, b, { loose: true }),
  valid: (v) => semver.valid(v, { loose: true }) !== null,
};

/** Go versions in OSV drop the `v`; module versions in binaries keep it. */
const goOrder: VersionOrder = {
  compare: (a, b) => semverOrder.compare(a.replace(/^v/, ''), b.replace(/^v/, '')),
  valid: (v) => semverOrder.valid(v.replace(/^v/, '')),
};

export function versionOrderOf(ecosystem: string): VersionOrder | undefined {
  if (ecosystem.startsWith('Debian')) return dpkg;
  if (ecosystem === 'npm') return semverOrder;
  if (ecosystem === 'Go') return goOrder;
  return undefined;
}
