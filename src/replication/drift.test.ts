// The drift view against a hand-built corpus: tags added, moved and deleted at the source, and tags at the target
// the rule made, did not make, or could not have made, each landing in the state the expectation says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeDrift, type DriftRule, driftCounts, type InventoryTag } from './drift.js';

const RULE: DriftRule = {
  source_namespace: 'team',
  source_repository: null,
  repository_filter: null,
  tag_filter: '.*',
  tag_semver: null,
  target_namespace: 'mirror',
  target_repository: null,
  tag_rename: null,
  override: false,
};

const t = (path: string, tag: string, digest: string): InventoryTag => ({ path, tag, digest });

const SOURCE = [
  t('team/app', '1.0', 'sha256:a10'), // at the target, same digest
  t('team/app', '1.1', 'sha256:a11-new'), // moved at the source: the target still has the old one
  t('team/app', '2.0', 'sha256:a20'), // added at the source
  t('team/web', 'latest', 'sha256:w'), // in sync
  t('other/x', '1', 'sha256:x'), // outside the rule's namespace
];
const TARGET = [
  t('mirror/app', '1.0', 'sha256:a10'),
  t('mirror/app', '1.1', 'sha256:a11-old'),
  t('mirror/app', '0.9', 'sha256:a09'), // deleted at the source since
  t('mirror/web', 'latest', 'sha256:w'),
  t('mirror/gone', '1', 'sha256:g'), // a whole repository deleted at the source
  t('elsewhere/z', '1', 'sha256:z'), // not under the rule's target namespace
];

const states = async (rule: DriftRule, source = SOURCE, target = TARGET) =>
  (await computeDrift(rule, source, target)).map((i) => `${i.state} ${i.target.path}:${i.target.tag}`);

test('each image lands in its state: in sync, missing, conflict, extra; what is not the rule’s is left out', async () => {
  assert.deepEqual(await states(RULE), [
    'extra mirror/app:0.9',
    'in_sync mirror/app:1.0',
    'conflict mirror/app:1.1',
    'missing mirror/app:2.0',
    'extra mirror/gone:1',
    'in_sync mirror/web:latest',
  ]);
  const items = await computeDrift(RULE, SOURCE, TARGET);
  assert.deepEqual(driftCounts(items), { in_sync: 2, missing: 1, drifted: 0, conflict: 1, blocked: 0, extra: 2 });
  const moved = items.find((i) => i.target.tag === '1.1')!;
  assert.deepEqual([moved.source?.digest, moved.target.digest], ['sha256:a11-new', 'sha256:a11-old']);
});

test('with override the moved tag is drifted (replaced next run), not a conflict', async () => {
  const items = await computeDrift({ ...RULE, override: true }, SOURCE, TARGET);
  assert.deepEqual(driftCounts(items), { in_sync: 2, missing: 1, drifted: 1, conflict: 0, blocked: 0, extra: 2 });
});

test('a tag filter narrows both sides: target tags the filter would not take are not extra', async () => {
  assert.deepEqual(await states({ ...RULE, tag_filter: '1\\..*' }), [
    'in_sync mirror/app:1.0',
    'conflict mirror/app:1.1',
  ]);
});

test('a renamed tag is read back through the template; one repository target; a repository filter', async () => {
  const renamed = [
    t('mirror/app', 'v1.0', 'sha256:a10'),
    t('mirror/app', 'v0.9', 'sha256:a09'),
    t('mirror/app', '1.0', 'x'),
  ];
  assert.deepEqual(await states({ ...RULE, source_repository: 'app', tag_rename: 'v{tag}' }, SOURCE, renamed), [
    'extra mirror/app:v0.9',
    'in_sync mirror/app:v1.0',
    'missing mirror/app:v1.1',
    'missing mirror/app:v2.0',
  ]);
  const oneTarget = { ...RULE, repository_filter: 'web', target_repository: 'all' };
  const target = [
    t('mirror/all', 'latest', 'sha256:old'),
    t('mirror/all', 'edge', 'sha256:e'),
    t('mirror/web', 'x', 'y'),
  ];
  assert.deepEqual(await states(oneTarget, SOURCE, target), ['extra mirror/all:edge', 'conflict mirror/all:latest']);
});

test('an image a gate refused is blocked, not missing; referrer tags ride with their images and are never extra', async () => {
  const sig = `sha256-${'a'.repeat(64)}.sig`;
  const source = [
    t('team/app', '2.0', 'sha256:a20'),
    t('team/app', '1.0', 'sha256:a10'),
    t('team/app', sig, 'sha256:s'),
  ];
  const target = [t('mirror/app', '1.0', 'sha256:a10'), t('mirror/app', `sha256-${'b'.repeat(64)}.sig`, 'sha256:old')];
  const items = await computeDrift({ ...RULE, referrers: true }, source, target, new Set(['sha256:a20']));
  assert.deepEqual(
    items.map((i) => `${i.state} ${i.target.path}:${i.target.tag}`),
    ['in_sync mirror/app:1.0', 'blocked mirror/app:2.0'],
  );
  // Without the referrers option, referrer tags are tags like any other.
  const plain = await computeDrift(RULE, source, target);
  assert.deepEqual(driftCounts(plain), { in_sync: 1, missing: 2, drifted: 0, conflict: 0, blocked: 0, extra: 1 });
});
