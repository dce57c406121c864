// `regatta task ls|cancel|retry`: sync tasks on a running server (native API), with their failure causes.
import type { Command } from 'commander';
import { apiClient, type ServerFlags, withServerFlags } from '../api-client.js';
import { formatBytes, print } from '../output.js';
import { path, type TaskRow } from './rule.js';

export function registerTask(program: Command): void {
  const task = program.command('task').description('sync tasks (on a running server)');

  withServerFlags(task.command('ls'))
    .description('list sync tasks, newest first')
    .option('--batch <id>', 'only the tasks of this batch')
    .option('--status <status>', 'PENDING, SYNCHRONIZING, SUCCESS, ERROR or CANCELED')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (flags: ServerFlags & { batch?: string; status?: string; limit: string; json?: boolean }) => {
      const api = await apiClient(flags);
      const out = await api.call<{ total: number; tasks: TaskRow[] }>('GET', '/api/v1/tasks', {
        query: { batch_id: flags.batch, status: flags.status, limit: flags.limit },
      });
      print(flags, out, () =>
        [
          ...out.tasks.map((t) => {
            const size = t.total_size ? ` ${formatBytes(t.synced_size)}/${formatBytes(t.total_size)}` : '';
            const why = t.issue ? ` ${t.issue}: ${t.issue_detail ?? ''}` : t.retrying ? ` retrying ${t.retrying}` : '';
            return `${t.id}  ${t.status.padEnd(13)} ${path(t.source)} → ${path(t.target)}${size}${why}`;
          }),
          `${out.total} tasks`,
        ].join('\n'),
      );
    });

  withServerFlags(task.command('cancel'))
    .description('cancel a task that has not ended')
    .argument('<id>', 'task id (uuid or rst-…)')
    .action(async (id: string, flags: ServerFlags) => {
      const api = await apiClient(flags);
      await api.call('POST', `/api/v1/tasks/${encodeURIComponent(id)}/cancel`);
    });

  withServerFlags(task.command('retry'))
    .description('run the failed tasks of a batch again')
    .argument('<batch>', 'batch id')
    .option('--json', 'print JSON')
    .action(async (batch: string, flags: ServerFlags & { json?: boolean }) => {
      const api = await apiClient(flags);
      const out = await api.call<{ retried: number }>('POST', `/api/v1/batches/${encodeURIComponent(batch)}/retry`);
      print(flags, out, () => `${out.retried} tasks queued again`);
    });
}
