// Secret key rotation: with the old key named as previous, every registry password and SK sealed with it is
// sealed again with the new key at start, reads the same, and the old key alone can no longer read it; a second
// pass rewrites nothing. A token neither key sealed is still refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { testDatabases } from '../../test/support/database.js';
import { resealSecrets } from './rekey.js';
import { SecretBox } from './secrets.js';

for (const engine of testDatabases()) {
  test(`rotation seals every stored secret again with the new key on ${engine.name}`, async () => {
    const { db } = await engine.open();
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const before = new SecretBox(oldKey);
    const project = `p-${randomBytes(4).toString('hex')}`;
    await db.insertInto('projects').values({ id: project, name: project }).execute();
    const { id: registry } = await db
      .insertInto('registries')
      .values({
        project_id: project,
        registry_name: 'r',
        registry_type: 'Other',
        registry_addr: '127.0.0.1:9',
        password_enc: before.encrypt('registry-password'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: principal } = await db
      .insertInto('principals')
      .values({ kind: 'service', name: 'svc', owner_project_id: project })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: key } = await db
      .insertInto('credentials')
      .values({
        principal_id: principal,
        kind: 'access_key',
        name: 'k',
        project_id: project,
        access_key: `AK${randomBytes(6).toString('hex')}`,
        secret_key_enc: before.encrypt('the-sk'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const after = new SecretBox(newKey, [oldKey]);
    assert.equal(await resealSecrets(db, after), 2);
    assert.equal(await resealSecrets(db, after), 0, 'idempotent');
    const reg = await db
      .selectFrom('registries')
      .select('password_enc')
      .where('id', '=', registry)
      .executeTakeFirstOrThrow();
    const cred = await db
      .selectFrom('credentials')
      .select('secret_key_enc')
      .where('id', '=', key)
      .executeTakeFirstOrThrow();
    const onlyNew = new SecretBox(newKey);
    assert.equal(onlyNew.decrypt(reg.password_enc!), 'registry-password');
    assert.equal(onlyNew.decrypt(cred.secret_key_enc!), 'the-sk');
    assert.throws(() => before.decrypt(cred.secret_key_enc!), /SECRET_UNREADABLE|failed authentication/);
    assert.throws(() => after.decrypt(new SecretBox(randomBytes(32)).encrypt('x')), /failed authentication/);
    assert.throws(() => after.decrypt('v0:nope'), /not a v1 token/);
  });
}
