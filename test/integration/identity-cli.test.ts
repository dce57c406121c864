// People, keys and tokens from the CLI: the real `regatta` (a child process, passwords on its stdin) against a real
// server. The bootstrap superadmin makes two projects and a person with a password, admin in one and viewer in the
// other, and a service account with an operator role and a token; the lists' --json fields; the token works with
// the API until revoked, then 401; the person signs in (`login`, the token kept in the config file), sees
// themselves, makes and revokes their own key pair, and signs out; password change, disabling; and the audit
// log read with --json holds the calls made. On PGlite, and on PostgreSQL too when DATABASE_URL is set.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { freshPostgresDatabase } from '../support/database.js';
import { until } from '../support/until.js';
import { type CliResult, json } from './cli.js';
import { type Json, PROJECT, startServer, type TestServer, TOKEN } from './server.js';

const ENTRY = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));
const PASSWORD = 'correct horse battery staple';

/** `regatta ARGS` with `input` on its stdin, in an environment holding no REGATTA_* of the test runner's. */
function regatta(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: '/nonexistent', ...opts.env };
  for (const k of ['REGATTA_URL', 'REGATTA_TOKEN', 'REGATTA_PROJECT']) if (!opts.env || !(k in opts.env)) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** JSON of a command that must succeed. */
function ok<T = Json>(r: CliResult): T {
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return json<T>(r);
}

