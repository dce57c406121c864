// `regatta project ls|create|rename|rm`: the server's projects (native API /api/v1/projects). Anyone signed in
// lists theirs with their role; a superadmin creates, renames and deletes them. A project is named by id or name.
import type { Command } from 'commander';
import { type ApiClient, withServerFlags } from '../api-client.js';
import { print } from '../output.js';
import { identityClient, type JsonFlags, pick, table, when } from './identity.js';

interface ProjectRow {
  id: string;
  name: string;
  created_at: string;
  registries: number;
  role: string | null;
}

/** A project's id, from its id or name among the caller's projects (passed through when not among them). */
async function projectId(api: ApiClient, idOrName: string): Promise<string> {
  const rows = await api.call<ProjectRow[]>('GET', '/api/v1/projects');
  return rows.some((r) => r.id === idOrName || r.name === idOrName) ? pick(rows, idOrName, 'project').id : idOrName;
}

export function registerProject(program: Command): void {
  const project = program.command('project').description('projects (on a running server)');

  withServerFlags(project.command('ls'))
    .description('list the projects you belong to (every one, for a superadmin), with your role')
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlags) => {
      const api = await identityClient(flags);
      const projects = await api.call<ProjectRow[]>('GET', '/api/v1/projects');
      print(flags, { projects }, () =>
        table(
          ['ID', 'NAME', 'ROLE', 'REGISTRIES', 'CREATED'],
          projects.map((p) => [p.id, p.name, p.role ?? '-', String(p.registries), when(p.created_at)]),
          'no projects',
        ),
      );
    });

  withServerFlags(project.command('create'))
    .description('create a project (superadmin)')
    .argument('<name>', 'letters, digits and . _ @ -')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: JsonFlags) => {
      const api = await identityClient(flags);
      const made = await api.call<ProjectRow>('POST', '/api/v1/projects', { body: { name } });
      print(flags, made, () => `created project ${made.name}: ${made.id} (use it with --project ${made.id})`);
    });

  withServerFlags(project.command('rename'))
    .description('rename a project (superadmin)')
    .argument('<project>', 'project id or name')
    .argument('<name>', 'its new name')
    .option('--json', 'print JSON')
    .action(async (idOrName: string, name: string, flags: JsonFlags) => {
      const api = await identityClient(flags);
      const id = await projectId(api, idOrName);
      const renamed = await api.call<ProjectRow>('PATCH', `/api/v1/projects/${encodeURIComponent(id)}`, {
        body: { name },
      });
      print(flags, renamed, () => `renamed project ${renamed.id} to ${renamed.name}`);
    });

  withServerFlags(project.command('rm'))
    .description('delete a project (superadmin); refused while it has registries, unless --force')
    .argument('<project>', 'project id or name')
    .option('--force', 'delete its registries with it')
    .option('--json', 'print JSON')
    .action(async (idOrName: string, flags: JsonFlags & { force?: boolean }) => {
      const api = await identityClient(flags);
      const id = await projectId(api, idOrName);
      await api.call('DELETE', `/api/v1/projects/${encodeURIComponent(id)}`, {
        query: flags.force ? { force: true } : {},
      });
      print(flags, { deleted: id }, () => `deleted project ${id}`);
    });
}
