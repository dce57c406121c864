// Generated hostile input (fast-check, fixed seed, bounded runs) against every parser that reads what callers or
// registries send: references, manifests and indexes, user patterns and the rule matcher, OSV records, layer tars
// (plain and gzip), and both request-signature verifiers. Each must answer or refuse with a typed, coded error:
// no crash, no hang (RE2 patterns match in linear time), no unbounded memory (inputs are capped).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { verifyAlibabaSignature } from './api/auth/alibaba-signature.js';
import { verifyHuaweiSignature } from './api/auth/huawei-signature.js';
import { RegattaError } from './errors.js';
import { parseManifest } from './oci/manifest.js';
import { parseReference } from './oci/reference.js';
import { compilePattern } from './replication/pattern.js';
import { tagMatches } from './replication/rule-match.js';
import { readLayer } from './scanning/layer-tar.js';
import { AdvisoryDb } from './scanning/vulndb/osv.js';

const SEED = 20261204;
const runs = (n: number) => ({ seed: SEED, numRuns: n });

/** Throws unless `err` is one of Regatta's coded errors (a refusal, not a crash). */
function coded(err: unknown): void {
  if (!(err instanceof RegattaError) || typeof err.code !== 'string' || err.code.length === 0) throw err;
}

const text = fc.string({ maxLength: 300, unit: 'binary' });

test('references: any text parses or is refused with a code', () => {
  const refLike = fc.stringMatching(/^[a-zA-Z0-9.:/@_-]{0,120}$/);
  fc.assert(
    fc.property(fc.oneof(text, refLike), (s) => {
      try {
        parseReference(s);
      } catch (err) {
        coded(err);
      }
    }),
    runs(2000),
  );
});

test('manifests and indexes: any bytes or JSON parse or are refused with a code', () => {
  const descriptor = fc.record(
    { mediaType: fc.string(), digest: fc.string(), size: fc.oneof(fc.integer(), fc.double(), fc.string()) },
    { requiredKeys: [] },
  );
  const manifestLike = fc.record(
    {
      schemaVersion: fc.oneof(fc.constant(2), fc.integer(), fc.string()),
      mediaType: fc.constantFrom(
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json',
        'x',
      ),
      config: fc.oneof(descriptor, fc.anything()),
      layers: fc.oneof(fc.array(descriptor, { maxLength: 5 }), fc.anything()),
      manifests: fc.oneof(fc.array(descriptor, { maxLength: 5 }), fc.anything()),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
        manifestLike.map((m) => Buffer.from(JSON.stringify(m))),
      ),
      (raw) => {
        try {
          parseManifest(raw);
        } catch (err) {
          coded(err);
        }
      },
    ),
    runs(1500),
  );
});

test('user patterns: any pattern compiles or is refused; matching any tag stays linear', () => {
  const pattern = fc.oneof(text, fc.stringMatching(/^[a()+*?|.\\d{}[\]^$-]{0,40}$/));
  fc.assert(
    fc.property(pattern, fc.string({ maxLength: 200 }), (p, tag) => {
      let compiled: ReturnType<typeof compilePattern> | undefined;
      try {
        compiled = compilePattern(p, 'tag filter');
      } catch (err) {
        coded(err);
        return;
      }
      assert.equal(typeof compiled.test(tag), 'boolean');
      const rule = {
        source_namespace: 'a',
        source_repository: null,
        repository_filter: null,
        tag_filter: p,
        tag_semver: null,
        target_namespace: 'b',
        target_repository: null,
        tag_rename: null,
      };
      assert.equal(typeof tagMatches(rule, tag), 'boolean');
    }),
    runs(1500),
  );
});

test('OSV records: any JSON or object is added or counted as invalid, never thrown', () => {
  const db = new AdvisoryDb();
  const osvLike = fc.record(
    {
      id: fc.oneof(fc.string(), fc.anything()),
      modified: fc.oneof(fc.string(), fc.anything()),
      affected: fc.oneof(
        fc.array(
          fc.record({
            package: fc.anything(),
            ranges: fc.oneof(
              fc.array(
                fc.record({
                  type: fc.string(),
                  events: fc.array(fc.dictionary(fc.string(), fc.anything()), { maxLength: 4 }),
                }),
                { maxLength: 3 },
              ),
              fc.anything(),
            ),
            versions: fc.anything(),
          }),
          { maxLength: 3 },
        ),
        fc.anything(),
      ),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(
      fc.oneof(
        text,
        fc.json(),
        osvLike.map((o) => JSON.stringify(o)),
      ),
      (json) => {
        assert.equal(typeof db.addJson(json), 'boolean');
      },
    ),
    runs(2000),
  );
  assert.ok(db.invalid > 0);
});

test('layer tars: any bytes, plain or gzip, are read or refused with a scan code', async () => {
  const limits = { maxTarBytes: 1 << 20, maxKeptFileBytes: 1 << 16, maxHashedFileBytes: 1 << 20 };
  const wants = () => ({ keep: true, hash: true });
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (bytes, gzip) => {
      const input = gzip ? gzipSync(bytes) : Buffer.from(bytes);
      try {
        await readLayer(Readable.from([input]), 0, wants, limits);
      } catch (err) {
        coded(err);
      }
    }),
    runs(400),
  );
});

test('signature verifiers: any request is verified or refused with a signature code', async () => {
  const headers = fc.dictionary(
    fc.constantFrom(
      'authorization',
      'x-sdk-date',
      'host',
      'content-type',
      'x-acs-date',
      'x-acs-signature-nonce',
      'x-acs-content-sha256',
      'x-acs-action',
      'x-acs-version',
    ),
    fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=00',
        `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=${'0'.repeat(64)}`,
        '20261204T000000Z',
      ),
    ),
  );
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    rawUrl: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('/', '/v5/p/image?x=1&y=%zz', '*')),
    headers,
    body: fc.oneof(
      fc.constant(undefined),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    ),
  });
  const params = fc.dictionary(
    fc.constantFrom(
      'AccessKeyId',
      'Signature',
      'SignatureMethod',
      'SignatureVersion',
      'SignatureNonce',
      'Timestamp',
      'Action',
    ),
    fc.string({ maxLength: 60 }),
  );
  const secret = async () => 'secret-0123456789';
  await fc.assert(
    fc.asyncProperty(request, params, async (req, p) => {
      for (const verify of [
        () => verifyHuaweiSignature(req, secret),
        () => verifyAlibabaSignature({ ...req, params: new Map(Object.entries(p)) }, secret),
      ]) {
        try {
          await verify();
        } catch (err) {
          coded(err);
        }
      }
    }),
    runs(1500),
  );
});
