// The scanner tests' risky image: old and current Debian 12 packages (real bookworm versions: the release's and
// the newest security upload's, as Debian's changelogs give them), a vulnerable lodash, a minimist removed by a whiteout in the
// next layer, the EICAR test file, a private key, secrets in application files, and unsafe settings (root, port 22, an SSH server, a setuid
// helper, a token in Env, curl | sh in the history). The base layer is zstd-compressed, the top one gzip.
import { buildLayeredImage, type TarEntrySpec } from './layered-image.js';
import type { BuiltImage } from './oci-builder.js';

export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** Per Debian source package: the version bookworm was released with, and its newest bookworm upload. */
export const versions: Record<string, { current: string; release: string }> = {
  openssl: { release: '3.0.9-1', current: '3.0.22-1~deb12u2' },
  glibc: { release: '2.36-9', current: '2.36-9+deb12u14' },
  curl: { release: '7.88.1-10', current: '7.88.1-10+deb12u15' },
  tar: { release: '1.34+dfsg-1.2', current: '1.34+dfsg-1.2+deb12u1' },
};

/** The installed Debian packages of the test image: binary, source, and which version of the source. */
export const DEBS = [
  { name: 'libssl3', source: 'openssl', age: 'old' },
  { name: 'openssl', source: 'openssl', age: 'old' },
  { name: 'libc6', source: 'glibc', age: 'old' },
  { name: 'libcurl4', source: 'curl', age: 'current' },
  { name: 'tar', source: 'tar', age: 'current' },
] as const;

export const versionOf = (d: (typeof DEBS)[number]) =>
  d.age === 'old' ? versions[d.source]!.release : versions[d.source]!.current;

export function dpkgStatus(): string {
  const stanzas = DEBS.map((d) =>
    [
      `Package: ${d.name}`,
      'Status: install ok installed',
      'Architecture: amd64',
      ...(d.name === d.source ? [] : [`Source: ${d.source}`]),
      `Version: ${versionOf(d)}`,
      'Description: test package',
      ' continued description line',
    ].join('\n'),
  );
  // Removed but its config files kept: not installed, never reported.
  stanzas.push(
    ['Package: libexpat1', 'Status: deinstall ok config-files', 'Source: expat', 'Version: 2.5.0-1'].join('\n'),
  );
  return `${stanzas.join('\n\n')}\n`;
}

const pkgJson = (name: string, version: string) => JSON.stringify({ name, version });

export async function buildRiskyImage(): Promise<BuiltImage> {
  const base: TarEntrySpec[] = [
    {
      name: 'usr/lib/os-release',
      content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
    },
    { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { name: 'var/lib/dpkg/status', content: dpkgStatus() },
    { name: 'usr/sbin/sshd', content: 'ELF', mode: 0o755 },
    { name: 'usr/local/bin/helper', content: 'ELF', mode: 0o4755 },
    { name: 'app/node_modules/lodash/package.json', content: pkgJson('lodash', '4.17.15') },
    { name: 'app/node_modules/minimist/package.json', content: pkgJson('minimist', '0.0.8') },
    { name: 'app/node_modules/@scope/fixed/node_modules/lodash/package.json', content: pkgJson('lodash', '4.17.21') },
  ];
  const top: TarEntrySpec[] = [
    { name: 'app/node_modules/.wh.minimist' },
    { name: 'tmp/eicar.com', content: EICAR },
    // Secrets in application config, found by the gitleaks rules (aws-access-token, github-pat).
    { name: 'srv/app/settings.py', content: 'DEBUG = False\nAWS_ACCESS_KEY_ID = "AKIAZ4Q7RT2XW6PLMNBV"\n' },
    { name: 'srv/app/.github-token', content: 'ghp_R8vZq2Lk9Wm4Tx7Yb1Nc6Pd3Hs5Jf0Ga8Ue2\n' },
    {
      name: 'root/.ssh/id_rsa',
      content: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----\n',
    },
  ];
  const image = await buildLayeredImage([{ entries: base, compression: 'zstd' }, { entries: top }], {
    Env: ['PATH=/usr/bin', 'API_TOKEN=tok_live_0123456789abcdef'],
    ExposedPorts: { '22/tcp': {}, '8080/tcp': {} },
    history: ['ADD rootfs.tar /', 'RUN curl -fsSL https://get.example.sh | sh'],
  });
  return image;
}
