// Keyless signatures (issue 15) through a real registry, the CLI and a real server: images signed as keyless
// `cosign sign` stores them (certificate and Rekor bundle annotations), by a private sigstore made for the test
// (test/support/sigstore.ts), and one as cosign 3 stores it (a sigstore bundle referrer). `regatta verify` with cosign's keyless flags accepts the trusted identity's image and
// refuses another identity's; the server trusts an identity with its trusted root (API and `regatta trust add`),
// `POST /images/verify` checks against it, and a rule gated `signed_by` that identity blocks the image another
// identity signed and copies the identity's own, which it had blocked before the identity was trusted, without a
// manual retry.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BuiltImage, buildImage, pushImage } from '../support/fixtures.js';
import { pushBundleSignature, pushCosignSignature } from '../support/referrers.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { startSigstore, type TestSigstore } from '../support/sigstore.js';
import { sha256Hex, skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import { json, runCli } from './cli.js';
import {
  addRegistry,
  apiCall,
  endedTasks,
  type Json,
  PROJECT,
  runRule,
  startServer,
  type TestServer,
  TOKEN,
} from './server.js';

const SUBJECT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

let src: TestRegistry;
let dst: TestRegistry;
let sigstore: TestSigstore;
let dir: string;
let rootFile: string;
const images: Record<'ours' | 'theirs' | 'bundled', BuiltImage> = {} as never;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'regatta-keyless-'));
  [src, dst, sigstore] = await Promise.all([startRegistry(), startRegistry(), startSigstore('keyless')]);
  const ours = await sigstore.issue(SUBJECT, ISSUER);
  // Signed through the same CA and log, but by another workflow: a valid signature of someone else.
  const theirs = await sigstore.issue(
    'https://github.com/acme/app/.github/workflows/nightly.yml@refs/heads/dev',
    ISSUER,
  );
  for (const [name, signer] of [
    ['ours', ours],
    ['theirs', theirs],
  ] as const) {
    images[name] = await buildImage({ format: 'oci', seed: `keyless-${name}` });
    await pushImage(src, `signed/${name}`, '1.0', images[name]);
    await pushCosignSignature(src, `signed/${name}`, images[name].digest, { signer, sigstore });
  }
  // The identity's image signed as cosign 3 does: a sigstore bundle referrer (DSSE, certificate, log entry).
  images.bundled = await buildImage({ format: 'oci', seed: 'keyless-bundled' });
  await pushImage(src, 'signed/bundled', '1.0', images.bundled);
  const subject = {
    mediaType: images.bundled.mediaType,
    digest: images.bundled.digest,
    size: images.bundled.manifest.length,
  };
  await pushBundleSignature(src, 'signed/bundled', subject, { signer: ours, sigstore });
  rootFile = join(dir, 'trusted_root.json');
  await writeFile(rootFile, JSON.stringify(sigstore.trustedRoot));
});

