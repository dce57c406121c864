// A private sigstore for keyless-signature tests, made with the `openssl` command and node:crypto (independent of
// src/): a certificate authority that issues Fulcio-shaped leaf certificates (the identity as a URI or e-mail SAN,
// the OIDC issuer in Fulcio's extension 1.3.6.1.4.1.57264.1.8, code signing, one day), a transparency log key that
// signs inclusion promises (Rekor's SignedEntryTimestamp over the canonical JSON of body, integratedTime, logID
// and logIndex) over hashedrekord 0.0.1 bodies, and the sigstore `trusted_root.json` that names both. Nothing is
// served: the URLs in the root are never contacted.
// Formats: https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md,
// https://github.com/sigstore/protobuf-specs/blob/main/protos/sigstore_trustroot.proto,
// https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md (the bundle annotation).
import { execFile } from 'node:child_process';
import { createHash, createSign, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeylessSigner {
  /** The leaf certificate's private key (what signs the payload). */
  privateKey: KeyObject;
  /** The leaf certificate, PEM. */
  certificatePem: string;
  subject: string;
  issuer: string;
}

export interface TestSigstore {
  /** The `trusted_root.json` naming this instance's CA and log. */
  trustedRoot: Record<string, unknown>;
  /** A leaf certificate for `subject` (URI, or e-mail when it has no scheme) issued by `issuer`. */
  issue(subject: string, issuer: string): Promise<KeylessSigner>;
  /** cosign's bundle annotation for a signature logged at `integratedTime` (default now) by this log. */
  logEntry(payload: Buffer, signatureB64: string, certificatePem: string, integratedTime?: number): string;
  /**
   * A sigstore bundle's log entry (protobuf JSON) for a DSSE envelope's signature: a `dsse` 0.0.1 body, the
   * inclusion promise, and an inclusion proof in a one-entry tree with its signed checkpoint.
   */
  dsseLogEntry(envelope: { payload: Buffer; signatureB64: string }, certificatePem: string): Record<string, unknown>;
  stop(): Promise<void>;
}

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => k.export({ type, format: 'pem' }).toString();
const der = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });

/** A new CA and log in a private temporary folder (removed by stop). */
export async function startSigstore(name = 'test'): Promise<TestSigstore> {
  const dir = await mkdtemp(join(tmpdir(), 'regatta-sigstore-'));
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const log = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await writeFile(join(dir, 'ca.key'), pem(ca.privateKey, 'pkcs8'), { mode: 0o600 });
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    join(dir, 'ca.key'),
    '-subj',
    `/O=sigstore-${name}/CN=${name}-fulcio`,
    '-days',
    '3',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    join(dir, 'ca.pem'),
  ]);
  const caDer = pemToDer(await readFile(join(dir, 'ca.pem'), 'utf8'));
  const logId = createHash('sha256').update(der(log.publicKey)).digest();
  const start = '2020-01-01T00:00:00Z';
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: `https://rekor.${name}.invalid`,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: der(log.publicKey).toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: logId.toString('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: `sigstore-${name}`, commonName: `${name}-fulcio` },
        uri: `https://fulcio.${name}.invalid`,
        certChain: { certificates: [{ rawBytes: caDer.toString('base64') }] },
        validFor: { start },
      },
    ],
    ctlogs: [],
    timestampAuthorities: [],
  };
  let serial = 0;
  return {
    trustedRoot,
    async issue(subject, issuer) {
      const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const n = ++serial;
      const [key, csr, ext, cert] = ['key', 'csr', 'cnf', 'pem'].map((x) => join(dir, `leaf${n}.${x}`)) as [
        string,
        string,
        string,
        string,
      ];
      await writeFile(key, pem(leaf.privateKey, 'pkcs8'), { mode: 0o600 });
      const san = subject.includes('://') ? `URI:${subject}` : `email:${subject}`;
      await writeFile(
        ext,
        [
          '[ext]',
          'basicConstraints=critical,CA:FALSE',
          'keyUsage=critical,digitalSignature',
          'extendedKeyUsage=codeSigning',
          `subjectAltName=critical,${san}`,
          `1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${issuer}`,
        ].join('\n'),
      );
      await run('openssl', ['req', '-new', '-key', key, '-subj', '/O=sigstore.dev', '-out', csr]);
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        join(dir, 'ca.pem'),
        '-CAkey',
        join(dir, 'ca.key'),
        '-set_serial',
        `0x${randomBytes(8).toString('hex')}`,
        '-days',
        '1',
        '-extfile',
        ext,
        '-extensions',
        'ext',
        '-out',
        cert,
      ]);
      return { privateKey: leaf.privateKey, certificatePem: await readFile(cert, 'utf8'), subject, issuer };
    },
    logEntry(payload, signatureB64, certificatePem, integratedTime = Math.floor(Date.now() / 1000)) {
      const body = hashedrekordBody(payload, signatureB64, certificatePem);
      return JSON.stringify({
        SignedEntryTimestamp: promise(body, integratedTime),
        Payload: entry(body, integratedTime),
      });
    },
    dsseLogEntry({ payload, signatureB64 }, certificatePem) {
      const integratedTime = Math.floor(Date.now() / 1000);
      const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();
      const body = Buffer.from(
        JSON.stringify({
          apiVersion: '0.0.1',
          kind: 'dsse',
          spec: {
            payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
            signatures: [{ signature: signatureB64, verifier: Buffer.from(certificatePem).toString('base64') }],
          },
        }),
      ).toString('base64');
      // RFC 6962: a one-leaf tree's root is the leaf's hash, and the proof has no hashes.
      const root = sha256(Buffer.concat([Buffer.from([0]), Buffer.from(body, 'base64')]));
      const note = `${name} test log\n1\n${root.toString('base64')}\n`;
      const noteSig = Buffer.concat([logId.subarray(0, 4), createSign('sha256').update(note).sign(log.privateKey)]);
      return {
        logIndex: '0',
        logId: { keyId: logId.toString('base64') },
        kindVersion: { kind: 'dsse', version: '0.0.1' },
        integratedTime: String(integratedTime),
        inclusionPromise: { signedEntryTimestamp: promise(body, integratedTime, 0) },
        inclusionProof: {
          logIndex: '0',
          rootHash: root.toString('base64'),
          treeSize: '1',
          hashes: [],
          checkpoint: { envelope: `${note}\n\u2014 rekor.${name}.invalid ${noteSig.toString('base64')}\n` },
        },
        canonicalizedBody: body,
      };
    },
    stop: () => rm(dir, { recursive: true, force: true }),
  };

  /** Rekor's SignedEntryTimestamp: its signature over the canonical JSON of the entry's four fields. */
  function promise(body: string, integratedTime: number, logIndex = 7): string {
    return createSign('sha256')
      .update(JSON.stringify(entry(body, integratedTime, logIndex)))
      .sign(log.privateKey)
      .toString('base64');
  }
  // Canonical JSON (RFC 8785) of these four is their keys in this order, no spaces: what Rekor signs.
  function entry(body: string, integratedTime: number, logIndex = 7) {
    return { body, integratedTime, logID: logId.toString('hex'), logIndex };
  }
}

/** A hashedrekord 0.0.1 entry body (base64) for a signature over `payload` by a certificate's key. */
function hashedrekordBody(payload: Buffer, signatureB64: string, certificatePem: string): string {
  return Buffer.from(
    JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } },
        signature: {
          content: signatureB64,
          publicKey: { content: Buffer.from(certificatePem).toString('base64') },
        },
      },
    }),
  ).toString('base64');
}

function pemToDer(text: string): Buffer {
  const body = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}
