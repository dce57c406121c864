// OSV records made by the tests from facts (package, ecosystem, range, ids, severity vector), so no test needs
// advisory data from outside the repository. The facts below are real (Debian's bookworm changelogs, the GitHub
// and Go advisory databases, the Node.js security WG), a small subset of ../shared/vulndb: the same findings
// come out of a scan whether the test runs on these or, in the real-data tier, on that folder.
// https://ossf.github.io/osv-schema/
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AdvisoryFact {
  id: string;
  aliases?: string[];
  ecosystem: string;
  package: string;
  /** Range events in order, e.g. [{ introduced: '0' }, { fixed: '1.2' }]; several ranges as several lists. */
  ranges: Array<Array<Record<string, string>>>;
  rangeType?: 'ECOSYSTEM' | 'SEMVER';
  /** A CVSS v3 vector. */
  cvss?: string;
  modified?: string;
  summary?: string;
}

/** The OSV record of one fact. */
export function osvRecord(f: AdvisoryFact): Record<string, unknown> {
  return {
    schema_version: '1.6.0',
    id: f.id,
    modified: f.modified ?? '2025-01-01T00:00:00Z',
    ...(f.aliases ? { aliases: f.aliases } : {}),
    summary: f.summary ?? `${f.package}: ${f.aliases?.[0] ?? f.id}`,
    ...(f.cvss ? { severity: [{ type: 'CVSS_V3', score: f.cvss }] } : {}),
    affected: [
      {
        package: { ecosystem: f.ecosystem, name: f.package },
        ranges: f.ranges.map((events) => ({ type: f.rangeType ?? 'ECOSYSTEM', events })),
      },
    ],
    references: [{ type: 'ADVISORY', url: `https://osv.dev/vulnerability/${f.id}` }],
  };
}

const debian = (cve: string, pkg: string, fixed: string): AdvisoryFact => ({
  id: `DEBIAN-${cve}`,
  aliases: [cve],
  ecosystem: 'Debian:12',
  package: pkg,
  ranges: [[{ introduced: '0' }, { fixed }]],
});

/** Debian 12 source packages of the risky image: openssl and glibc old (findings), curl and tar current (none). */
export const DEBIAN_FACTS: AdvisoryFact[] = [
  ...(
    [
      ['CVE-2023-1255', '3.0.9-1'],
      ['CVE-2023-2975', '3.0.10-1~deb12u1'],
      ['CVE-2023-3446', '3.0.10-1~deb12u1'],
      ['CVE-2023-3817', '3.0.10-1~deb12u1'],
      ['CVE-2023-5363', '3.0.11-1~deb12u2'],
      ['CVE-2023-5678', '3.0.13-1~deb12u1'],
      ['CVE-2023-6129', '3.0.13-1~deb12u1'],
      ['CVE-2023-6237', '3.0.13-1~deb12u1'],
      ['CVE-2024-0727', '3.0.13-1~deb12u1'],
      ['CVE-2024-2511', '3.0.14-1~deb12u1'],
      ['CVE-2024-4603', '3.0.14-1~deb12u1'],
      ['CVE-2024-4741', '3.0.14-1~deb12u1'],
      ['CVE-2024-5535', '3.0.15-1~deb12u1'],
      ['CVE-2024-6119', '3.0.14-1~deb12u2'],
      ['CVE-2024-9143', '3.0.15-1~deb12u1'],
      ['CVE-2024-13176', '3.0.16-1~deb12u1'],
    ] as const
  ).map(([cve, fixed]) => debian(cve, 'openssl', fixed)),
  ...(
    [
      ['CVE-2023-4527', '2.36-9+deb12u2'],
      ['CVE-2023-4806', '2.36-9+deb12u2'],
      ['CVE-2023-4911', '2.36-9+deb12u3'],
      ['CVE-2023-5156', '2.36-9+deb12u2'],
      ['CVE-2023-6246', '2.36-9+deb12u4'],
      ['CVE-2024-2961', '2.36-9+deb12u6'],
      ['CVE-2024-33599', '2.36-9+deb12u7'],
    ] as const
  ).map(([cve, fixed]) => debian(cve, 'glibc', fixed)),
  debian('CVE-2023-38545', 'curl', '7.88.1-10+deb12u4'),
  debian('CVE-2023-39804', 'tar', '1.34+dfsg-1.2+deb12u1'),
];

