// Signature verification (issue 15) against a real registry, with signatures pushed as cosign pushes them (the
// `.sig` tag, test/support/referrers.ts): `regatta verify` accepts the signed image with the signer's key and
// refuses it with another key, refuses an unsigned image and a tampered signature, with exit codes 0 and 1 and a
// line per key; through a real server, trusted keys are added (admin only: a viewer is refused 403), listed and
// removed with the API and with `regatta trust`, and `POST /images/verify` checks a tag or a digest against
// them, records the checks, and answers in the native error format for a bad key, an unknown key or image, and
// a registry that does not answer.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshPostgresDatabase } from '../support/database.js';
import { type BuiltImage, buildImage, pushImage } from '../support/fixtures.js';
import { cosignKeyPair, pushCosignSignature } from '../support/referrers.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { json, runCli } from './cli.js';
import { addRegistry, apiCall, type Json, PROJECT, startServer, type TestServer, TOKEN } from './server.js';

let reg: TestRegistry;
let dir: string;
const release = cosignKeyPair();
const stranger = cosignKeyPair();
const images: Record<'signed' | 'unsigned' | 'tampered', BuiltImage> = {} as never;
const keyFile: Record<'release' | 'stranger' | 'junk', string> = {} as never;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'regatta-verify-'));
  reg = await startRegistry();
  for (const name of ['signed', 'unsigned', 'tampered'] as const) {
    images[name] = await buildImage({ format: 'oci', seed: `verify-${name}` });
    await pushImage(reg, 'team/app', name, images[name]);
  }
  await pushCosignSignature(reg, 'team/app', images.signed.digest, release.privateKey);
  // The unsigned image has no signature at all; the tampered one's signature was made over other bytes.
  await pushCosignSignature(reg, 'team/app', images.tampered.digest, release.privateKey, { tamper: true });
  keyFile.release = join(dir, 'release.pub');
  keyFile.stranger = join(dir, 'stranger.pub');
  keyFile.junk = join(dir, 'junk.pub');
  await writeFile(keyFile.release, release.publicKeyPem);
  await writeFile(keyFile.stranger, stranger.publicKeyPem);
  await writeFile(keyFile.junk, '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n');
});

