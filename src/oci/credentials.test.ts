import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  InvalidCredentialsError,
  InvalidCredentialsFileError,
  loadDockerConfigCredentials,
  parseUserPass,
  type RegistryCredentials,
} from './credentials.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const SECRET = 'S3cr3t:with:colons';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'regatta-credentials-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let dirCount = 0;
async function configDir(content: string | object): Promise<string> {
  const dir = join(root, `c${dirCount++}`);
  await mkdir(dir);
  await writeFile(join(dir, 'config.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('loadDockerConfigCredentials', () => {
  const config = {
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
      'ghcr.io': { auth: b64(`gh:${SECRET}`) },
      'https://quay.io': { username: 'q', password: 'qp' },
      'http://insecure.local:5000': { auth: b64('i:ip') },
      'registry.example/v1/': { auth: b64('r:rp') },
      'https://Mixed.Example.COM/v2/': { auth: b64('m:mp') },
      'localhost:5000': { identitytoken: 'refresh-token', auth: b64('ignored:ignored') },
      '127.0.0.1:5000': { auth: b64('both:fromauth'), username: 'other', password: 'other' },
      '[::1]:5000': { auth: b64('v6:pass') },
      'empty.example': {},
      'blank.example': { auth: '', identitytoken: '' },
      'helper.example': { auth: b64('stale:stale') },
      'https://gcr.io': { auth: b64('fromfile:x') },
    },
    credHelpers: { 'helper.example': 'secretservice', 'https://gcr.io': 'gcloud' },
    credsStore: 'desktop',
  };
  const cases: Array<[string, RegistryCredentials | undefined]> = [
    ['docker.io', { username: 'hubuser', password: 'hubpass' }],
    ['index.docker.io', { username: 'hubuser', password: 'hubpass' }],
    ['registry-1.docker.io', { username: 'hubuser', password: 'hubpass' }],
    ['ghcr.io', { username: 'gh', password: SECRET }],
    ['GHCR.IO', { username: 'gh', password: SECRET }],
    ['quay.io', { username: 'q', password: 'qp' }],
    ['insecure.local:5000', { username: 'i', password: 'ip' }],
    ['insecure.local', undefined],
    ['registry.example', { username: 'r', password: 'rp' }],
    ['mixed.example.com', { username: 'm', password: 'mp' }],
    ['localhost:5000', { identityToken: 'refresh-token' }],
    ['127.0.0.1:5000', { username: 'both', password: 'fromauth' }],
    ['[::1]:5000', { username: 'v6', password: 'pass' }],
    ['empty.example', undefined],
    ['blank.example', undefined],
    ['helper.example', undefined],
    ['gcr.io', undefined],
    ['unknown.example', undefined],
  ];
  for (const [registry, want] of cases) {
    test(`${registry} → ${want === undefined ? 'nothing' : Object.keys(want).join('+')}`, async () => {
      const dir = await configDir(config);
      assert.deepEqual(await loadDockerConfigCredentials(registry, { configDir: dir }), want);
    });
  }

  test('an exact key wins over a URL form of the same host', async () => {
    const dir = await configDir({
      auths: { 'https://example.io': { auth: b64('url:x') }, 'example.io': { auth: b64('exact:y') } },
    });
    assert.deepEqual(await loadDockerConfigCredentials('example.io', { configDir: dir }), {
      username: 'exact',
      password: 'y',
    });
  });

  test('docker.io prefers the index key over other Docker Hub forms', async () => {
    const dir = await configDir({
      auths: {
        'registry-1.docker.io': { auth: b64('other:x') },
        'https://index.docker.io/v1/': { auth: b64('idx:y') },
      },
    });
    assert.deepEqual(await loadDockerConfigCredentials('docker.io', { configDir: dir }), {
      username: 'idx',
      password: 'y',
    });
  });

  test('a plain docker.io key matches too', async () => {
    const dir = await configDir({ auths: { 'docker.io': { auth: b64('plain:z') } } });
    assert.deepEqual(await loadDockerConfigCredentials('docker.io', { configDir: dir }), {
      username: 'plain',
      password: 'z',
    });
  });

  test('uses $DOCKER_CONFIG, then $HOME/.docker', async () => {
    const dir = await configDir({ auths: { 'a.io': { auth: b64('env:1') } } });
    assert.deepEqual(await loadDockerConfigCredentials('a.io', { env: { DOCKER_CONFIG: dir } }), {
      username: 'env',
      password: '1',
    });
    const home = join(root, `home${dirCount++}`);
    await mkdir(join(home, '.docker'), { recursive: true });
    await writeFile(
      join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { 'a.io': { auth: b64('home:2') } } }),
    );
    assert.deepEqual(await loadDockerConfigCredentials('a.io', { env: { HOME: home } }), {
      username: 'home',
      password: '2',
    });
    assert.deepEqual(await loadDockerConfigCredentials('a.io', { env: { HOME: home, DOCKER_CONFIG: '' } }), {
      username: 'home',
      password: '2',
    });
  });

  test('configDir wins over $DOCKER_CONFIG', async () => {
    const dir = await configDir({ auths: { 'a.io': { auth: b64('opt:1') } } });
    const other = await configDir({ auths: { 'a.io': { auth: b64('env:2') } } });
    const got = await loadDockerConfigCredentials('a.io', { configDir: dir, env: { DOCKER_CONFIG: other } });
    assert.deepEqual(got, { username: 'opt', password: '1' });
  });

  const empty: Array<[string, string | object]> = [
    ['no auths', { credsStore: 'desktop' }],
    ['null auths', { auths: null }],
    ['empty file', ''],
    ['whitespace file', ' \n'],
    ['empty object', {}],
  ];
  for (const [name, content] of empty) {
    test(`${name} → undefined`, async () => {
      assert.equal(await loadDockerConfigCredentials('a.io', { configDir: await configDir(content) }), undefined);
    });
  }

  test('a missing file or directory → undefined', async () => {
    assert.equal(await loadDockerConfigCredentials('a.io', { configDir: join(root, 'does-not-exist') }), undefined);
  });

  const invalid: Array<[string, string | object, RegExp]> = [
    ['invalid JSON', `{"auths": {"a.io": {"auth": "${b64(`u:${SECRET}`)}"`, /is not valid JSON/],
    ['a JSON array', '[]', /must hold a JSON object/],
    ['auths not an object', { auths: ['a.io'] }, /auths must be an object/],
    ['entry not an object', { auths: { 'a.io': 'x' } }, /auths\["a\.io"\] must be an object/],
    ['auth not a string', { auths: { 'a.io': { auth: 5 } } }, /auths\["a\.io"\]\.auth must be a string/],
    [
      'password not a string',
      { auths: { 'a.io': { username: 'u', password: [SECRET] } } },
      /\.password must be a string/,
    ],
    ['auth not base64', { auths: { 'a.io': { auth: `${SECRET}!` } } }, /auths\["a\.io"\]\.auth is not base64/],
    ['auth without a colon', { auths: { 'a.io': { auth: b64('S3cr3tNoColon') } } }, /is not base64 of user:password/],
    ['credHelpers not an object', { credHelpers: 'x' }, /credHelpers must be an object/],
  ];
  for (const [name, content, message] of invalid) {
    test(`${name} → typed error naming the file, no secrets`, async () => {
      const dir = await configDir(content);
      await assert.rejects(loadDockerConfigCredentials('a.io', { configDir: dir }), (err: unknown) => {
        assert.ok(err instanceof InvalidCredentialsFileError);
        assert.equal(err.code, 'INVALID_CREDENTIALS_FILE');
        assert.equal(err.name, 'InvalidCredentialsFileError');
        assert.equal(err.file, join(dir, 'config.json'));
        assert.ok(err.message.includes(join(dir, 'config.json')), err.message);
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /S3cr3t/);
        assert.ok(!err.message.includes(b64(`u:${SECRET}`).slice(0, 12)), err.message);
        return true;
      });
    });
  }

  test('an unreadable file → typed error', { skip: process.getuid?.() === 0 && 'root can read anything' }, async () => {
    const dir = await configDir({});
    await chmod(join(dir, 'config.json'), 0o000);
    await assert.rejects(loadDockerConfigCredentials('a.io', { configDir: dir }), /cannot be read \(EACCES\)/);
  });

  test('a directory where the file should be → typed error', async () => {
    const dir = join(root, `c${dirCount++}`);
    await mkdir(join(dir, 'config.json'), { recursive: true });
    await assert.rejects(loadDockerConfigCredentials('a.io', { configDir: dir }), InvalidCredentialsFileError);
  });
});

describe('parseUserPass', () => {
  const good: Array<[string, { username: string; password: string }]> = [
    ['user:pass', { username: 'user', password: 'pass' }],
    ['user:pa:ss:', { username: 'user', password: 'pa:ss:' }],
    ['user:', { username: 'user', password: '' }],
    ['us er:p w', { username: 'us er', password: 'p w' }],
    ['AWS:eyJwYXlsb2FkIjoi==', { username: 'AWS', password: 'eyJwYXlsb2FkIjoi==' }],
  ];
  for (const [input, want] of good) {
    test(`parses ${JSON.stringify(input)}`, () => assert.deepEqual(parseUserPass(input), want));
  }

  for (const input of ['', 'S3cr3tOnly', ':S3cr3t', `:${SECRET}`]) {
    test(`rejects ${JSON.stringify(input)} without echoing it`, () => {
      assert.throws(
        () => parseUserPass(input),
        (err: unknown) =>
          err instanceof InvalidCredentialsError &&
          err.code === 'INVALID_CREDENTIALS' &&
          err.name === 'InvalidCredentialsError' &&
          !err.message.includes('S3cr3t') &&
          (input === '' || !err.message.includes(input)),
      );
    });
  }
});
