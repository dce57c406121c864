// The per-platform scan tests' images: Debian 12 platform images that differ only in their libssl3 (a vulnerable
// release on one platform, the fixed upload on the other), and OCI artifacts that are not container images.
import { type BuiltImage, blobOf, buildImage, finishImage, type Platform } from './oci-builder.js';

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';

const dpkgStatus = (version: string, arch: string) =>
  [
    'Package: libssl3',
    'Status: install ok installed',
    `Architecture: ${arch}`,
    'Source: openssl',
    `Version: ${version}`,
    'Description: test package',
    '',
  ].join('\n');

/** A Debian 12 image for `platform` with libssl3 at `version`; `seed` keeps one test's digests its own. */
export function debianImage(platform: Platform, version: string, seed: string): Promise<BuiltImage> {
  return buildImage({
    format: 'oci',
    platform,
    user: 'app',
    seed: `${seed}-${platform.architecture}`,
    files: { 'etc/os-release': OS_RELEASE, 'var/lib/dpkg/status': dpkgStatus(version, platform.architecture) },
  });
}

/** An OCI artifact: a `configType` config and one `layerType` layer (a Helm chart, a cosign signature…). */
export function artifact(
  configType: string,
  config: string,
  layerType: string,
  layer: string,
  platform: Platform = { os: 'linux', architecture: 'amd64' },
): BuiltImage {
  return finishImage('oci', blobOf(Buffer.from(config), configType), [blobOf(Buffer.from(layer), layerType)], platform);
}

/** A Helm chart as Helm pushes it to an OCI registry. */
export const helmChart = (): BuiltImage =>
  artifact(
    'application/vnd.cncf.helm.config.v1+json',
    JSON.stringify({ name: 'web', version: '0.1.0', apiVersion: 'v2' }),
    'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
    'not really a chart archive',
  );
