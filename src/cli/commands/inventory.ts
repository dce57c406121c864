// `regatta inventory sync [--wait]` and `regatta images ls`: inventory through the server's API.
import type { Command } from 'commander';
import { RegattaError } from '../../oci/errors.js';
import { apiClient, type ServerFlags, withServerFlags } from '../api-client.js';
import { print } from '../output.js';

interface TaskRegistry {
  registry_id: string;
  registry_name: string;
  sync_status: string;
  failed_reason?: string;
}

export function registerInventory(program: Command): void {
  const inventory = program.command('inventory').description('image inventory (on a running server)');
  withServerFlags(inventory.command('sync'))
    .description('crawl registries into the inventory (all of them, or the ids given)')
    .argument('[registry-id...]')
    .option('--wait', 'wait until every registry of the task has finished or failed')
    .option('--json', 'print JSON')
    .action(async (ids: string[], flags: ServerFlags & { wait?: boolean; json?: boolean }) => {
      const api = await apiClient(flags);
      const body = ids.length
        ? { registry_info: ids.map((registry_id) => ({ registry_id })) }
        : { sync_all_registries: true };
      const { task_id } = await api.call<{ task_id: string }>('POST', '/image/image-sync/tasks', { body });
      let registries: TaskRegistry[] = [];
      do {
        if (registries.length) await new Promise((r) => setTimeout(r, 1000));
        registries = (
          await api.call<{ data_list: TaskRegistry[] }>('GET', `/image/image-sync/tasks/${task_id}/registries`, {
            query: { limit: 200 },
          })
        ).data_list;
      } while (flags.wait && registries.some((r) => r.sync_status === 'running'));
      print(flags, { task_id, registries }, () =>
        [
          `task ${task_id}`,
          ...registries.map(
            (r) => `  ${r.registry_name}: ${r.sync_status}${r.failed_reason ? ` (${r.failed_reason})` : ''}`,
          ),
        ].join('\n'),
      );
      if (flags.wait && registries.some((r) => r.sync_status === 'failed'))
        throw new RegattaError('SYNC_FAILED', 'some registries failed to sync');
    });

  const images = program.command('images').description('the image inventory (on a running server)');
  withServerFlags(images.command('ls'))
    .description('list images (ListRegistryImages filters)')
    .option('--registry <name>', 'registry name')
    .option('--namespace <ns>')
    .option('--name <prefix>', 'image name prefix')
    .option('--tag <tag>')
    .option('--latest', 'only the newest tag of each repository')
    .option('--multiarch', 'only multi-arch images')
    .option('--vulnerability <id>', 'only images whose last scan found this CVE (or an alias of it), in any registry')
    .option('--offset <n>', 'skip n rows', '0')
    .option('--limit <n>', 'rows per page (1-200)', '50')
    .option('--json', 'print JSON')
    .action(async (flags: ServerFlags & Record<string, string | boolean | undefined>) => {
      const api = await apiClient(flags);
      const query = {
        registry_name: flags.registry,
        namespace: flags.namespace,
        image_name: flags.name,
        image_version: flags.tag,
        latest_version: flags.latest ? true : undefined,
        is_multarch: flags.multiarch ? true : undefined,
        offset: flags.offset,
        limit: flags.limit,
      };
      type Row = {
        registry_name: string;
        namespace: string;
        image_name: string;
        image_version: string;
        image_digest: string;
        image_size: number;
      };
      // Affected images come from Regatta's own API (HSS has no such filter); the other filters are HSS's.
      const out = flags.vulnerability
        ? await api.call<{ total_num: number; data_list: Row[] }>('GET', '/api/v1/images', {
            query: { vulnerability: flags.vulnerability, offset: flags.offset, limit: flags.limit },
          })
        : await api.call<{ total_num: number; data_list: Row[] }>('GET', '/image/registries/images', { query });
      print({ json: Boolean(flags.json) }, out, () =>
        [
          ...out.data_list.map(
            (r) =>
              `${r.registry_name}  ${[r.namespace, r.image_name].filter(Boolean).join('/')}:${r.image_version}  ${r.image_digest}`,
          ),
          `${out.total_num} images`,
        ].join('\n'),
      );
    });
}
