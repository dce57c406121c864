// The planner's decisions against in-memory registries: which extra target tags are deleted and why the others are
// kept, with a registry that deletes single tags (OCI 1.1) and one that deletes manifests only (Distribution 2.8);
// a dry run sends no delete that changes anything and says what the run then does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InventoryTag } from './drift.js';
import { type CopyRecord, copyKey, type MirrorDelete, type MirrorTarget, mirrorDeletes } from './mirror-deletes.js';

type Repos = Record<string, Record<string, string>>;

/** A registry's tags in memory; every call is recorded, deletes change the tags as a registry would. */
class FakeRegistry implements MirrorTarget {
  readonly calls: string[] = [];
  constructor(
    readonly repos: Repos,
    private readonly opts: { tagDeletes?: boolean; failHead?: string[]; failList?: boolean } = {},
  ) {}

  async manifestHead(repository: string, reference: string) {
    this.calls.push(`HEAD ${repository}:${reference}`);
    if (this.opts.failHead?.includes(`${repository}:${reference}`)) throw fault('HTTP_500');
    const digest = this.repos[repository]?.[reference];
    return digest ? { digest } : undefined;
  }

  async tagList(repository: string) {
    this.calls.push(`LIST ${repository}`);
    if (this.opts.failList) throw fault('HTTP_503');
    return Object.keys(this.repos[repository] ?? {});
  }

  async tagDelete(repository: string, tag: string) {
    this.calls.push(`DELETE ${repository}:${tag}`);
    if (!this.opts.tagDeletes) return false;
    const tags = this.repos[repository] ?? {};
    if (!(tag in tags)) throw fault('MANIFEST_UNKNOWN');
    delete tags[tag];
    return true;
  }

  async manifestDelete(repository: string, digest: string) {
    this.calls.push(`DELETE ${repository}@${digest}`);
    const tags = this.repos[repository] ?? {};
    for (const [tag, d] of Object.entries(tags)) if (d === digest) delete tags[tag];
  }

  deletes = () => this.calls.filter((c) => c.startsWith('DELETE'));
}

const fault = (code: string) => Object.assign(new Error(`registry said ${code}`), { code });

const D = (c: string) => `sha256:${c.repeat(64)}`;
const extra = (path: string, tag: string, digest: string): InventoryTag => ({ path, tag, digest });
const copied = (tag: string, digest: string, lastSeen = digest): [string, CopyRecord] => [
  copyKey('mirror/app', tag),
  { source: { path: 'team/app', tag }, copied: digest, lastSeen },
];

/** The corpus: the source still has `kept`; every other tag was deleted there. */
function corpus() {
  const source = new FakeRegistry({ 'team/app': { kept: D('1') } });
  const target = {
    'mirror/app': {
      gone: D('2'), // copied, deleted at the source, unchanged at the target: deleted
      kept: D('1'), // the inventory is stale: the source still has it
      moved: D('9'), // re-pushed at the target with another image
      shared: D('3'), // its digest is also `latest`'s, which the rule did not make
      latest: D('3'),
      stranger: D('4'), // pushed at the target directly
      resurrected: D('5'), // copied as 5, but the source tag named 6 before it went
      pair1: D('7'), // two copied tags of one image, both deleted at the source
      pair2: D('7'),
    },
  };
  const extras = Object.entries(target['mirror/app'])
    .filter(([tag]) => tag !== 'latest')
    .map(([tag, digest]) => extra('mirror/app', tag, digest));
  extras.push(extra('mirror/app', 'vanished', D('8'))); // copied, then deleted at the target too
  const history = new Map([
    copied('gone', D('2')),
    copied('kept', D('1')),
    copied('moved', D('2')),
    copied('shared', D('3')),
    copied('resurrected', D('5'), D('6')),
    copied('pair1', D('7')),
    copied('pair2', D('7')),
    copied('vanished', D('8')),
  ]);
  return { source, target, extras, history };
}

const decisions = (items: MirrorDelete[]) => Object.fromEntries(items.map((i) => [i.tag, `${i.action} ${i.reason}`]));

