// Keyless cosign signatures against a private sigstore made here (test/support/sigstore.ts: an openssl CA issuing
// Fulcio-shaped certificates, a log key signing Rekor-shaped inclusion promises, the trusted_root.json naming
// both): the trusted identity verifies its own signature of the digest; every other case is refused: another
// subject or issuer, a certificate of an untrusted CA, a promise signed by an untrusted log, a log entry dated
// outside the certificate's validity, a log entry of another signature, a bad signature, a signature without
// keyless material. Trusted roots that cannot vouch for anything are refused when the identity is added.
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { cosignBundle, simpleSigningPayload } from '../../test/support/referrers.js';
import { type KeylessSigner, startSigstore, type TestSigstore } from '../../test/support/sigstore.js';
import { type FoundSignature, verifySignatures } from './cosign.js';
import { parseIdentity, type TrustedIdentity, trustIdentity } from './keyless.js';
import { bundleSignature } from './sigstore-bundle.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const SUBJECT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const payload = simpleSigningPayload('r.example/app', DIGEST);

let sigstore: TestSigstore;
let stranger: TestSigstore;
let signer: KeylessSigner;
let strangerSigner: KeylessSigner;
let identity: TrustedIdentity;

before(async () => {
  sigstore = await startSigstore('trusted');
  stranger = await startSigstore('stranger');
  signer = await sigstore.issue(SUBJECT, ISSUER);
  strangerSigner = await stranger.issue(SUBJECT, ISSUER);
  identity = trustIdentity(
    'ci',
    parseIdentity({ issuer: ISSUER, subject: SUBJECT, trustedRoot: sigstore.trustedRoot }),
  );
});

after(async () => {
  await sigstore?.stop();
  await stranger?.stop();
});

/** A keyless signature of `body` by `by`, logged by `log` (at `time`); `signedBytes` what was really signed. */
function keylessSignature(
  by: KeylessSigner,
  log: TestSigstore,
  opts: { time?: number; signedBytes?: Buffer; loggedSignature?: string } = {},
): FoundSignature {
  const signature = sign('sha256', opts.signedBytes ?? payload, by.privateKey);
  const logged = opts.loggedSignature ?? signature.toString('base64');
  const bundle = log.logEntry(payload, logged, by.certificatePem, opts.time);
  return {
    payload,
    signature,
    manifest: `sha256:${'d'.repeat(64)}`,
    keyless: { certificate: by.certificatePem, bundle },
  };
}

const verdict = (s: FoundSignature, who: TrustedIdentity = identity) => verifySignatures([s], DIGEST, [who])[0];

