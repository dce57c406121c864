import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  apiHost,
  formatReference,
  InvalidReferenceError,
  isLoopbackHost,
  isValidDigest,
  parseReference,
  parseRepository,
  type Reference,
} from './reference.js';

const SHA256 = `sha256:${'a'.repeat(64)}`;
const SHA512 = `sha512:${'0123456789abcdef'.repeat(8)}`;

describe('parseReference', () => {
  const good: Array<[string, Reference]> = [
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['library/alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['docker.io/foo', { registry: 'docker.io', repository: 'library/foo', tag: 'latest' }],
    ['docker.io/library/foo:1', { registry: 'docker.io', repository: 'library/foo', tag: '1' }],
    ['index.docker.io/foo', { registry: 'docker.io', repository: 'library/foo', tag: 'latest' }],
    ['index.docker.io/user/app:v1', { registry: 'docker.io', repository: 'user/app', tag: 'v1' }],
    ['user/app', { registry: 'docker.io', repository: 'user/app', tag: 'latest' }],
    ['ghcr.io/org/team/app:1.2.3', { registry: 'ghcr.io', repository: 'org/team/app', tag: '1.2.3' }],
    ['GHCR.io/org/app', { registry: 'ghcr.io', repository: 'org/app', tag: 'latest' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app', tag: 'latest' }],
    ['127.0.0.1:5000/a/b:tag', { registry: '127.0.0.1:5000', repository: 'a/b', tag: 'tag' }],
    ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x', tag: 'latest' }],
    ['[::1]/x:y', { registry: '[::1]', repository: 'x', tag: 'y' }],
    ['[2001:db8::1]:443/ns/x', { registry: '[2001:db8::1]:443', repository: 'ns/x', tag: 'latest' }],
    ['registry:5000/app', { registry: 'registry:5000', repository: 'app', tag: 'latest' }],
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
    [`alpine@${SHA256}`, { registry: 'docker.io', repository: 'library/alpine', digest: SHA256 }],
    [`repo:tag@${SHA256}`, { registry: 'docker.io', repository: 'library/repo', tag: 'tag', digest: SHA256 }],
    [`q.io:443/a/b:t@${SHA512}`, { registry: 'q.io:443', repository: 'a/b', tag: 't', digest: SHA512 }],
    ['a.b/c__d/e-f/g.h/i---j:_x', { registry: 'a.b', repository: 'c__d/e-f/g.h/i---j', tag: '_x' }],
    ['x/y:V1_a.b-c', { registry: 'docker.io', repository: 'x/y', tag: 'V1_a.b-c' }],
    [`x:${'t'.repeat(128)}`, { registry: 'docker.io', repository: 'library/x', tag: 't'.repeat(128) }],
    [
      `my-registry.example.com/${'a'.repeat(231)}`,
      { registry: 'my-registry.example.com', repository: 'a'.repeat(231), tag: 'latest' },
    ],
  ];
  for (const [input, want] of good) {
    test(`parses ${input.slice(0, 60)}`, () => {
      assert.deepEqual(parseReference(input), want);
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['', /repository name is empty/],
    ['Alpine', /lower-case/],
    ['ghcr.io/Org/app', /lower-case/],
    ['docker.io/', /repository name is empty/],
    ['ghcr.io/app/', /must be lower-case components/],
    ['ghcr.io//app', /must be lower-case components/],
    ['a/b_-c', /must be lower-case components/],
    ['a___b', /must be lower-case components/],
    ['-a', /must be lower-case components/],
    ['a.', /must be lower-case components/],
    ['a b', /must be lower-case components/],
    ['alpine:', /tag "" must match/],
    ['alpine:-x', /tag "-x" must match/],
    ['alpine:.x', /tag ".x" must match/],
    ['alpine:a+b', /tag "a\+b" must match/],
    [`alpine:${'t'.repeat(129)}`, /tag is longer than 128/],
    ['alpine@', /digest "" is not/],
    ['alpine@sha256:abc', /digest "sha256:abc" is not/],
    [`alpine@sha256:${'a'.repeat(63)}`, /digest/],
    [`alpine@sha256:${'a'.repeat(65)}`, /digest/],
    [`alpine@sha256:${'A'.repeat(64)}`, /digest/],
    [`alpine@sha512:${'a'.repeat(64)}`, /digest/],
    [`alpine@md5:${'a'.repeat(32)}`, /digest/],
    [`alpine@${SHA256}@${SHA256}`, /digest/],
    [`alpine:tag@${SHA256}:x`, /digest/],
    ['a'.repeat(64), /image ID/],
    [`${'a'.repeat(246)}`, /longer than 255/],
    [`ghcr.io/${'a'.repeat(248)}`, /longer than 255/],
    ['-bad.io/app', /registry "-bad.io" is not a valid host/],
    ['bad_host.io/app', /registry "bad_host.io" is not a valid host/],
    ['host.io:port/app', /registry "host.io:port" is not a valid host/],
    ['[::1/app', /registry "\[::1" is not a valid host/],
    ['[::1]', /tag "1\]" must match/],
  ];
  for (const [input, message] of bad) {
    test(`rejects ${JSON.stringify(input.slice(0, 60))}`, () => {
      assert.throws(
        () => parseReference(input),
        (err: unknown) => {
          assert.ok(err instanceof InvalidReferenceError);
          assert.equal(err.code, 'INVALID_REFERENCE');
          assert.equal(err.name, 'InvalidReferenceError');
          assert.equal(err.input, input);
          assert.match(err.message, message);
          assert.ok(err.message.startsWith('invalid image reference "'), err.message);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        },
      );
    });
  }

  test('defaultTag: false leaves the tag out', () => {
    assert.deepEqual(parseReference('alpine', { defaultTag: false }), {
      registry: 'docker.io',
      repository: 'library/alpine',
    });
    assert.equal(parseReference('alpine:3', { defaultTag: false }).tag, '3');
  });

  test('a digest alone does not get the default tag', () => {
    assert.equal(parseReference(`alpine@${SHA256}`).tag, undefined);
  });

  test('long inputs are shortened in the message', () => {
    const input = `${'A'.repeat(300)}/x`;
    assert.throws(
      () => parseReference(input),
      (err: unknown) => err instanceof InvalidReferenceError && err.message.length < 300,
    );
  });
});

describe('parseRepository', () => {
  const good: Array<[string, { registry: string; repository: string }]> = [
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['docker.io/foo', { registry: 'docker.io', repository: 'library/foo' }],
    ['index.docker.io/user/app', { registry: 'docker.io', repository: 'user/app' }],
    ['ghcr.io/org/app', { registry: 'ghcr.io', repository: 'org/app' }],
    ['127.0.0.1:5000/a/b', { registry: '127.0.0.1:5000', repository: 'a/b' }],
    ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x' }],
  ];
  for (const [input, want] of good) {
    test(`parses ${input}`, () => assert.deepEqual(parseRepository(input), want));
  }

  const bad: Array<[string, RegExp]> = [
    ['alpine:3', /must not include a tag/],
    ['ghcr.io:443/org/app:1', /must not include a tag/],
    [`alpine@${SHA256}`, /must not include a digest/],
    ['Alpine', /lower-case/],
    ['', /empty/],
    ['ghcr.io/', /empty/],
  ];
  for (const [input, message] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseRepository(input),
        (err: unknown) =>
          err instanceof InvalidReferenceError &&
          message.test(err.message) &&
          err.message.startsWith('invalid repository'),
      );
    });
  }
});

describe('formatReference', () => {
  const cases: Array<[Reference, string]> = [
    [{ registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }, 'docker.io/library/alpine:latest'],
    [{ registry: '[::1]:5000', repository: 'x' }, '[::1]:5000/x'],
    [{ registry: 'q.io', repository: 'a/b', digest: SHA256 }, `q.io/a/b@${SHA256}`],
    [{ registry: 'q.io', repository: 'a/b', tag: 't', digest: SHA256 }, `q.io/a/b:t@${SHA256}`],
  ];
  for (const [ref, want] of cases) {
    test(`formats ${want.slice(0, 40)}`, () => assert.equal(formatReference(ref), want));
  }

  test('round-trips through parseReference', () => {
    for (const input of ['alpine', `127.0.0.1:5000/a/b:tag@${SHA256}`, '[::1]:5000/x', 'ghcr.io/o/a:1']) {
      const ref = parseReference(input);
      assert.deepEqual(parseReference(formatReference(ref)), ref);
    }
  });
});

describe('apiHost', () => {
  test('maps docker.io to its API host and leaves others alone', () => {
    assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
    assert.equal(apiHost('ghcr.io'), 'ghcr.io');
    assert.equal(apiHost('localhost:5000'), 'localhost:5000');
  });
});

describe('isLoopbackHost', () => {
  const yes = [
    'localhost',
    'localhost:5000',
    'LOCALHOST',
    '127.0.0.1',
    '127.0.0.1:5000',
    '127.255.3.4:80',
    '[::1]',
    '[::1]:5000',
    '[0:0:0:0:0:0:0:1]:5000',
  ];
  const no = [
    'docker.io',
    'localhost.example.com',
    '128.0.0.1',
    '10.0.0.1:5000',
    '[::2]',
    '[::1',
    '::1',
    '127.0.0.1.nip.io',
    'user@localhost',
    'localhost/x',
    '',
  ];
  for (const host of yes) test(`${host} is loopback`, () => assert.equal(isLoopbackHost(host), true));
  for (const host of no)
    test(`${JSON.stringify(host)} is not loopback`, () => assert.equal(isLoopbackHost(host), false));
});

describe('isValidDigest', () => {
  const yes = [SHA256, SHA512, `sha256:${'0123456789abcdef'.repeat(4)}`];
  const no = [
    '',
    'sha256',
    'sha256:',
    `sha256:${'a'.repeat(63)}`,
    `sha256:${'a'.repeat(65)}`,
    `sha256:${'A'.repeat(64)}`,
    `sha256:${'g'.repeat(64)}`,
    `SHA256:${'a'.repeat(64)}`,
    `sha512:${'a'.repeat(64)}`,
    `sha512:${'a'.repeat(127)}`,
    `md5:${'a'.repeat(32)}`,
    `sha256:${'a'.repeat(64)} `,
    `:${'a'.repeat(64)}`,
  ];
  for (const d of yes) test(`${d.slice(0, 20)}… is valid`, () => assert.equal(isValidDigest(d), true));
  for (const d of no)
    test(`${JSON.stringify(d.slice(0, 20))} (${d.length}) is invalid`, () => assert.equal(isValidDigest(d), false));
});
