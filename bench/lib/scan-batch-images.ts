// The images of bench:scan's batch mode: N distinct images over one shared base layer, the real Debian 12 image
// of bench/lib/debian-image.ts, each with a small top layer of its own: an app folder with a package.json and a
// few installed npm packages (node_modules/<name>/package.json), a few Python distributions
// (dist-packages/<name>.dist-info/METADATA) and files naming the image. Every image has its own top layer,
// config and digest; the dpkg, npm and python catalogers all have work. Pushed as N tags of one repository on a
// loopback Distribution registry, so the base layer is uploaded once (a scan still pulls it for every image).
import { type BuiltImage, blobOf, finishImage, MEDIA_TYPES } from '../../test/support/oci-builder.js';
import { pushImage } from '../../test/support/push.js';
import type { TestRegistry } from '../../test/support/registry.js';
import { makeLayer } from '../../test/support/tar-layer.js';

export const BATCH_REPO = 'bench/app';

/** npm packages an image may install: [name, an older version with advisories, a newer one]. */
const NPM_PACKAGES = [
  ['lodash', '4.17.15', '4.17.21'],
  ['minimist', '1.2.0', '1.2.8'],
  ['express', '4.17.1', '4.19.2'],
  ['axios', '0.21.0', '1.6.0'],
  ['jsonwebtoken', '8.5.1', '9.0.0'],
  ['moment', '2.29.1', '2.29.4'],
  ['qs', '6.5.2', '6.11.0'],
  ['semver', '5.7.1', '7.5.4'],
  ['ws', '7.4.5', '8.17.1'],
  ['node-fetch', '2.6.0', '2.6.7'],
] as const;

/** Python distributions an image may install, likewise. */
const PYTHON_PACKAGES = [
  ['requests', '2.25.1', '2.31.0'],
  ['urllib3', '1.26.4', '2.0.7'],
  ['Jinja2', '2.11.2', '3.1.3'],
  ['PyYAML', '5.3.1', '6.0.1'],
  ['Django', '3.2.0', '4.2.11'],
  ['Flask', '1.1.2', '3.0.0'],
] as const;

const NPM_PER_IMAGE = 6;
const PYTHON_PER_IMAGE = 3;
const SITE_PACKAGES = 'usr/local/lib/python3.11/dist-packages';

export interface BatchImage {
  tag: string;
  image: BuiltImage;
}

/** What each image's top layer adds, for the report. */
export const TOP_LAYER_CONTENT = `${NPM_PER_IMAGE} npm packages, ${PYTHON_PER_IMAGE} Python distributions`;

type Catalogue = ReadonlyArray<readonly [string, string, string]>;

/** `count` entries of `catalogue` from a rotating offset, old or new version by image: a mix per image. */
function pick(catalogue: Catalogue, count: number, index: number): Array<[string, string]> {
  return Array.from({ length: count }, (_, k) => {
    const [name, older, newer] = catalogue[(index + k) % catalogue.length]!;
    return [name, (index + k) % 3 === 0 ? newer : older];
  });
}

/** The top layer's files of image `index` (`label` names it: app-01…). */
export function topLayerFiles(index: number, label: string): Record<string, string> {
  const npm = pick(NPM_PACKAGES, NPM_PER_IMAGE, index);
  const python = pick(PYTHON_PACKAGES, PYTHON_PER_IMAGE, index);
  const files: Record<string, string> = {
    'app/package.json': JSON.stringify(
      { name: `bench-${label}`, version: '1.0.0', private: true, dependencies: Object.fromEntries(npm) },
      null,
      2,
    ),
    'app/index.js': `console.log('bench image ${label}');\n`,
    'etc/bench-image': `${label}\n`,
  };
  for (const [name, version] of npm) {
    files[`app/node_modules/${name}/package.json`] = JSON.stringify({ name, version, main: 'index.js' }, null, 2);
    files[`app/node_modules/${name}/index.js`] = `module.exports = '${name}@${version}';\n`;
  }
  for (const [name, version] of python) {
    const metadata = `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: ${name} for ${label}\n\n`;
    files[`${SITE_PACKAGES}/${name}-${version}.dist-info/METADATA`] = metadata;
  }
  return files;
}

interface ImageConfig {
  config: Record<string, unknown>;
  rootfs: { type: string; diff_ids: string[] };
  history: Array<Record<string, unknown>>;
}

/** The base's config with the top layer added: its diff_id, a history entry, the app as command. */
function stackedConfig(base: BuiltImage, topDiffId: string, label: string): Buffer {
  const config = JSON.parse(base.blobs[0]!.data!.toString('utf8')) as ImageConfig;
  config.rootfs.diff_ids = [...config.rootfs.diff_ids, topDiffId];
  config.history = [...config.history, { created_by: `bench:scan batch layer ${label}` }];
  config.config = { ...config.config, WorkingDir: '/app', Cmd: ['node', '/app/index.js'] };
  return Buffer.from(JSON.stringify(config));
}

/** Image `index`: the base's layer(s) plus its own top layer, as an OCI image. */
export async function buildBatchImage(base: BuiltImage, index: number): Promise<BatchImage> {
  const tag = `app-${String(index + 1).padStart(2, '0')}`;
  const top = await makeLayer(topLayerFiles(index, tag));
  const topBlob = blobOf(top.gzip, MEDIA_TYPES.oci.layer);
  const topDiffId = blobOf(top.tar, MEDIA_TYPES.oci.layerTar).digest;
  const config = blobOf(stackedConfig(base, topDiffId, tag), MEDIA_TYPES.oci.config);
  const image = finishImage('oci', config, [...base.blobs.slice(1), topBlob], base.platform);
  return { tag, image };
}

/** Builds `count` images over `base` and pushes them as tags of BATCH_REPO; every digest is distinct. */
export async function pushBatchImages(registry: TestRegistry, base: BuiltImage, count: number): Promise<BatchImage[]> {
  const images: BatchImage[] = [];
  for (let i = 0; i < count; i++) {
    const built = await buildBatchImage(base, i);
    await pushImage(registry, BATCH_REPO, built.tag, built.image);
    images.push(built);
  }
  const digests = new Set(images.map((x) => x.image.digest));
  if (digests.size !== count) throw new Error(`batch images: ${digests.size} distinct digests of ${count}`);
  return images;
}
