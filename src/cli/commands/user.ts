// `regatta user ls|add|passwd|disable|enable|rm`: the server's people (native API /api/v1/users, a superadmin's).
// Passwords come from stdin only (--password-stdin), never from the command line. A person is named by name or id.
import type { Command } from 'commander';
import { type ServerFlags, withServerFlags } from '../api-client.js';
import { print } from '../output.js';
import {
  identityClient,
  type JsonFlags,
  type PrincipalRow,
  passwordFromStdin,
  table,
  userId,
  when,
} from './identity.js';

export function registerUser(program: Command): void {
  const user = program.command('user').description('people who sign in (on a running server; superadmin)');

  withServerFlags(user.command('ls'))
    .description('list every person')
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlags) => {
      const api = await identityClient(flags);
      const users = await api.call<PrincipalRow[]>('GET', '/api/v1/users');
      print(flags, { users }, () =>
        table(
          ['ID', 'NAME', 'SIGN-IN', 'SUPERADMIN', 'DISABLED', 'CREATED'],
          users.map((u) => [
            u.id,
            u.name,
            u.sign_in,
            u.superadmin ? 'yes' : 'no',
            u.disabled ? 'yes' : 'no',
            when(u.created_at),
          ]),
          'no people',
        ),
      );
    });

  withServerFlags(user.command('add'))
    .description('add a person; give them a role with `regatta member add NAME --role ROLE`')
    .argument('<name>', 'letters, digits and . _ @ -')
    .option('--password-stdin', 'read their password from stdin (without one, they sign in by single sign-on only)')
    .option('--superadmin', 'make them a superadmin: admin of every project, manages projects and people')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  printf %s "$PASSWORD" | regatta user add alice --password-stdin')
    .action(async (name: string, flags: JsonFlags & { passwordStdin?: boolean; superadmin?: boolean }) => {
      const password = flags.passwordStdin ? await passwordFromStdin() : undefined;
      const api = await identityClient(flags);
      const made = await api.call<PrincipalRow>('POST', '/api/v1/users', {
        body: { name, password, superadmin: flags.superadmin ? true : undefined },
      });
      print(flags, made, () => `added ${made.superadmin ? 'superadmin' : 'person'} ${made.name}: ${made.id}`);
    });

  withServerFlags(user.command('passwd'))
    .description("set a person's password, read from stdin")
    .argument('<user>', 'name or id')
    .requiredOption('--password-stdin', 'read the password from stdin')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, flags: JsonFlags) => {
      const password = await passwordFromStdin();
      const api = await identityClient(flags);
      const id = await userId(api, nameOrId);
      const changed = await api.call<PrincipalRow>('PATCH', `/api/v1/users/${id}`, { body: { password } });
      print(flags, changed, () => `password of ${changed.name} changed`);
    });

  for (const [verb, disabled, summary] of [
    ['disable', true, 'stop a person from signing in: their tokens and keys stop working too'],
    ['enable', false, 'let a disabled person sign in again'],
  ] as const) {
    withServerFlags(user.command(verb))
      .description(summary)
      .argument('<user>', 'name or id')
      .option('--json', 'print JSON')
      .action(async (nameOrId: string, flags: JsonFlags) => {
        const api = await identityClient(flags);
        const id = await userId(api, nameOrId);
        const changed = await api.call<PrincipalRow>('PATCH', `/api/v1/users/${id}`, { body: { disabled } });
        print(flags, changed, () => `${changed.name} ${disabled ? 'disabled' : 'enabled'}`);
      });
  }

  withServerFlags(user.command('rm'))
    .description('delete a person, with their tokens, keys and roles')
    .argument('<user>', 'name or id')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, flags: ServerFlags & { json?: boolean }) => {
      const api = await identityClient(flags);
      const id = await userId(api, nameOrId);
      await api.call('DELETE', `/api/v1/users/${id}`);
      print(flags, { deleted: id }, () => `deleted ${nameOrId}`);
    });
}