describe('keyless signatures', () => {
  test('the trusted identity verifies its own signature, logged by the trusted log', () => {
    const v = verdict(keylessSignature(signer, sigstore));
    assert.deepEqual(v, { name: 'ci', fingerprint: identity.fingerprint, verified: true, signatures: 1, detail: null });
  });

  test('another subject or another issuer is not the trusted identity (exact match, not a pattern)', async () => {
    const s = keylessSignature(signer, sigstore);
    for (const [subject, issuer] of [
      [`${SUBJECT}x`, ISSUER],
      ['https://github.com/acme/app/.github/workflows/release.yml@refs/heads/.*', ISSUER],
      [SUBJECT, 'https://accounts.google.com'],
    ] as const) {
      const other = trustIdentity('x', parseIdentity({ issuer, subject, trustedRoot: sigstore.trustedRoot }));
      assert.equal(verdict(s, other)?.verified, false, `${subject} / ${issuer}`);
    }
    const mallory = await sigstore.issue('mallory@example.test', ISSUER);
    assert.equal(verdict(keylessSignature(mallory, sigstore))?.verified, false, 'a certificate for another person');
  });

  test('an untrusted CA, an untrusted log, a log entry outside the certificate, a bad signature: refused', () => {
    const cases: [string, FoundSignature][] = [
      ['certificate of another CA', keylessSignature(strangerSigner, sigstore)],
      ['promise of another log', keylessSignature(signer, stranger)],
      ['logged two days before the certificate', keylessSignature(signer, sigstore, { time: now() - 2 * 86400 })],
      ['logged two days after it expired', keylessSignature(signer, sigstore, { time: now() + 2 * 86400 })],
      ['signature over other bytes', keylessSignature(signer, sigstore, { signedBytes: Buffer.from('other') })],
      [
        'log entry of another signature',
        keylessSignature(signer, sigstore, {
          loggedSignature: sign('sha256', Buffer.from('x'), signer.privateKey).toString('base64'),
        }),
      ],
    ];
    for (const [what, s] of cases) {
      const v = verdict(s);
      assert.equal(v?.verified, false, what);
      assert.match(v?.detail ?? '', /none made by this identity/, what);
    }
  });

  test('a tampered inclusion promise or a signature without keyless material is no signature of the identity', () => {
    const good = keylessSignature(signer, sigstore);
    const rekor = JSON.parse(good.keyless?.bundle ?? '') as { Payload: { logIndex: number } };
    rekor.Payload.logIndex += 1;
    const tampered = { ...good, keyless: { certificate: signer.certificatePem, bundle: JSON.stringify(rekor) } };
    assert.equal(verdict(tampered)?.verified, false, 'log index changed after signing');
    const { keyless: _, ...bare } = good;
    assert.equal(verdict(bare)?.verified, false, 'the certificate and bundle are required');
    const junk = { ...good, keyless: { certificate: 'not a certificate', bundle: '{' } };
    assert.equal(verdict(junk)?.verified, false, 'malformed material is not a signature');
  });

  test('a sigstore bundle (cosign 3): the identity’s verifies; another identity’s, CA’s or log’s does not', async () => {
    const bundled = (by: KeylessSigner, log: TestSigstore, opts: { tamper?: boolean } = {}) =>
      bundleSignature(cosignBundle(DIGEST, { signer: by, sigstore: log }, opts), `sha256:${'e'.repeat(64)}`);
    const ours = bundled(signer, sigstore);
    assert.ok(ours?.bundle, 'read as a bundle signature');
    assert.deepEqual(ours?.subjects, [DIGEST]);
    assert.equal(verdict(ours as FoundSignature)?.verified, true);
    const mallory = await sigstore.issue('mallory@example.test', ISSUER);
    for (const [what, s] of [
      ['another identity', bundled(mallory, sigstore)],
      ['an untrusted CA and log', bundled(strangerSigner, stranger)],
      ['an untrusted log', bundled(signer, stranger)],
      ['a signature over other bytes', bundled(signer, sigstore, { tamper: true })],
    ] as const) {
      assert.equal(verdict(s as FoundSignature)?.verified, false, what);
    }
    // An attestation (another predicate) is not a signature of the image at all.
    const sbom = cosignBundle(DIGEST, { signer, sigstore }, { predicateType: 'https://spdx.dev/Document' });
    assert.equal(bundleSignature(sbom, DIGEST), undefined);
    assert.equal(bundleSignature(Buffer.from('{not json'), DIGEST), undefined);
  });

  test('identities: fingerprint over issuer, subject and root; unusable input refused with INVALID_PARAMETER', () => {
    const p = parseIdentity({ issuer: ISSUER, subject: SUBJECT, trustedRoot: JSON.stringify(sigstore.trustedRoot) });
    assert.equal(p.fingerprint, identity.fingerprint, 'a root given as text or as JSON is the same root');
    assert.match(p.fingerprint, /^sha256:[0-9a-f]{64}$/);
    const other = parseIdentity({ issuer: ISSUER, subject: SUBJECT, trustedRoot: stranger.trustedRoot });
    assert.notEqual(other.fingerprint, p.fingerprint);
    const root = sigstore.trustedRoot;
    const bad: [string, unknown, string, string][] = [
      ['no tlogs', { ...root, tlogs: [] }, ISSUER, SUBJECT],
      ['no CAs', { ...root, certificateAuthorities: [] }, ISSUER, SUBJECT],
      ['not JSON', '{nope', ISSUER, SUBJECT],
      ['an array', '[]', ISSUER, SUBJECT],
      ['too large', { ...root, pad: 'x'.repeat(300 * 1024) }, ISSUER, SUBJECT],
      [
        'unreadable CA certificate',
        { ...root, certificateAuthorities: [{ certChain: { certificates: [{ rawBytes: 'AAAA' }] } }] },
        ISSUER,
        SUBJECT,
      ],
      ['empty issuer', root, '', SUBJECT],
      ['control character in the subject', root, ISSUER, 'a\nb'],
    ];
    for (const [what, trustedRoot, issuer, subject] of bad) {
      assert.throws(() => parseIdentity({ issuer, subject, trustedRoot }), { code: 'INVALID_PARAMETER' }, what);
    }
  });
});

const now = () => Math.floor(Date.now() / 1000);