after(async () => {
  await Promise.all([src?.stop(), dst?.stop(), sigstore?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const identityFlags = (subject = SUBJECT) => [
  '--certificate-identity',
  subject,
  '--certificate-oidc-issuer',
  ISSUER,
  '--trusted-root',
  rootFile,
];

describe('regatta verify, keyless', () => {
  test('the trusted identity’s image verifies (exit 0); another identity’s does not (exit 1)', async () => {
    const ok = await runCli(['verify', `${src.host}/signed/ours:1.0`, ...identityFlags(), '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const out = json<{ digest: string; verified: boolean; keys: Json[] }>(ok);
    assert.equal(out.digest, images.ours.digest);
    assert.deepEqual(
      out.keys.map((k) => [k.name, k.verified, k.signatures]),
      [[SUBJECT, true, 1]],
    );
    const other = await runCli(['verify', `${src.host}/signed/theirs:1.0`, ...identityFlags()]);
    assert.equal(other.code, 1);
    assert.match(other.stdout, /FAIL .* 1 signature of the digest, none made by this identity/);
    // cosign 3's format: the bundle referrer, found through the fallback index and verified whole.
    const bundled = await runCli(['verify', `${src.host}/signed/bundled:1.0`, ...identityFlags(), '--json']);
    assert.equal(bundled.code, 0, bundled.stderr);
    assert.equal(json<{ digest: string }>(bundled).digest, images.bundled.digest);
  });

  test('half an identity is a usage error; a file that is no trusted root is refused', async () => {
    const half = await runCli(['verify', `${src.host}/signed/ours:1.0`, '--certificate-identity', SUBJECT]);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /USAGE: a keyless identity needs --certificate-identity, --certificate-oidc-issuer/);
    const junk = join(dir, 'junk.json');
    await writeFile(junk, '{"tlogs": []}');
    const bad = await runCli([
      'verify',
      `${src.host}/signed/ours:1.0`,
      ...identityFlags().slice(0, 4),
      '--trusted-root',
      junk,
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_PARAMETER: trusted_root: not a usable sigstore trusted root/);
  });
});

describe('keyless identities on the server', () => {
  let server: TestServer;
  const ids: Record<string, string> = {};
  const api = (method: string, path: string, body?: unknown) => apiCall(server.url, method, path, { body });

  before(async () => {
    server = await startServer();
    ids.src = await addRegistry(server.url, { name: 'src', host: src.host });
    ids.dst = await addRegistry(server.url, { name: 'dst', host: dst.host });
  });
  after(async () => {
    await server?.stop();
  });

  test('a rule gated signed_by an identity blocks both images until it is trusted, then copies its own', async () => {
    const rule = await api('POST', '/rules', {
      source: { registry_id: ids.src, namespace: 'signed' },
      target: { registry_id: ids.dst, namespace: 'prod' },
      gates: { signed_by: ['ci'] },
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.json));
    const run = await runRule(server.url, rule.json.id);
    const first = await endedTasks(server.url, run.batch_id, 60_000);
    assert.deepEqual(
      first.map((t) => [t.source.repository, t.issue]).sort(),
      [
        ['bundled', 'POLICY_BLOCKED'],
        ['ours', 'POLICY_BLOCKED'],
        ['theirs', 'POLICY_BLOCKED'],
      ],
      'no signer named ci is trusted yet',
    );

    // Both halves at once, or neither: 400 in the native format; an unusable root too.
    const keyless = { issuer: ISSUER, subject: SUBJECT, trusted_root: sigstore.trustedRoot };
    for (const body of [
      { name: 'ci' },
      { name: 'ci', keyless, public_key_pem: '-----BEGIN PUBLIC KEY-----' },
      { name: 'ci', keyless: { ...keyless, trusted_root: { tlogs: [] } } },
    ]) {
      const r = await api('POST', '/trusted-keys', body);
      assert.equal(r.status, 400, JSON.stringify(r.json));
      assert.equal(r.json.code, 'INVALID_PARAMETER');
    }
    const added = await api('POST', '/trusted-keys', { name: 'ci', keyless });
    assert.equal(added.status, 201, JSON.stringify(added.json));
    assert.deepEqual(
      [added.json.kind, added.json.public_key_pem, added.json.subject, added.json.issuer],
      ['keyless', null, SUBJECT, ISSUER],
    );
    assert.equal(added.json.trusted_root, undefined, 'the root is not echoed back');

    // Trusting the identity re-decided the blocked tasks: ours is copied, theirs stays blocked.
    const later = await until('the image of the identity copied', async () => {
      const tasks = await endedTasks(server.url, run.batch_id, 60_000);
      return tasks.filter((t) => t.status === 'SUCCESS').length === 2 ? tasks : undefined;
    });
    const by = new Map(later.map((t) => [t.source.repository as string, t]));
    assert.equal(by.get('ours')?.status, 'SUCCESS', JSON.stringify(by.get('ours')));
    assert.equal(by.get('bundled')?.status, 'SUCCESS', JSON.stringify(by.get('bundled')));
    assert.deepEqual([by.get('theirs')?.issue], ['POLICY_BLOCKED']);
    assert.match(by.get('theirs')?.issue_detail, /^signed_by: no signature verified by ci/);
    assert.equal(sha256Hex(await skopeoInspectRaw(`${dst.host}/prod/ours:1.0`)), images.ours.digest);
    assert.equal(sha256Hex(await skopeoInspectRaw(`${dst.host}/prod/bundled:1.0`)), images.bundled.digest);
    // Its signatures travelled with it: the copy verifies at the target, in both formats.
    for (const name of ['ours', 'bundled']) {
      const there = await runCli(['verify', `${dst.host}/prod/${name}:1.0`, ...identityFlags()]);
      assert.equal(there.code, 0, `${name}: ${there.stdout}${there.stderr}`);
    }
    await assert.rejects(skopeoInspectRaw(`${dst.host}/prod/theirs:1.0`));
  });

  test('POST /images/verify and regatta trust with an identity', async () => {
    const verify = (repository: string) =>
      api('POST', '/images/verify', { registry_id: ids.src, repository, reference: '1.0', keys: ['ci'] });
    const ours = await verify('signed/ours');
    assert.equal(ours.status, 200, JSON.stringify(ours.json));
    assert.deepEqual([ours.json.digest, ours.json.verified], [images.ours.digest, true]);
    const theirs = await verify('signed/theirs');
    assert.equal(theirs.json.verified, false);

    const env = { REGATTA_URL: server.url, REGATTA_TOKEN: TOKEN, REGATTA_PROJECT: PROJECT };
    const nightly = 'https://github.com/acme/app/.github/workflows/nightly.yml@refs/heads/dev';
    const add = await runCli(['trust', 'add', 'nightly', ...identityFlags(nightly), '--json'], env);
    assert.equal(add.code, 0, add.stderr);
    assert.equal(json(add).kind, 'keyless');
    const both = await runCli(['trust', 'add', 'x', rootFile, ...identityFlags()], env);
    assert.equal(both.code, 2);
    const ls = await runCli(['trust', 'ls'], env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /^NAME +KIND +SIGNER +ADDED\n/);
    assert.match(
      ls.stdout,
      new RegExp(`^nightly +keyless +${escapeRegExp(nightly)} \\(${escapeRegExp(ISSUER)}\\)`, 'm'),
    );
    const byNightly = await api('POST', '/images/verify', {
      registry_id: ids.src,
      repository: 'signed/theirs',
      reference: '1.0',
      keys: ['nightly'],
    });
    assert.equal(byNightly.json.verified, true);
  });
});

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
