// The version order of each ecosystem whose advisories Regatta reads: OSV ranges are evaluated with it.
// Debian: dpkg's order and Alpine: apk's (hand-written to their specs); npm and Go: semver (npm's own library);
// PyPI: PEP 440 (@renovatebot/pep440); Maven: ComparableVersion's order (hand-written). Other ecosystems' records are not matched rather than matched wrongly.
import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import { compareApkVersions, parseApkVersion } from './apk.js';
import { compareDpkgVersions, parseDpkgVersion } from './dpkg.js';
import { compareMavenVersions, parseMavenVersion } from './maven.js';
import { compareRpmVersions, parseRpmEvr } from './rpm.js';

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

const apk: VersionOrder = { compare: compareApkVersions, valid: (v) => parseApkVersion(v) !== undefined };

const pypi: VersionOrder = {
  compare: (a, b) => Math.sign(pep440.compare(a, b)),
  valid: (v) => pep440.valid(v) !== null,
};

const maven: VersionOrder = { compare: compareMavenVersions, valid: (v) => parseMavenVersion(v) !== undefined };

const rpm: VersionOrder = { compare: compareRpmVersions, valid: (v) => parseRpmEvr(v) !== undefined };

export function versionOrderOf(ecosystem: string): VersionOrder | undefined {
  if (ecosystem === 'Maven') return maven;
  // OSV's RPM-based ecosystems: Red Hat, Rocky Linux, AlmaLinux, SUSE, openSUSE, Mageia.
  if (/^(?:Red Hat|Rocky Linux|AlmaLinux|SUSE|openSUSE|Mageia)/.test(ecosystem)) return rpm;
  if (ecosystem.startsWith('Debian')) return dpkg;
  if (ecosystem.startsWith('Alpine')) return apk;
  if (ecosystem === 'PyPI') return pypi;
  if (ecosystem === 'npm') return semverOrder;
  if (ecosystem === 'Go') return goOrder;
  return undefined;
}
