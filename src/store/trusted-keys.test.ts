// Trusted keys and signature checks on both engines: keys and keyless identities are named within their project
// (the same name in two projects is two keys; twice in one is CONFLICT), listed by name, picked by names and removed per project; a
// digest's latest check per key fingerprint replaces the one before.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { testDatabases } from '../../test/support/database.js';
import { SignatureCheckStore } from './signature-checks.js';
import { TrustedKeyStore } from './trusted-keys.js';

const fp = (c: string) => `sha256:${c.repeat(64)}`;

for (const engine of testDatabases()) {
  test(`trusted keys and signature checks on ${engine.name}`, async () => {
    const { db } = await engine.open();
    const keys = new TrustedKeyStore(db);
    const checks = new SignatureCheckStore(db);
    const [a, b] = [`p-${randomUUID()}`, `p-${randomUUID()}`];
    await db
      .insertInto('projects')
      .values([
        { id: a, name: a },
        { id: b, name: b },
      ])
      .execute();

    await keys.add(a, { name: 'release', pem: 'PEM-R', fingerprint: fp('1') });
    await keys.add(a, { name: 'ci', pem: 'PEM-C', fingerprint: fp('2') });
    await keys.add(b, { name: 'release', pem: 'PEM-B', fingerprint: fp('3') });
    await assert.rejects(keys.add(a, { name: 'release', pem: 'x', fingerprint: fp('4') }), { code: 'CONFLICT' });

    assert.deepEqual(
      (await keys.list(a)).map((k) => [k.name, k.fingerprint]),
      [
        ['ci', fp('2')],
        ['release', fp('1')],
      ],
    );
    assert.deepEqual(
      (await keys.list(a, ['release', 'unknown'])).map((k) => k.public_key_pem),
      ['PEM-R'],
    );
    assert.deepEqual(await keys.list(a, []), []);
    // A keyless identity beside the keys: same names space, its own columns.
    const id = { name: 'ci-keyless', fingerprint: fp('5'), issuer: 'https://issuer', subject: 'me', trustedRoot: '{}' };
    const row = await keys.add(a, id);
    assert.deepEqual(
      [row.kind, row.public_key_pem, row.issuer, row.subject, row.trusted_root],
      ['keyless', null, 'https://issuer', 'me', '{}'],
    );
    await assert.rejects(keys.add(a, { ...id, fingerprint: fp('6') }), { code: 'CONFLICT' });
    assert.equal((await keys.list(a, ['release'])).at(0)?.kind, 'key');
    await assert.rejects(
      db
        .insertInto('trusted_keys')
        .values({ project_id: a, name: 'half', kind: 'keyless', fingerprint: fp('7') })
        .execute(),
      /trusted_keys_kind/,
      'a keyless row without its identity is refused by the database',
    );
    assert.equal(await keys.remove(a, 'ci-keyless'), true);
    assert.equal(await keys.remove(b, 'ci'), false, "another project's key is not B's to remove");
    assert.equal(await keys.remove(a, 'ci'), true);
    assert.equal(await keys.remove(a, 'ci'), false);
    assert.deepEqual(
      (await keys.list(b)).map((k) => k.public_key_pem),
      ['PEM-B'],
    );

    const digest = `sha256:${randomUUID().replaceAll('-', '').padEnd(64, '0')}`;
    const where = { registryId: randomUUID(), repository: 'team/app' };
    await checks.record(digest, where, [
      { fingerprint: fp('1'), verified: false, signatures: 0, detail: 'no signature found' },
      { fingerprint: fp('3'), verified: false, signatures: 0, detail: 'no signature found' },
    ]);
    await checks.record(digest, where, [{ fingerprint: fp('1'), verified: true, signatures: 2, detail: null }]);
    await checks.record(digest, where, []);
    const rows = await checks.forDigest(digest, [fp('1'), fp('3'), fp('9')]);
    assert.deepEqual(
      rows
        .map((r) => [r.key_fingerprint, r.verified, r.signatures, r.detail, r.repository])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      [
        [fp('1'), true, 2, null, 'team/app'],
        [fp('3'), false, 0, 'no signature found', 'team/app'],
      ],
    );
    assert.deepEqual(await checks.forDigest(digest, []), []);
  });
}