async function get(server: TestServer, path: string, token: string, project?: string) {
  const res = await request(new URL(path, server.url), {
    headers: { 'x-auth-token': token, ...(project ? { 'x-project-id': project } : {}) },
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: (text ? JSON.parse(text) : {}) as Json };
}

const engines = [{ name: 'pglite', url: undefined as string | undefined }];
if (process.env.DATABASE_URL) engines.push({ name: 'postgres', url: process.env.DATABASE_URL });

for (const engine of engines) {
  describe(`identity from the CLI on ${engine.name}`, () => {
    let server: TestServer;
    let configHome: string;
    let dropDatabase = async () => {};
    const ids = { a: '', b: '', carol: '', mirror: '', mirrorToken: '' };
    /** As the bootstrap superadmin, with the server and token as flags. */
    const admin = (...args: string[]) => regatta([...args, '--server', server.url, '--token', TOKEN]);
    /** With the config file of this test (where `login` keeps its token) and nothing else. */
    const configured = (args: string[], input?: string) =>
      regatta(args, { env: { XDG_CONFIG_HOME: configHome }, input });

    before(async () => {
      const fresh = engine.url ? await freshPostgresDatabase(engine.url) : undefined;
      if (fresh) dropDatabase = fresh.drop;
      server = await startServer({ databaseUrl: fresh?.url, workers: false });
      configHome = await mkdtemp(join(tmpdir(), 'regatta-cli-config-'));
    });
    after(async () => {
      await server?.stop();
      await dropDatabase();
      if (configHome) await rm(configHome, { recursive: true, force: true });
    });

    test('a superadmin makes, lists, renames and deletes projects', async () => {
      for (const key of ['a', 'b'] as const) {
        const made = ok(await admin('project', 'create', `team-${key}`, '--json'));
        assert.equal(made.name, `team-${key}`);
        assert.match(made.id, /^[0-9a-f]{32}$/);
        ids[key] = made.id;
      }
      const dup = await admin('project', 'create', 'team-a', '--json');
      assert.equal(dup.code, 1);
      assert.equal(json<Json>(dup).error.code, 'CONFLICT');

      const { projects } = ok<{ projects: Json[] }>(await admin('project', 'ls', '--json'));
      assert.deepEqual(projects.map((p) => p.id).sort(), [PROJECT, ids.a, ids.b].sort());
      for (const p of projects) assert.equal(p.role, 'admin', 'a superadmin is admin everywhere');
      assert.equal(projects.find((p) => p.id === ids.a)?.registries, 0);

      const c = ok(await admin('project', 'create', 'team-c', '--json'));
      const renamed = ok(await admin('project', 'rename', 'team-c', 'team-see', '--json'));
      assert.deepEqual([renamed.id, renamed.name], [c.id, 'team-see']);
      const table = await admin('project', 'ls');
      assert.match(table.stdout, /^ID\s+NAME\s+ROLE\s+REGISTRIES\s+CREATED$/m);
      assert.match(table.stdout, new RegExp(`^${c.id}\\s+team-see\\s+admin\\s+0\\s`, 'm'));
      assert.deepEqual(ok(await admin('project', 'rm', 'team-see', '--json')), { deleted: c.id });
      const left = ok<{ projects: Json[] }>(await admin('project', 'ls', '--json'));
      assert.equal(left.projects.length, 3);
    });

    test('a person with a password, admin in one project and viewer in the other', async () => {
      const carol = ok(
        await regatta(
          ['user', 'add', 'carol', '--password-stdin', '--json', '--server', server.url, '--token', TOKEN],
          { input: `${PASSWORD}\n` },
        ),
      );
      assert.equal(carol.name, 'carol');
      assert.equal(carol.kind, 'user');
      assert.equal(carol.sign_in, 'password');
      assert.equal(carol.superadmin, false);
      assert.equal('password' in carol || 'password_hash' in carol, false);
      ids.carol = carol.id;
      const noStdin = await admin('user', 'passwd', 'carol');
      assert.equal(noStdin.code, 2, 'passwd needs --password-stdin');
      assert.match(noStdin.stderr, /--password-stdin/);

      const users = ok<{ users: Json[] }>(await admin('user', 'ls', '--json'));
      assert.deepEqual(users.users.map((u) => u.name).sort(), ['bootstrap-admin', 'carol']);

      const inA = ok(await admin('member', 'add', 'carol', '--role', 'admin', '--project', ids.a, '--json'));
      assert.deepEqual([inA.id, inA.role, inA.source], [ids.carol, 'admin', 'manual']);
      // Given viewer in B first as operator, then set to viewer by name.
      ok(await admin('member', 'add', 'carol', '--role', 'operator', '--project', ids.b, '--json'));
      const set = ok(await admin('member', 'set', 'carol', '--role', 'viewer', '--project', ids.b, '--json'));
      assert.equal(set.role, 'viewer');
      const badRole = await admin('member', 'add', 'carol', '--role', 'owner', '--project', ids.a);
      assert.equal(badRole.code, 2);
    });

    test('a service account with an operator role gets a token, which works until revoked', async () => {
      const sa = ok(await admin('member', 'add-service', 'mirror', '--role', 'operator', '--project', ids.a, '--json'));
      assert.deepEqual([sa.kind, sa.name, sa.role, sa.sign_in], ['service', 'mirror', 'operator', 'none']);
      ids.mirror = sa.id;

      const { members } = ok<{ members: Json[] }>(await admin('member', 'ls', '--project', ids.a, '--json'));
      const byName = Object.fromEntries(members.map((m) => [m.name, m]));
      assert.deepEqual(Object.keys(byName).sort(), ['carol', 'mirror']);
      assert.deepEqual([byName.carol.id, byName.carol.kind, byName.carol.role], [ids.carol, 'user', 'admin']);
      assert.deepEqual([byName.mirror.id, byName.mirror.kind, byName.mirror.role], [ids.mirror, 'service', 'operator']);
      const inB = ok<{ members: Json[] }>(await admin('member', 'ls', '--project', ids.b, '--json'));
      assert.deepEqual(
        inB.members.map((m) => [m.name, m.role]),
        [['carol', 'viewer']],
      );
      const table = await admin('member', 'ls', '--project', ids.a);
      assert.match(table.stdout, /^\S+\s+carol\s+person\s+admin\s+password\s+manual$/m);
      assert.match(table.stdout, /^\S+\s+mirror\s+service account\s+operator\s+none\s+manual$/m);

      const made = ok(
        await admin(
          'token',
          'create',
          'mirror-ci',
          '--for',
          'mirror',
          '--expires-days',
          '30',
          '--project',
          ids.a,
          '--json',
        ),
      );
      assert.match(made.token, /^rgt_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(
        [made.kind, made.name, made.principal_id, made.principal_name, made.project_id, made.created_by],
        ['token', 'mirror-ci', ids.mirror, 'mirror', ids.a, 'bootstrap-admin'],
      );
      const days = (Date.parse(made.expires_at) - Date.now()) / 86_400_000;
      assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
      ids.mirrorToken = made.id;

      const { tokens } = ok<{ tokens: Json[] }>(await admin('token', 'ls', '--project', ids.a, '--json'));
      const listed = tokens.find((t) => t.id === made.id);
      assert.ok(listed, JSON.stringify(tokens));
      assert.deepEqual(
        [listed.name, listed.principal_name, listed.project_id, listed.revoked_at, 'token' in listed],
        ['mirror-ci', 'mirror', ids.a, null, false],
      );

      // The token acts as the operator of project A, and nowhere else.
      const rules = await get(server, '/api/v1/rules', made.token, ids.a);
      assert.equal(rules.status, 200, JSON.stringify(rules.json));
      assert.deepEqual(rules.json.rules, []);
      assert.equal((await get(server, '/api/v1/rules', made.token)).status, 200, 'its own project by default');
      assert.equal((await get(server, '/api/v1/rules', made.token, ids.b)).status, 403);
      const me = ok(await regatta(['whoami', '--json', '--server', server.url, '--token', made.token]));
      assert.deepEqual([me.name, me.kind, me.project_id, me.role], ['mirror', 'service', ids.a, 'operator']);
      // An operator may not manage members.
      const refused = await regatta(['member', 'add-service', 'x', '--role', 'viewer', '--json'], {
        env: { REGATTA_URL: server.url, REGATTA_TOKEN: made.token },
      });
      assert.equal(refused.code, 1);
      assert.equal(json<Json>(refused).error.code, 'FORBIDDEN');

      const revoked = ok(await admin('token', 'revoke', made.id, '--project', ids.a, '--json'));
      assert.equal(revoked.id, made.id);
      assert.ok(revoked.revoked_at);
      assert.equal((await get(server, '/api/v1/rules', made.token, ids.a)).status, 401);
      const active = ok<{ tokens: Json[] }>(await admin('token', 'ls', '--project', ids.a, '--json'));
      assert.equal(
        active.tokens.some((t) => t.id === made.id),
        false,
        'ls shows active tokens',
      );
      const all = ok<{ tokens: Json[] }>(await admin('token', 'ls', '--all', '--project', ids.a, '--json'));
      assert.ok(
        all.tokens.some((t) => t.id === made.id && t.revoked_at),
        '--all shows revoked ones',
      );
    });

    test('the human output of token create shows the secret once, labelled', async () => {
      const r = await admin('token', 'create', 'mirror-readable', '--for', ids.mirror, '--project', ids.a);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^created token mirror-readable \(\S+\) for mirror, acting in project \w+, never expires$/m,
      );
      assert.match(r.stdout, /^ {2}token: rgt_\S{43}$/m);
      assert.match(r.stdout, /not shown again/);
      const secret = /token: (rgt_\S+)/.exec(r.stdout)![1]!;
      const listing = await admin('token', 'ls', '--project', ids.a);
      assert.match(listing.stdout, /mirror-readable\s+mirror\s+\w+\s+never/);
      assert.equal(listing.stdout.includes(secret), false, 'the secret is never listed');
    });

    test('the person signs in, sees their projects, makes and revokes a key pair, and signs out', async () => {
      const wrong = await configured(
        ['login', '--server', server.url, '--name', 'carol', '--password-stdin', '--json'],
        'nope\n',
      );
      assert.equal(wrong.code, 1);
      assert.equal(json<Json>(wrong).error.code, 'UNAUTHENTICATED');

      const login = ok(
        await configured(
          ['login', '--server', server.url, '--name', 'carol', '--password-stdin', '--json'],
          `${PASSWORD}\n`,
        ),
      );
      const path = join(configHome, 'regatta', 'config.json');
      assert.equal(login.name, 'carol');
      assert.equal(login.config, path);
      assert.ok(Date.parse(login.expires_at) > Date.now());
      const file = JSON.parse(await readFile(path, 'utf8'));
      assert.equal(file.url, server.url);
      assert.match(file.token, /^rgt_/);
      assert.equal((await stat(path)).mode & 0o777, 0o600, 'the config file is owner-only');

      // Every command now finds the server and the token in the config file.
      const me = ok(await configured(['whoami', '--json']));
      assert.deepEqual(
        [me.id, me.name, me.kind, me.superadmin, me.credential.kind],
        [ids.carol, 'carol', 'user', false, 'session'],
      );
      assert.deepEqual(
        me.projects.map((p: Json) => [p.id, p.role]).sort(),
        [
          [ids.a, 'admin'],
          [ids.b, 'viewer'],
        ].sort(),
      );
      const several = await configured(['member', 'ls', '--json']);
      assert.equal(json<Json>(several).error.code, 'FORBIDDEN', 'in two projects: one must be named');
      const viewer = ok<{ members: Json[] }>(await configured(['member', 'ls', '--project', ids.b, '--json']));
      assert.equal(viewer.members.length, 1);
      const notAdmin = await configured([
        'member',
        'add-service',
        'bot',
        '--role',
        'viewer',
        '--project',
        ids.b,
        '--json',
      ]);
      assert.equal(json<Json>(notAdmin).error.code, 'FORBIDDEN');
      const notSuper = await configured(['project', 'create', 'mine', '--json']);
      assert.equal(json<Json>(notSuper).error.code, 'FORBIDDEN');
      const mine = ok<{ projects: Json[] }>(await configured(['project', 'ls', '--json']));
      assert.deepEqual(mine.projects.map((p) => p.id).sort(), [ids.a, ids.b].sort());

      const key = ok(await configured(['key', 'create', 'laptop', '--project', ids.a, '--json']));
      assert.match(key.access_key, /^[A-Z0-9]{20}$/);
      assert.match(key.secret_key, /^[A-Za-z0-9]{40}$/);
      assert.deepEqual([key.kind, key.principal_name, key.project_id], ['access_key', 'carol', ids.a]);
      const keys = ok<{ keys: Json[] }>(await configured(['key', 'ls', '--project', ids.a, '--json']));
      const listed = keys.keys.find((k) => k.id === key.id);
      assert.equal(listed?.access_key, key.access_key);
      assert.equal('secret_key' in (listed ?? {}), false);
      const wrongKind = await configured(['token', 'revoke', key.id, '--project', ids.a]);
      assert.equal(wrongKind.code, 2);
      assert.match(wrongKind.stderr, /is a key pair: regatta key revoke/);
      const byAk = ok(await configured(['key', 'revoke', key.access_key, '--project', ids.a, '--json']));
      assert.deepEqual([byAk.id, Boolean(byAk.revoked_at)], [key.id, true]);

      // A token of carol's acting in every project she belongs to.
      const everywhere = ok(await configured(['token', 'create', 'laptop', '--all-projects', '--json']));
      assert.equal(everywhere.project_id, null);
      assert.equal((await get(server, '/api/v1/members', everywhere.token, ids.b)).status, 200);
      assert.equal((await get(server, '/api/v1/members', everywhere.token, ids.a)).status, 200);

      const sessionToken = file.token as string;
      const out = ok(await configured(['logout', '--json']));
      assert.deepEqual(out, { revoked: true, forgotten: true });
      assert.equal((await get(server, '/api/v1/whoami', sessionToken)).status, 401, 'the session is revoked');
      assert.equal(JSON.parse(await readFile(path, 'utf8')).token, undefined);
      const gone = await configured(['whoami']);
      assert.equal(gone.code, 2);
      assert.match(gone.stderr, /no API token/);

      // --print: the token alone on stdout, for REGATTA_TOKEN.
      const printed = await configured(
        ['login', '--server', server.url, '--name', 'carol', '--password-stdin', '--print'],
        PASSWORD,
      );
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, /^rgt_\S+\n$/);
      assert.match(printed.stderr, /REGATTA_TOKEN/);
      // logout refuses to revoke an API token given as REGATTA_TOKEN (DELETE /session would revoke any credential).
      const notSession = await regatta(['logout', '--json'], {
        env: { REGATTA_URL: server.url, REGATTA_TOKEN: everywhere.token, XDG_CONFIG_HOME: configHome },
      });
      assert.equal(notSession.code, 1);
      assert.equal(json<Json>(notSession).error.code, 'NOT_A_SESSION');
      assert.equal((await get(server, '/api/v1/whoami', everywhere.token)).status, 200);
    });

    test('a superadmin changes a password, disables and enables a person', async () => {
      const login = (password: string) =>
        configured(['login', '--server', server.url, '--name', 'carol', '--password-stdin', '--print'], password);
      const changed = ok(
        await regatta(
          ['user', 'passwd', 'carol', '--password-stdin', '--json', '--server', server.url, '--token', TOKEN],
          {
            input: 'a new and longer password\n',
          },
        ),
      );
      assert.equal(changed.id, ids.carol);
      assert.equal((await login(PASSWORD)).code, 1);
      assert.equal((await login('a new and longer password')).code, 0);

      const disabled = ok(await admin('user', 'disable', 'carol', '--json'));
      assert.equal(disabled.disabled, true);
      const refused = await login('a new and longer password');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /UNAUTHENTICATED/);
      const enabled = ok(await admin('user', 'enable', ids.carol, '--json'));
      assert.equal(enabled.disabled, false);
      assert.equal((await login('a new and longer password')).code, 0);
    });

    test('the audit log, read with --json, holds the calls made', async () => {
      type Entry = Json & { action: string; outcome: string; principal_name: string | null };
      const read = async (...args: string[]) =>
        ok<{ entries: Entry[]; next_before: number | null }>(await admin('audit', 'ls', '--json', ...args));
      const find = (entries: Entry[], action: string, outcome: string, who: string | null) =>
        entries.filter((e) => e.action === action && e.outcome === outcome && e.principal_name === who);
      // Entries are written once each answer is sent: wait for the last call's.
      const everything = await until('audit entries written', async () => {
        const page = await read('--all', '--limit', '1000');
        return find(page.entries, 'POST /api/v1/session', 'success', 'carol').length >= 4 ? page : undefined;
      });
      const all = everything.entries;
      assert.equal(find(all, 'POST /api/v1/projects', 'success', 'bootstrap-admin').length, 3);
      assert.equal(find(all, 'POST /api/v1/projects', 'failure', 'bootstrap-admin').length, 1, 'the duplicate name');
      assert.equal(find(all, 'POST /api/v1/projects', 'denied', 'carol').length, 1);
      assert.equal(find(all, 'PATCH /api/v1/projects/:id', 'success', 'bootstrap-admin').length, 1);
      assert.equal(find(all, 'DELETE /api/v1/projects/:id', 'success', 'bootstrap-admin').length, 1);
      assert.equal(find(all, 'POST /api/v1/users', 'success', 'bootstrap-admin').length, 1);
      assert.equal(find(all, 'PATCH /api/v1/users/:id', 'success', 'bootstrap-admin').length, 3);
      assert.equal(find(all, 'POST /api/v1/members', 'success', 'bootstrap-admin').length, 2);
      assert.equal(find(all, 'PUT /api/v1/members/:principal_id', 'success', 'bootstrap-admin').length, 1);
      assert.equal(find(all, 'POST /api/v1/service-accounts', 'success', 'bootstrap-admin').length, 1);
      assert.equal(find(all, 'POST /api/v1/service-accounts', 'denied', 'mirror').length, 1);
      assert.equal(find(all, 'POST /api/v1/credentials', 'success', 'bootstrap-admin').length, 2);
      assert.equal(find(all, 'POST /api/v1/credentials', 'success', 'carol').length, 2);
      assert.equal(find(all, 'DELETE /api/v1/session', 'success', 'carol').length, 1);
      assert.equal(
        find(all, 'POST /api/v1/session', 'unauthenticated', 'carol').length,
        3,
        'wrong password, old, disabled',
      );
      const revoke = find(all, 'DELETE /api/v1/credentials/:id', 'success', 'bootstrap-admin');
      assert.deepEqual(
        revoke.map((e) => [e.target, e.project_id, e.family]),
        [[`/api/v1/credentials/${ids.mirrorToken}`, ids.a, 'native']],
      );
      for (const e of all) assert.match(e.request_id, /\S/);

      // Filters: one project's entries (an admin's view), one person's, one outcome.
      const a = await read('--project', ids.a, '--limit', '1000');
      assert.ok(a.entries.length > 0);
      for (const e of a.entries) assert.equal(e.project_id, ids.a);
      assert.ok(find(a.entries, 'POST /api/v1/service-accounts', 'success', 'bootstrap-admin').length === 1);
      const carol = await read('--all', '--principal', 'carol', '--outcome', 'unauthenticated', '--since', '1h');
      assert.equal(carol.entries.length, 3);
      const paged = await read('--all', '--limit', '2');
      assert.equal(paged.entries.length, 2);
      assert.equal(paged.next_before, paged.entries[1]!.id);
      const next = await read('--all', '--limit', '2', '--before', String(paged.next_before));
      assert.ok(next.entries[0]!.id < paged.next_before!);

      const human = await admin('audit', 'ls', '--all', '--principal', 'carol', '--limit', '3');
      assert.match(human.stdout, /^ID\s+AT \(UTC\)\s+WHO\s+PROJECT\s+ACTION\s+TARGET\s+STATUS\s+OUTCOME$/m);
      assert.match(human.stdout, /^more: --before \d+$/m);
    });
  });
}
