// A real Debian 12 image for bench/scan: the packages of a minimal system fetched with `apt-get download` (the
// machine's own apt sources), unpacked with `dpkg-deb -x` into a root, `var/lib/dpkg/status` written from each
// package's control fields, `etc/os-release` from base-files; the root tarred into one gzip layer (GNU tar) and
// wrapped as an OCI image with the test fixtures' builder (independent of src/).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { type BuiltImage, blobOf, finishImage, MEDIA_TYPES } from '../../test/support/oci-builder.js';

/** Debian's required set and what curl and apt need: about what `debootstrap --variant=minbase` installs. */
export const MINBASE = `base-files base-passwd bash bsdutils coreutils dash debconf debian-archive-keyring debianutils
diffutils dpkg findutils gcc-12-base gpgv grep gzip hostname init-system-helpers libacl1 libapt-pkg6.0 libattr1
libaudit-common libaudit1 libblkid1 libbz2-1.0 libc-bin libc6 libcap-ng0 libcap2 libcrypt1 libdb5.3
libdebconfclient0 libffi8 libgcc-s1 libgcrypt20 libgmp10 libgnutls30 libgpg-error0 libhogweed6 libidn2-0 liblz4-1
liblzma5 libmd0 libmount1 libnettle8 libp11-kit0 libpam-modules libpam-modules-bin libpam-runtime libpam0g
libpcre2-8-0 libseccomp2 libselinux1 libsemanage-common libsemanage2 libsepol2 libsmartcols1 libsqlite3-0 libssl3
libstdc++6 libsystemd0 libtasn1-6 libtinfo6 libudev1 libunistring2 libuuid1 libxxhash0 libzstd1 login mawk mount
ncurses-base ncurses-bin passwd perl-base sed sysvinit-utils tar tzdata util-linux zlib1g apt openssl
ca-certificates curl libcurl4 libnghttp2-14 libpsl5 librtmp1 libssh2-1 libbrotli1 libldap-2.5-0 libsasl2-2
libkrb5-3 libk5crypto3 libgssapi-krb5-2 libkrb5support0 libkeyutils1 libcom-err2 libsasl2-modules-db perl
libperl5.36 perl-modules-5.36 python3.11-minimal libpython3.11-minimal libexpat1 git git-man liberror-perl
libpcre2-8-0`.split(/\s+/);

const CONTROL_FIELDS = ['Package', 'Source', 'Version', 'Architecture', 'Maintainer', 'Installed-Size', 'Description'];

/** Downloads the packages (one by one when a batch fails, skipping names apt does not know). */
function download(dir: string, names: string[]): void {
  const all = spawnSync('apt-get', ['download', '-q', ...new Set(names)], { cwd: dir, stdio: 'ignore' });
  if (all.status === 0) return;
  for (const name of new Set(names)) spawnSync('apt-get', ['download', '-q', name], { cwd: dir, stdio: 'ignore' });
}

export async function buildDebianImage(
  dir: string,
): Promise<{ image: BuiltImage; packages: number; tarBytes: number }> {
  const debs = join(dir, 'debs');
  const root = join(dir, 'rootfs');
  await mkdir(debs, { recursive: true });
  await mkdir(join(root, 'var/lib/dpkg'), { recursive: true });
  download(debs, MINBASE);
  const files = (await readdir(debs)).filter((f) => f.endsWith('.deb')).sort();
  if (files.length < 50) throw new Error(`only ${files.length} packages downloaded: is apt configured?`);
  const stanzas: string[] = [];
  for (const file of files) {
    const path = join(debs, file);
    execFileSync('dpkg-deb', ['-x', path, root]);
    const fields = execFileSync('dpkg-deb', ['-f', path, ...CONTROL_FIELDS], { encoding: 'utf8' }).trimEnd();
    stanzas.push(fields.replace(/^(Package: .*)$/m, '$1\nStatus: install ok installed'));
  }
  await writeFile(join(root, 'var/lib/dpkg/status'), `${stanzas.join('\n\n')}\n`);
  const layer = join(dir, 'layer.tar.gz');
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-czf', layer, '.']);
  const { digest: diffId, size: tarBytes } = await gunzippedDigest(layer);
  const size = (await stat(layer)).size;
  const layerBlob = { digest: await fileDigest(layer), size, mediaType: MEDIA_TYPES.oci.layer, path: layer };
  const config = {
    created: '2026-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['bash'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created_by: `dpkg-deb -x of ${files.length} bookworm packages` }],
  };
  const configBlob = blobOf(Buffer.from(JSON.stringify(config)), MEDIA_TYPES.oci.config);
  const image = finishImage('oci', configBlob, [layerBlob], { os: 'linux', architecture: 'amd64' });
  return { image, packages: files.length, tarBytes };
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

async function gunzippedDigest(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path).pipe(createGunzip())) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