test('a registry that deletes manifests only: exactly the copied, unchanged, unshared tags go; each other says why', async () => {
  const { source, target, extras, history } = corpus();
  const registry = new FakeRegistry(target);
  const items = await mirrorDeletes({ extras, history, source, target: registry, dryRun: false });
  assert.deepEqual(decisions(items), {
    gone: 'deleted deleted_at_source',
    kept: 'skipped still_at_source',
    moved: 'skipped moved_at_target',
    shared: 'skipped shared_digest',
    stranger: 'skipped never_copied',
    resurrected: 'skipped never_copied',
    pair1: 'deleted deleted_at_source',
    pair2: 'deleted deleted_at_source',
    vanished: 'skipped moved_at_target',
  });
  // The pair's one manifest went once, with both tags; nothing else was deleted.
  assert.deepEqual(
    registry
      .deletes()
      .filter((c) => c.includes('@'))
      .sort(),
    [`DELETE mirror/app@${D('2')}`, `DELETE mirror/app@${D('7')}`],
  );
  assert.deepEqual(Object.keys(target['mirror/app']).sort(), [
    'kept',
    'latest',
    'moved',
    'resurrected',
    'shared',
    'stranger',
  ]);
  const moved = items.find((i) => i.tag === 'moved')!;
  assert.equal(moved.digest, D('9'), 'the digest the target names now');
  assert.match(items.find((i) => i.tag === 'shared')!.detail!, /latest also name/);
});

test('a registry that deletes single tags: the shared tag goes alone, its twin stays', async () => {
  const { source, target, extras, history } = corpus();
  const registry = new FakeRegistry(target, { tagDeletes: true });
  const items = await mirrorDeletes({ extras, history, source, target: registry, dryRun: false });
  const d = decisions(items);
  assert.deepEqual(
    [d.gone, d.shared, d.pair1, d.pair2, d.moved, d.stranger],
    [...Array(4).fill('deleted deleted_at_source'), 'skipped moved_at_target', 'skipped never_copied'],
  );
  assert.ok(!registry.deletes().some((c) => c.includes('@')), 'no manifest deleted');
  assert.equal(target['mirror/app'].latest, D('3'));
});

test('a dry run deletes nothing and says what the run then does', async () => {
  for (const tagDeletes of [false, true]) {
    const dry = corpus();
    const dryRegistry = new FakeRegistry(dry.target, { tagDeletes });
    const before = JSON.stringify(dry.target);
    const plan = await mirrorDeletes({ ...dry, target: dryRegistry, dryRun: true });
    assert.equal(JSON.stringify(dry.target), before);
    // At most the probe: a tag that cannot exist.
    assert.ok(
      dryRegistry.deletes().every((c) => /:regatta-probe-[0-9a-f]{16}$/.test(c)),
      dryRegistry.deletes().join(),
    );
    const real = corpus();
    const done = await mirrorDeletes({ ...real, target: new FakeRegistry(real.target, { tagDeletes }), dryRun: false });
    assert.deepEqual(
      plan.map((i) => `${i.tag} ${i.action === 'would_delete' ? 'deleted' : i.action} ${i.reason}`),
      done.map((i) => `${i.tag} ${i.action} ${i.reason}`),
      `tag deletes ${tagDeletes}`,
    );
  }
});

test('any doubt keeps the tag: a failing HEAD at the source or target, or an unreadable tag list', async () => {
  const { source, target, extras, history } = corpus();
  const failingSource = new FakeRegistry(source.repos, { failHead: ['team/app:gone'] });
  const one = await mirrorDeletes({
    extras,
    history,
    source: failingSource,
    target: new FakeRegistry(target),
    dryRun: false,
  });
  assert.equal(decisions(one).gone, 'skipped error');
  assert.match(one.find((i) => i.tag === 'gone')!.detail!, /^source: HTTP_500/);
  assert.equal(target['mirror/app'].gone, D('2'));

  // What pair2 names is unknown: no manifest of the repository is deleted, since it might be pair2's.
  const again = corpus();
  const failingTarget = new FakeRegistry(again.target, { failHead: ['mirror/app:pair2'] });
  const two = await mirrorDeletes({ ...again, target: failingTarget, dryRun: false });
  assert.deepEqual([decisions(two).gone, decisions(two).pair1, decisions(two).pair2], Array(3).fill('skipped error'));
  assert.ok(!failingTarget.deletes().some((c) => c.includes('@')));

  const fresh = corpus();
  const unlisted = new FakeRegistry(fresh.target, { failList: true });
  const three = await mirrorDeletes({ ...fresh, target: unlisted, dryRun: false });
  assert.equal(decisions(three).gone, 'skipped error');
  assert.deepEqual(unlisted.deletes(), ['DELETE mirror/app:gone'], 'only the refused tag delete was sent');
});
