import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Challenge,
  formatScope,
  InvalidScopeError,
  mergeScopes,
  parseChallenges,
  parseScope,
} from './challenge.js';

describe('parseChallenges', () => {
  const cases: Array<[string, string | string[] | undefined, Challenge[]]> = [
    ['undefined', undefined, []],
    ['empty string', '', []],
    ['empty list', [], []],
    ['only separators', ' , ,, ', []],
    [
      'distribution bearer',
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:samalba/my-app:pull,push"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.example/token',
            service: 'registry.example',
            scope: 'repository:samalba/my-app:pull,push',
          },
        },
      ],
    ],
    [
      'basic with space in realm',
      'Basic realm="Registry Realm"',
      [{ scheme: 'basic', params: { realm: 'Registry Realm' } }],
    ],
    ['bare scheme', 'Basic', [{ scheme: 'basic', params: {} }]],
    [
      'upper-case scheme and names',
      'BEARER Realm="r", SERVICE="s"',
      [{ scheme: 'bearer', params: { realm: 'r', service: 's' } }],
    ],
    [
      'unquoted values with URL characters',
      'Bearer realm=https://auth.docker.io/token,service=registry.docker.io',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } }],
    ],
    [
      'extra spaces and tabs',
      '  Bearer   realm = "r" ,\t service\t=\ts ,  scope= "a:b:c"  ',
      [{ scheme: 'bearer', params: { realm: 'r', service: 's', scope: 'a:b:c' } }],
    ],
    [
      'escaped quotes and backslashes',
      String.raw`Basic realm="say \"hi\", then \\ leave"`,
      [{ scheme: 'basic', params: { realm: String.raw`say "hi", then \ leave` } }],
    ],
    ['empty quoted value', 'Basic realm=""', [{ scheme: 'basic', params: { realm: '' } }]],
    ['empty bare value', 'Bearer realm=, service=x', [{ scheme: 'bearer', params: { realm: '', service: 'x' } }]],
    [
      'RFC 6750 error',
      'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'example', error: 'invalid_token', error_description: 'The access token expired' },
        },
      ],
    ],
    [
      'two challenges in one header',
      'Basic realm="simple", Bearer realm="https://a/t",scope="repository:a/b:pull,push"',
      [
        { scheme: 'basic', params: { realm: 'simple' } },
        { scheme: 'bearer', params: { realm: 'https://a/t', scope: 'repository:a/b:pull,push' } },
      ],
    ],
    [
      'bare scheme then another challenge',
      'Negotiate, Basic realm="x"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    [
      'RFC 7235 example with an unknown scheme',
      'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
      [
        { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
        { scheme: 'basic', params: { realm: 'simple' } },
      ],
    ],
    [
      'several headers',
      ['Basic realm="one"', 'Bearer realm="two",service="s"'],
      [
        { scheme: 'basic', params: { realm: 'one' } },
        { scheme: 'bearer', params: { realm: 'two', service: 's' } },
      ],
    ],
    [
      'token68',
      'Negotiate YIIB9wYGKwYBBQUCoIIB6zCCAeeg==',
      [{ scheme: 'negotiate', params: {}, token68: 'YIIB9wYGKwYBBQUCoIIB6zCCAeeg==' }],
    ],
    [
      'token68 then another challenge',
      'Negotiate abc+/9=, Basic realm="r"',
      [
        { scheme: 'negotiate', params: {}, token68: 'abc+/9=' },
        { scheme: 'basic', params: { realm: 'r' } },
      ],
    ],
    [
      'duplicate parameter keeps the first',
      'Basic realm="a", REALM="b"',
      [{ scheme: 'basic', params: { realm: 'a' } }],
    ],
    [
      'missing comma between parameters',
      'Bearer realm="a" service="b"',
      [{ scheme: 'bearer', params: { realm: 'a', service: 'b' } }],
    ],
    [
      'unterminated quote takes the rest',
      'Basic realm="open, Bearer x=y',
      [{ scheme: 'basic', params: { realm: 'open, Bearer x=y' } }],
    ],
    [
      'garbage is skipped to the next comma',
      '"junk", =x, Basic realm="r"',
      [{ scheme: 'basic', params: { realm: 'r' } }],
    ],
    [
      'prototype-looking names are plain keys',
      'Basic __proto__="x", constructor=y',
      [
        {
          scheme: 'basic',
          params: Object.fromEntries([
            ['__proto__', 'x'],
            ['constructor', 'y'],
          ]),
        },
      ],
    ],
  ];
  for (const [name, header, want] of cases) {
    test(name, () => assert.deepEqual(parseChallenges(header), want));
  }

  test('a __proto__ parameter is an own key, not a prototype change', () => {
    const [c] = parseChallenges('Basic __proto__="x"');
    assert.ok(c);
    assert.equal(Object.getPrototypeOf(c.params), Object.prototype);
    assert.ok(Object.hasOwn(c.params, '__proto__'));
    assert.equal(Object.getOwnPropertyDescriptor(c.params, '__proto__')?.value, 'x');
  });
});

