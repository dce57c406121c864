// `regatta registry add|ls|rm`: connected registries, through the server's API.

import type { Command } from 'commander';
import { REGISTRY_TYPES } from '../../connectors/connector.js';
import { apiClient, type ServerFlags, withServerFlags } from '../api-client.js';
import { print } from '../output.js';

interface RegistryRow {
  id: string;
  registry_name: string;
  registry_type: string;
  registry_addr: string;
  status: string;
  fail_reason?: string;
  images_num: number;
}

export function registerRegistry(program: Command): void {
  const registry = program.command('registry').description('connected registries (on a running server)');

  withServerFlags(registry.command('add'))
    .description('connect a registry; its access is checked in the background (see `registry ls`)')
    .argument('<name>', 'a name for it')
    .argument('<address>', 'HOST[:PORT]')
    .option('--type <type>', `${REGISTRY_TYPES.slice(0, -1).join(', ')} or ${REGISTRY_TYPES.at(-1)}`, 'Other')
    .option('--protocol <protocol>', 'http or https', 'https')
    .option('--username <user>')
    .option('--password-stdin', 'read the password from standard input')
    .option('--namespace <ns>', 'only this namespace')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  echo "$PASS" | regatta registry add prod harbor.example --type Harbor --username robot --password-stdin',
    )
    .action(
      async (name: string, address: string, flags: ServerFlags & Record<string, string | boolean | undefined>) => {
        const api = await apiClient(flags);
        const password = flags.passwordStdin ? (await readStdin()).trim() : undefined;
        const body = {
          registry_name: name,
          registry_addr: address,
          registry_type: flags.type,
          protocol: flags.protocol,
          registry_username: flags.username,
          registry_password: password,
          namespace: flags.namespace,
        };
        const out = await api.call<{ id: string }>('POST', '/image/registries', { body });
        print({ json: Boolean(flags.json) }, out, () => `added ${name} (${out.id})`);
      },
    );

  withServerFlags(registry.command('ls'))
    .description('list registries with their access status')
    .option('--json', 'print JSON')
    .action(async (flags: ServerFlags & { json?: boolean }) => {
      const api = await apiClient(flags);
      const out = await api.call<{ total_num: number; data_list: RegistryRow[] }>('GET', '/image/registries', {
        query: { limit: 200 },
      });
      print(flags, out, () =>
        out.data_list
          .map(
            (r) =>
              `${r.id}  ${r.registry_name.padEnd(20)} ${r.registry_type.padEnd(8)} ${r.registry_addr.padEnd(24)} ${r.status}${r.fail_reason ? ` (${r.fail_reason})` : ''}  ${r.images_num} images`,
          )
          .join('\n'),
      );
    });

  withServerFlags(registry.command('rm'))
    .description('disconnect registries (their inventory goes too)')
    .argument('<id...>', 'registry ids')
    .action(async (ids: string[], flags: ServerFlags) => {
      const api = await apiClient(flags);
      await api.call('POST', '/image/registries/batch-delete', { body: { ids } });
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
