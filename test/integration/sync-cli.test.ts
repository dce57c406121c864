// `regatta sync` through the real CLI against real Distribution registries (source open, target with Basic auth),
// with skopeo as the independent checker of what ends up at the target.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type BuiltImage, type BuiltIndex, buildImage, buildMultiArch, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeo, skopeoInspectRaw } from '../support/skopeo.js';
import { json, runCli } from './cli.js';

interface Outcome {
  source: string;
  destination: string;
  status: string;
  digest?: string;
  targetDigest?: string;
  code?: string;
  rule?: number;
}
interface Report {
  dryRun: boolean;
  totals: { images: number; copied: number; skipped: number; failed: number; conflicts: number; blobsCopied: number };
  images: Outcome[];
  failed: Outcome[];
}

let source: TestRegistry;
let target: TestRegistry;
let dir: string;
/** Source images under the namespace `corpus`, by `path:tag`. */
const corpus = new Map<string, BuiltImage | BuiltIndex>();
let stranger: BuiltImage;

before(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry({ auth: 'basic' })]);
  dir = await mkdtemp(join(tmpdir(), 'regatta-sync-test-'));
  corpus.set('app:v1.0', await buildImage({ format: 'docker', seed: 'app-1.0', layers: 2 }));
  corpus.set('app:v1.1', await buildImage({ format: 'oci', seed: 'app-1.1', layers: 2 }));
  corpus.set('app:latest', corpus.get('app:v1.1')!);
  corpus.set('team/tool:2.0', await buildMultiArch('oci', 'tool-2.0'));
  corpus.set('team/tool:dev', await buildImage({ format: 'oci', seed: 'tool-dev' }));
  corpus.set('base:v3.1', await buildMultiArch('docker', 'base-3.1'));
  for (const [ref, image] of corpus) {
    const [path, tag] = ref.split(':') as [string, string];
    await pushImage(source, `corpus/${path}`, tag, image);
  }
  // Outside the namespace, one of them a prefix trap (`corpusx/…` is not under `corpus/`).
  stranger = await buildImage({ format: 'oci', seed: 'stranger' });
  await pushImage(source, 'corpusx/app', 'v1.0', stranger);
  await pushImage(source, 'other/app', 'v1.0', stranger);
});

