// `regatta member ls|add|add-service|set|rm`: a project's members (native API /api/v1/members): people with a
// role there, and the project's service accounts (machines: a CI job's viewer token, a mirror's operator key).
// The project is --project's, else the credential's own, else the caller's only one. A member is named by name or id.
import type { Command } from 'commander';
import { withServerFlags } from '../api-client.js';
import { print } from '../output.js';
import { identityClient, type JsonFlags, type MemberRow, memberId, roleOption, table } from './identity.js';

type RoleFlags = JsonFlags & { role: string };

export function registerMember(program: Command): void {
  const member = program
    .command('member')
    .description("a project's people and service accounts, with their roles (on a running server)");

  withServerFlags(member.command('ls'))
    .description("list the project's members")
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlags) => {
      const api = await identityClient(flags);
      const members = await api.call<MemberRow[]>('GET', '/api/v1/members');
      print(flags, { members }, () =>
        table(
          ['ID', 'NAME', 'KIND', 'ROLE', 'SIGN-IN', 'SOURCE'],
          members.map((m) => [
            m.id,
            m.name,
            m.kind === 'service' ? 'service account' : m.superadmin ? 'superadmin' : 'person',
            m.role,
            m.disabled ? 'disabled' : m.sign_in,
            m.source,
          ]),
          'no members',
        ),
      );
    });

  withServerFlags(member.command('add'))
    .description('give a person (by name) a role in the project (project admin)')
    .argument('<name>', "the person's name (`regatta user add` makes one)")
    .addOption(roleOption())
    .option('--json', 'print JSON')
    .action(async (name: string, flags: RoleFlags) => {
      const api = await identityClient(flags);
      const m = await api.call<MemberRow>('POST', '/api/v1/members', { body: { name, role: flags.role } });
      print(flags, m, () => `${m.name} is ${m.role} of the project (${m.id})`);
    });

  withServerFlags(member.command('add-service'))
    .description('create a service account of the project with a role, then give it a token or a key (project admin)')
    .argument('<name>', 'letters, digits and . _ @ -')
    .addOption(roleOption())
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  regatta member add-service ci --role viewer\n  regatta token create ci-pipeline --for ci',
    )
    .action(async (name: string, flags: RoleFlags) => {
      const api = await identityClient(flags);
      const m = await api.call<MemberRow>('POST', '/api/v1/service-accounts', { body: { name, role: flags.role } });
      print(
        flags,
        m,
        () =>
          `created service account ${m.name} (${m.role}): ${m.id}\n` +
          `give it a token with: regatta token create NAME --for ${m.name}`,
      );
    });

  withServerFlags(member.command('set'))
    .description("change a member's role (project admin)")
    .argument('<member>', 'name or id')
    .addOption(roleOption())
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, flags: RoleFlags) => {
      const api = await identityClient(flags);
      const id = await memberId(api, nameOrId);
      const m = await api.call<MemberRow>('PUT', `/api/v1/members/${id}`, { body: { role: flags.role } });
      print(flags, m, () => `${m.name} is ${m.role} of the project`);
    });

  withServerFlags(member.command('rm'))
    .description('take a member out of the project; a service account is deleted, with its tokens and keys')
    .argument('<member>', 'name or id')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, flags: JsonFlags) => {
      const api = await identityClient(flags);
      const id = await memberId(api, nameOrId);
      await api.call('DELETE', `/api/v1/members/${id}`);
      print(flags, { removed: id }, () => `removed ${nameOrId} from the project`);
    });
}