after(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface VerifyJson {
  digest: string;
  verified: boolean;
  signatures: number;
  keys: { name: string; verified: boolean; signatures: number; detail: string | null; fingerprint: string }[];
}

const verify = (ref: string, ...keys: string[]) =>
  runCli(['verify', `${reg.host}/team/app${ref}`, ...keys.flatMap((k) => ['--key', k]), '--json']);

describe('regatta verify', () => {
  test('the signer’s key verifies the signed image by tag and by digest: exit 0', async () => {
    for (const ref of [':signed', `@${images.signed.digest}`]) {
      const r = await verify(ref, keyFile.release);
      assert.equal(r.code, 0, r.stderr);
      const out = json<VerifyJson>(r);
      assert.equal(out.digest, images.signed.digest);
      assert.equal(out.verified, true);
      assert.deepEqual(
        out.keys.map((k) => [k.name, k.verified, k.signatures, k.detail]),
        [[keyFile.release, true, 1, null]],
      );
    }
    // Text for people: one line per key.
    const text = await runCli(['verify', `${reg.host}/team/app:signed`, '--key', keyFile.release]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Digest: +${images.signed.digest}`));
    assert.match(text.stdout, /OK +\S*release\.pub +verified \(1 signature\)/);
  });

  test('another key is refused (exit 1); with both keys, the signer’s is enough', async () => {
    const wrong = await verify(':signed', keyFile.stranger);
    assert.equal(wrong.code, 1);
    const out = json<VerifyJson>(wrong);
    assert.equal(out.verified, false);
    assert.equal(out.signatures, 1);
    assert.match(out.keys[0]?.detail ?? '', /none made by this key/);
    assert.match(wrong.stderr, /^regatta: NOT_VERIFIED: no signature of sha256:[0-9a-f]{64} was verified/m);
    const text = await runCli(['verify', `${reg.host}/team/app:signed`, '--key', keyFile.stranger]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /FAIL +\S*stranger\.pub +1 signature of the digest, none made by this key/);

    const both = await verify(':signed', keyFile.stranger, keyFile.release);
    assert.equal(both.code, 0, both.stderr);
    assert.deepEqual(
      json<VerifyJson>(both).keys.map((k) => k.verified),
      [false, true],
    );
  });

  test('an unsigned image and a tampered signature are refused: exit 1', async () => {
    const unsigned = await verify(':unsigned', keyFile.release);
    assert.equal(unsigned.code, 1);
    assert.equal(json<VerifyJson>(unsigned).keys[0]?.detail, 'no signature found');
    const tampered = await verify(':tampered', keyFile.release);
    assert.equal(tampered.code, 1);
    assert.equal(json<VerifyJson>(tampered).signatures, 1);
    assert.equal(json<VerifyJson>(tampered).verified, false);
  });

  test('a file that is no public key, a missing file, a missing tag', async () => {
    const junk = await verify(':signed', keyFile.junk);
    assert.equal(junk.code, 1);
    assert.match(junk.stderr, /INVALID_PARAMETER: --key \S*junk\.pub: public_key_pem: not a readable PEM public key/);
    const missing = await verify(':signed', join(dir, 'nope.pub'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /USAGE: --key \S*nope\.pub: ENOENT/);
    const noKey = await runCli(['verify', `${reg.host}/team/app:signed`]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /USAGE: give at least one --key FILE/);
    const noTag = await verify(':gone', keyFile.release);
    assert.equal(noTag.code, 1);
    assert.match(noTag.stderr, /MANIFEST_UNKNOWN/);
  });
});

describe('trusted keys and POST /images/verify through a server', () => {
  let server: TestServer;
  let registryId: string;
  let viewer: string;
  let dropDatabase = async () => {};

  before(async () => {
    // On PostgreSQL when DATABASE_URL is set (as on CI), else the embedded default.
    const fresh = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
    if (fresh) dropDatabase = fresh.drop;
    server = await startServer({ databaseUrl: fresh?.url, workers: false });
    registryId = await addRegistry(server.url, { name: 'src', host: reg.host, wait: false });
    const { principals, credentials } = server.runtime.ctx;
    const account = await principals.createServiceAccount(PROJECT, 'auditor', 'viewer');
    viewer = (
      await credentials.createToken({
        principalId: account.id,
        name: 'auditor',
        projectId: PROJECT,
        expiresAt: null,
        createdBy: 'test',
      })
    ).token;
  });

  after(async () => {
    await server?.stop();
    await dropDatabase();
  });

  const check = (body: Json, token = TOKEN) => apiCall(server.url, 'POST', '/images/verify', { body, token });

  test('an admin trusts a key; a bad key is 400, a taken name 409; a viewer may read but not add or remove', async () => {
    const added = await apiCall(server.url, 'POST', '/trusted-keys', {
      body: { name: 'release', public_key_pem: `\n${release.publicKeyPem}\n` },
    });
    assert.equal(added.status, 201, JSON.stringify(added.json));
    assert.match(added.json.fingerprint, /^sha256:[0-9a-f]{64}$/);
    assert.equal(added.json.public_key_pem, release.publicKeyPem, 'stored as canonical PEM');

    const bad = await apiCall(server.url, 'POST', '/trusted-keys', {
      body: { name: 'bad', public_key_pem: 'ssh-ed25519 AAAA not a pem' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 'INVALID_PARAMETER');
    assert.match(bad.json.message, /public_key_pem/);
    assert.equal(typeof bad.json.request_id, 'string');
    const taken = await apiCall(server.url, 'POST', '/trusted-keys', {
      body: { name: 'release', public_key_pem: stranger.publicKeyPem },
    });
    assert.equal(taken.status, 409);
    assert.equal(taken.json.code, 'CONFLICT');
    const badName = await apiCall(server.url, 'POST', '/trusted-keys', {
      body: { name: '../x', public_key_pem: stranger.publicKeyPem },
    });
    assert.equal(badName.status, 400);

    const refused = await apiCall(server.url, 'POST', '/trusted-keys', {
      token: viewer,
      body: { name: 'mine', public_key_pem: stranger.publicKeyPem },
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, 'FORBIDDEN');
    const notRemoved = await apiCall(server.url, 'DELETE', '/trusted-keys/release', { token: viewer });
    assert.equal(notRemoved.status, 403);
    const listed = await apiCall(server.url, 'GET', '/trusted-keys', { token: viewer });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.json.keys.map((k: Json) => [k.name, k.fingerprint]),
      [['release', added.json.fingerprint]],
    );
  });

  test('verify: the signed image by tag and by digest, recorded; unsigned and tampered ones not', async () => {
    const byTag = await check({ registry_id: registryId, repository: 'team/app', reference: 'signed' }, viewer);
    assert.equal(byTag.status, 200, JSON.stringify(byTag.json));
    assert.equal(byTag.json.digest, images.signed.digest);
    assert.equal(byTag.json.verified, true);
    assert.deepEqual(
      byTag.json.keys.map((k: Json) => [k.name, k.verified, k.signatures, k.detail]),
      [['release', true, 1, null]],
    );
    const byDigest = await check({ registry_id: registryId, repository: 'team/app', reference: images.signed.digest });
    assert.equal(byDigest.json.verified, true);

    const recorded = await server.runtime.ctx.signatureChecks.forDigest(images.signed.digest, [
      byTag.json.keys[0].fingerprint,
    ]);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]?.verified, true);
    assert.equal(recorded[0]?.registry_id, registryId);
    assert.equal(recorded[0]?.repository, 'team/app');

    for (const [tag, detail] of [
      ['unsigned', /^no signature found$/],
      ['tampered', /none made by this key/],
    ] as const) {
      const r = await check({ registry_id: registryId, repository: 'team/app', reference: tag });
      assert.equal(r.status, 200);
      assert.equal(r.json.verified, false, tag);
      assert.match(r.json.keys[0].detail, detail);
    }
  });

  test('verify: errors in the native format (unknown key, image, registry; bad reference)', async () => {
    const unknownKey = await check({
      registry_id: registryId,
      repository: 'team/app',
      reference: 'signed',
      keys: ['release', 'nobody'],
    });
    assert.equal(unknownKey.status, 404);
    assert.equal(unknownKey.json.code, 'NOT_FOUND');
    assert.match(unknownKey.json.message, /nobody/);
    const noImage = await check({ registry_id: registryId, repository: 'team/app', reference: 'gone' });
    assert.equal(noImage.status, 404);
    const noRegistry = await check({
      registry_id: '00000000-0000-4000-8000-000000000000',
      repository: 'team/app',
      reference: 'signed',
    });
    assert.equal(noRegistry.status, 404);
    const badRef = await check({ registry_id: registryId, repository: 'team/app', reference: 'a b' });
    assert.equal(badRef.status, 400);
    assert.equal(badRef.json.code, 'INVALID_PARAMETER');
    const extra = await check({ registry_id: registryId, repository: 'team/app', reference: 'signed', x: 1 });
    assert.equal(extra.status, 400);

    // A registry that does not answer: 502, never "unsigned".
    const down = await startRegistry();
    const downId = await addRegistry(server.url, { name: 'down', host: down.host, wait: false });
    await down.stop();
    const unreachable = await check({ registry_id: downId, repository: 'team/app', reference: 'signed' });
    assert.equal(unreachable.status, 502, JSON.stringify(unreachable.json));
    assert.equal(unreachable.json.code, 'REGISTRY_UNAVAILABLE');
    assert.match(unreachable.json.message, /NETWORK_ERROR/);
  });

  test('regatta trust add|ls|rm against the server; with no key trusted, nothing verifies', async () => {
    const env = { REGATTA_URL: server.url, REGATTA_TOKEN: TOKEN, REGATTA_PROJECT: PROJECT };
    const add = await runCli(['trust', 'add', 'stranger', keyFile.stranger, '--json'], env);
    assert.equal(add.code, 0, add.stderr);
    assert.equal(json(add).name, 'stranger');
    const junk = await runCli(['trust', 'add', 'junk', keyFile.junk], env);
    assert.equal(junk.code, 1);
    assert.match(junk.stderr, /^regatta: INVALID_PARAMETER: public_key_pem/m);
    const asViewer = await runCli(['trust', 'add', 'v', keyFile.stranger], { ...env, REGATTA_TOKEN: viewer });
    assert.equal(asViewer.code, 1);
    assert.match(asViewer.stderr, /FORBIDDEN/);

    const ls = await runCli(['trust', 'ls'], env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^NAME +KIND +SIGNER +ADDED\nrelease +key +sha256:[0-9a-f]{64} .*\nstranger +key +sha256:/);

    // Both keys: release verifies, stranger does not; only the one named: stranger's verdict alone.
    const both = await check({ registry_id: registryId, repository: 'team/app', reference: 'signed' });
    assert.deepEqual(
      both.json.keys.map((k: Json) => [k.name, k.verified]),
      [
        ['release', true],
        ['stranger', false],
      ],
    );
    const named = await check({
      registry_id: registryId,
      repository: 'team/app',
      reference: 'signed',
      keys: ['stranger'],
    });
    assert.equal(named.json.verified, false);
    assert.equal(named.json.keys.length, 1);

    for (const name of ['release', 'stranger']) {
      const rm = await runCli(['trust', 'rm', name], env);
      assert.equal(rm.code, 0, rm.stderr);
    }
    const again = await runCli(['trust', 'rm', 'release'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /NOT_FOUND/);
    assert.match((await runCli(['trust', 'ls'], env)).stdout, /^no trusted keys$/m);
    const none = await check({ registry_id: registryId, repository: 'team/app', reference: 'signed' });
    assert.deepEqual([none.status, none.json.verified, none.json.keys], [200, false, []]);
  });
});