/** lodash and minimist as the GitHub database and the Node.js security WG record them. */
export const NPM_FACTS: AdvisoryFact[] = [
  {
    id: 'NSWG-ECO-368',
    aliases: ['CVE-2018-3721'],
    ecosystem: 'npm',
    package: 'lodash',
    rangeType: 'SEMVER',
    ranges: [[{ introduced: '0' }, { fixed: '4.17.5' }]],
    cvss: 'CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L',
  },
  {
    id: 'NSWG-ECO-493',
    aliases: ['CVE-2018-16487'],
    ecosystem: 'npm',
    package: 'lodash',
    rangeType: 'SEMVER',
    ranges: [[{ introduced: '0' }, { fixed: '4.17.11' }]],
    cvss: 'CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:N',
  },
  {
    id: 'NSWG-ECO-516',
    ecosystem: 'npm',
    package: 'lodash',
    rangeType: 'SEMVER',
    ranges: [[{ introduced: '4.17.15' }, { fixed: '4.17.19' }]],
    cvss: 'CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:L',
  },
  {
    id: 'GHSA-29mw-wpgm-hmr9',
    aliases: ['CVE-2020-28500'],
    ecosystem: 'npm',
    package: 'lodash',
    ranges: [[{ introduced: '0' }, { fixed: '4.17.21' }]],
    cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L',
  },
  {
    id: 'GHSA-35jh-r3h4-6jhm',
    aliases: ['CVE-2021-23337'],
    ecosystem: 'npm',
    package: 'lodash',
    ranges: [[{ introduced: '0' }, { fixed: '4.17.21' }]],
    cvss: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
  },
  {
    id: 'GHSA-p6mc-m468-83gw',
    aliases: ['CVE-2020-8203'],
    ecosystem: 'npm',
    package: 'lodash',
    ranges: [[{ introduced: '0' }, { fixed: '4.17.20' }]],
    cvss: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H',
  },
  {
    id: 'GHSA-vh95-rmgr-6w4m',
    aliases: ['CVE-2020-7598'],
    ecosystem: 'npm',
    package: 'minimist',
    ranges: [[{ introduced: '0' }, { fixed: '0.2.1' }]],
  },
];

export const GO_FACTS: AdvisoryFact[] = [
  {
    id: 'GO-2023-1621',
    aliases: ['CVE-2023-24532'],
    ecosystem: 'Go',
    package: 'stdlib',
    rangeType: 'SEMVER',
    ranges: [[{ introduced: '0' }, { fixed: '1.19.7' }, { introduced: '1.20.0-0' }, { fixed: '1.20.2' }]],
  },
  {
    id: 'GO-2020-0036',
    aliases: ['CVE-2019-11254'],
    ecosystem: 'Go',
    package: 'gopkg.in/yaml.v2',
    rangeType: 'SEMVER',
    ranges: [[{ introduced: '0' }, { fixed: '2.2.8' }]],
  },
  {
    id: 'GO-2021-0061',
    aliases: ['CVE-2021-4235'],
    ecosystem: 'Go',
    package: 'gopkg.in/yaml.v2',
    rangeType: 'SEMVER',
    ranges: [[{ introduced: '0' }, { fixed: '2.2.3' }]],
  },
];

export const MAVEN_FACTS: AdvisoryFact[] = [
  {
    id: 'GHSA-jfh8-c2jp-5v3q',
    aliases: ['CVE-2021-44228'],
    ecosystem: 'Maven',
    package: 'org.apache.logging.log4j:log4j-core',
    ranges: [
      [{ introduced: '2.13.0' }, { fixed: '2.15.0' }],
      [{ introduced: '0' }, { fixed: '2.3.1' }],
      [{ introduced: '2.4' }, { fixed: '2.12.2' }],
    ],
    cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
  },
];

/** The EICAR test file's SHA-256, as a hash list names it. */
export const EICAR_SHA256 = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f';

/**
 * Writes an advisory folder laid out as scans read it: osv/<group>/<id>.json for every fact and
 * malware/test-hashes.txt naming the EICAR file. Returns `dir`.
 */
export function writeAdvisoryFolder(dir: string): string {
  const groups = { 'debian-bookworm': DEBIAN_FACTS, npm: NPM_FACTS, go: GO_FACTS, ghsa: MAVEN_FACTS };
  for (const [group, facts] of Object.entries(groups)) {
    mkdirSync(join(dir, 'osv', group), { recursive: true });
    for (const f of facts) writeFileSync(join(dir, 'osv', group, `${f.id}.json`), JSON.stringify(osvRecord(f)));
  }
  mkdirSync(join(dir, 'malware'), { recursive: true });
  writeFileSync(
    join(dir, 'malware', 'test-hashes.txt'),
    `# EICAR test file\n${EICAR_SHA256};EICAR-Test-File (SHA256)\n`,
  );
  return dir;
}