after(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const creds = () => `${target.username}:${target.password}`;
const dest = () => ['--dest-creds', creds()];
const targetCreds = () => ({ username: target.username!, password: target.password! });

/** The digest at `HOST/REPO:TAG` of the target as skopeo reads it, or undefined when the tag is not there. */
async function targetDigest(ref: string): Promise<string | undefined> {
  try {
    return sha256Hex(await skopeoInspectRaw(`${target.host}/${ref}`, targetCreds()));
  } catch (err) {
    if (/manifest unknown|name unknown|not found/i.test(String(err))) return undefined;
    throw err;
  }
}

async function targetTags(repo: string): Promise<string[]> {
  const args = ['list-tags', '--tls-verify=false', `--creds=${creds()}`, `docker://${target.host}/${repo}`];
  try {
    return ((JSON.parse((await skopeo(args)).toString()) as { Tags: string[] | null }).Tags ?? []).sort();
  } catch (err) {
    if (/name unknown|not found/i.test(String(err))) return [];
    throw err;
  }
}

test('a namespace is copied whole, digest-identical, and a re-sync copies nothing', async () => {
  const r = await runCli(['sync', '--json', `${source.host}/corpus`, `${target.host}/mirror/corpus`, ...dest()]);
  assert.equal(r.code, 0, r.stderr);
  const report = json<Report>(r);
  assert.equal(report.totals.images, corpus.size);
  assert.equal(report.totals.copied, corpus.size);
  assert.equal(report.totals.failed, 0);
  assert.deepEqual(report.images.map((o) => o.destination).sort(), [
    ...[...corpus.keys()].map((ref) => `${target.host}/mirror/corpus/${ref}`).sort(),
  ]);
  for (const [ref, image] of corpus) {
    assert.equal(await targetDigest(`mirror/corpus/${ref}`), image.digest, ref);
  }
  // Every platform of the indexes came along.
  const tool = corpus.get('team/tool:2.0') as BuiltIndex;
  for (const child of tool.children) {
    assert.equal(await targetDigest(`mirror/corpus/team/tool@${child.digest}`), child.digest);
  }
  assert.deepEqual(await targetTags('mirror/corpus/app'), ['latest', 'v1.0', 'v1.1']);
  assert.deepEqual(await targetTags('mirror/corpusx/app'), []);
  assert.deepEqual(await targetTags('mirror/other/app'), []);

  const again = await runCli(['sync', '--json', `${source.host}/corpus`, `${target.host}/mirror/corpus`, ...dest()]);
  assert.equal(again.code, 0, again.stderr);
  const second = json<Report>(again);
  assert.equal(second.totals.skipped, corpus.size);
  assert.equal(second.totals.blobsCopied, 0);
  assert.ok(second.images.every((o) => o.status === 'skipped'));
});

test('--tags selects tags by a full-match regex, --repos repositories', async () => {
  const r = await runCli([
    'sync',
    '--json',
    '--tags',
    'v\\d+\\.\\d+',
    `${source.host}/corpus`,
    `${target.host}/filtered`,
    ...dest(),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const copied = json<Report>(r).images.map((o) => o.destination.slice(target.host.length + 1));
  assert.deepEqual(copied.sort(), ['filtered/app:v1.0', 'filtered/app:v1.1', 'filtered/base:v3.1']);
  assert.deepEqual(await targetTags('filtered/app'), ['v1.0', 'v1.1']);
  assert.equal(await targetDigest('filtered/base:v3.1'), corpus.get('base:v3.1')!.digest);

  const repos = await runCli([
    'sync',
    '--json',
    '--repos',
    'team/.*',
    `${source.host}/corpus`,
    `${target.host}/r`,
    ...dest(),
  ]);
  assert.equal(repos.code, 0, repos.stderr);
  assert.deepEqual(
    json<Report>(repos)
      .images.map((o) => o.destination.slice(target.host.length + 1))
      .sort(),
    ['r/team/tool:2.0', 'r/team/tool:dev'],
  );
});

/** Blob GETs the source registry served since its log was `from` bytes long (its access log, one line each). */
async function sourceBlobGets(from: number): Promise<number> {
  const log = (await readFile(join(source.dir, 'registry.log'))).subarray(from).toString();
  return log.split('\n').filter((l) => /"GET \S+\/blobs\/sha256:\S+ HTTP\/1\.1" 200 /.test(l)).length;
}

const logSize = async () => (await readFile(join(source.dir, 'registry.log'))).length;

test('blobs shared by images of several repositories cross once, then are mounted; a re-sync GETs no blob', async () => {
  const shared = (await buildImage({ format: 'oci', seed: 'shared', layers: 3 })) as BuiltImage;
  for (const repo of ['one', 'two', 'three']) await pushImage(source, `shared/${repo}`, '1', shared);
  let mark = await logSize();
  const r = await runCli(['sync', '--json', `${source.host}/shared`, `${target.host}/fan`, ...dest()]);
  assert.equal(r.code, 0, r.stderr);
  const totals = json<Report>(r).totals as Report['totals'] & { blobsMounted: number; blobsExisting: number };
  assert.equal(totals.blobsCopied, shared.blobs.length, 'each blob sent once');
  assert.equal(totals.blobsMounted, 2 * shared.blobs.length, 'and mounted into the two other repositories');
  assert.equal(await sourceBlobGets(mark), shared.blobs.length);
  for (const repo of ['one', 'two', 'three']) assert.equal(await targetDigest(`fan/${repo}:1`), shared.digest);

  mark = await logSize();
  const again = await runCli(['sync', '--json', `${source.host}/shared`, `${target.host}/fan`, ...dest()]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(json<Report>(again).totals.skipped, 3);
  assert.equal(await sourceBlobGets(mark), 0);
});

/** A target namespace where app:v1.0 is already the source's image and app:v1.1 is another image. */
async function prepareConflict(ns: string): Promise<BuiltImage> {
  await pushImage(target, `${ns}/app`, 'v1.0', corpus.get('app:v1.0') as BuiltImage);
  const other = await buildImage({ format: 'oci', seed: `conflicting-${ns}` });
  await pushImage(target, `${ns}/app`, 'v1.1', other);
  return other;
}

test('--dry-run prints copy, skip and conflict per image and copies nothing', async () => {
  const other = await prepareConflict('dry');
  const r = await runCli(['sync', '--dry-run', `${source.host}/corpus`, `${target.host}/dry`, ...dest()]);
  assert.equal(r.code, 1, 'a predicted conflict fails the dry run as it would fail the sync');
  const line = (ref: string) => r.stdout.split('\n').find((l) => l.includes(`${target.host}/dry/${ref}`)) ?? '';
  assert.match(line('app:v1.0'), /^skip /);
  assert.match(line('app:v1.1'), new RegExp(`^conflict .*target is ${other.digest.slice(0, 19)}`));
  assert.match(line('app:latest'), /^copy /);
  assert.match(line('team/tool:2.0'), /^copy /);
  assert.match(r.stdout, /TAG_CONFLICT/);
  assert.match(r.stderr, /^regatta: SYNC_INCOMPLETE: 1 of 6 images would fail/);
  // Nothing was written: the conflicting tag is unchanged and the images to copy are not there.
  assert.equal(await targetDigest('dry/app:v1.1'), other.digest);
  assert.deepEqual(await targetTags('dry/app'), ['v1.0', 'v1.1']);
  assert.deepEqual(await targetTags('dry/team/tool'), []);
});

test('a conflicting tag fails with TAG_CONFLICT and stays; --override replaces it', async () => {
  const other = await prepareConflict('conflict');
  const r = await runCli(['sync', '--json', `${source.host}/corpus`, `${target.host}/conflict`, ...dest()]);
  assert.equal(r.code, 1);
  const report = json<Report>(r);
  assert.equal(report.totals.failed, 1);
  assert.equal(report.totals.conflicts, 1);
  assert.deepEqual(
    report.failed.map((o) => [o.destination, o.code, o.targetDigest]),
    [[`${target.host}/conflict/app:v1.1`, 'TAG_CONFLICT', other.digest]],
  );
  assert.match(r.stderr, /^regatta: SYNC_INCOMPLETE: 1 of 6 images failed/);
  assert.equal(await targetDigest('conflict/app:v1.1'), other.digest, 'the conflicting tag is left untouched');
  assert.equal(await targetDigest('conflict/app:latest'), corpus.get('app:latest')!.digest, 'the others are copied');

  const human = await runCli(['sync', `${source.host}/corpus`, `${target.host}/conflict`, ...dest()]);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /failed \(1\):\n {2}\S+\/corpus\/app:v1\.1 → \S+\/conflict\/app:v1\.1: TAG_CONFLICT: /);

  const forced = await runCli([
    'sync',
    '--json',
    '--override',
    `${source.host}/corpus`,
    `${target.host}/conflict`,
    ...dest(),
  ]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(json<Report>(forced).totals.copied, 1);
  assert.equal(await targetDigest('conflict/app:v1.1'), corpus.get('app:v1.1')!.digest);
});

test('a rules file runs several rules, with their own filters and platforms', async () => {
  const file = join(dir, 'rules.yaml');
  await writeFile(
    file,
    `# two rules into one registry
defaults: { override: false, jobs: 4, destCreds: "${creds()}" }
rules:
  - src: ${source.host}/corpus
    dst: ${target.host}/rules/one
    tags: 'v?\\d+\\.\\d+'
    repos: app|base
  - src: ${source.host}/corpus/team
    dst: ${target.host}/rules/two
    platform: linux/arm64
`,
  );
  const r = await runCli(['sync', '--json', '-f', file]);
  assert.equal(r.code, 0, r.stderr);
  const images = json<Report>(r).images.map((o) => [o.rule, o.destination.slice(target.host.length + 1)]);
  assert.deepEqual(images.sort(), [
    [0, 'rules/one/app:v1.0'],
    [0, 'rules/one/app:v1.1'],
    [0, 'rules/one/base:v3.1'],
    [1, 'rules/two/tool:2.0'],
    [1, 'rules/two/tool:dev'],
  ]);
  assert.equal(await targetDigest('rules/one/base:v3.1'), corpus.get('base:v3.1')!.digest);
  const arm = (corpus.get('team/tool:2.0') as BuiltIndex).children.find((c) => c.platform.architecture === 'arm64')!;
  assert.equal(await targetDigest('rules/two/tool:2.0'), arm.digest, 'the arm64 image of the index, as a plain image');
  assert.equal(await targetDigest('rules/two/tool:dev'), corpus.get('team/tool:dev')!.digest);
});

test('a bad rules file or bad flags are usage errors (exit 2) naming the problem', async () => {
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, `rules:\n  - src: ${source.host}/corpus\n    dst: nohost\n`);
  const r = await runCli(['sync', '-f', bad]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `regatta: USAGE: ${bad}: rules[0].dst: "nohost" is not HOST[:PORT]/NAMESPACE\n`);

  const typo = join(dir, 'typo.yaml');
  await writeFile(typo, `rules:\n  - src: ${source.host}/corpus\n    dst: ${target.host}/x\n    tag: v1\n`);
  const t = await runCli(['sync', '-f', typo]);
  assert.equal(t.code, 2);
  assert.match(t.stderr, new RegExp(`^regatta: USAGE: ${typo}: rules\\[0\\]: .*"tag"`));

  const broken = join(dir, 'broken.yaml');
  await writeFile(broken, 'rules: [ { src: a\n');
  const b = await runCli(['sync', '--json', '-f', broken]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, new RegExp(`^regatta: USAGE: ${broken}: invalid YAML: .*line`));

  const regex = await runCli(['sync', '--tags', '(', `${source.host}/corpus`, `${target.host}/x`]);
  assert.equal(regex.code, 2);
  assert.match(regex.stderr, /^regatta: USAGE: --tags "\(" is not an RE2 pattern/);
  assert.equal((await runCli(['sync', '-f', join(dir, 'missing.yaml')])).code, 2);
  assert.equal((await runCli(['sync', '--jobs', '0', `${source.host}/corpus`, `${target.host}/x`])).code, 2);
});