describe('parseScope', () => {
  const good: Array<[string, { type: string; name: string; actions: string[] }]> = [
    ['repository:samalba/my-app:pull,push', { type: 'repository', name: 'samalba/my-app', actions: ['pull', 'push'] }],
    ['repository:library/alpine:pull', { type: 'repository', name: 'library/alpine', actions: ['pull'] }],
    ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
    ['repository(plugin):a/b:pull', { type: 'repository(plugin)', name: 'a/b', actions: ['pull'] }],
    ['repository:host:5000/a:pull', { type: 'repository', name: 'host:5000/a', actions: ['pull'] }],
    ['repository:a/b:', { type: 'repository', name: 'a/b', actions: [] }],
    ['repository:a:pull,,push', { type: 'repository', name: 'a', actions: ['pull', 'push'] }],
  ];
  for (const [input, want] of good) {
    test(`parses ${input}`, () => assert.deepEqual(parseScope(input), want));
  }

  const bad = [
    '',
    'repository',
    'repository:a',
    ':a:pull',
    'repository::pull',
    'repository:a:pull repository:b:pull',
    ' repository:a:pull',
  ];
  for (const input of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseScope(input),
        (err: unknown) =>
          err instanceof InvalidScopeError &&
          err.code === 'INVALID_SCOPE' &&
          err.name === 'InvalidScopeError' &&
          err.message.includes(JSON.stringify(input)),
      );
    });
  }
});

describe('formatScope', () => {
  test('formats and round-trips', () => {
    assert.equal(
      formatScope({ type: 'repository', name: 'a/b', actions: ['pull', 'push'] }),
      'repository:a/b:pull,push',
    );
    assert.equal(formatScope({ type: 'registry', name: 'catalog', actions: ['*'] }), 'registry:catalog:*');
    for (const s of ['repository:samalba/my-app:pull,push', 'registry:catalog:*', 'repository:host:5000/a:pull']) {
      assert.equal(formatScope(parseScope(s)), s);
    }
  });
});

describe('mergeScopes', () => {
  const cases: Array<[string, string[], string[], string[]]> = [
    ['empty', [], [], []],
    ['disjoint resources', ['repository:a:pull'], ['repository:b:push'], ['repository:a:pull', 'repository:b:push']],
    ['unions actions per resource', ['repository:a:pull'], ['repository:a:push,pull'], ['repository:a:pull,push']],
    ['deduplicates within one list', ['repository:a:pull,pull', 'repository:a:pull'], [], ['repository:a:pull']],
    ['type matters', ['repository:a:pull'], ['registry:a:*'], ['repository:a:pull', 'registry:a:*']],
    [
      'space-separated lists',
      ['repository:a:pull repository:b:pull'],
      ['repository:b:push  registry:catalog:*'],
      ['repository:a:pull', 'repository:b:pull,push', 'registry:catalog:*'],
    ],
  ];
  for (const [name, a, b, want] of cases) {
    test(name, () => assert.deepEqual(mergeScopes(a, b), want));
  }

  test('does not mutate its inputs', () => {
    const a = ['repository:a:pull'];
    const b = ['repository:a:push'];
    mergeScopes(a, b);
    assert.deepEqual(a, ['repository:a:pull']);
    assert.deepEqual(b, ['repository:a:push']);
  });

  test('rejects an invalid scope', () => {
    assert.throws(() => mergeScopes(['repository:a:pull'], ['nonsense']), InvalidScopeError);
  });
});
