// `regatta rule add|ls|rm|run|prune`: sync rules on a running server, through its native API (/api/v1). `rule run --wait` follows the batch to its end and exits 1 when any
// task failed, listing each failure with its cause; `rule prune` propagates deletions (the server's mirror-deletes).
import type { Command } from 'commander';
import { apiClient, type ServerFlags, withServerFlags } from '../api-client.js';
import { formatBytes, print, ReportedError } from '../output.js';

export interface TaskRow {
  id: string;
  status: string;
  issue: string | null;
  issue_detail: string | null;
  retrying: string | null;
  source: { namespace: string; repository: string; tag: string };
  target: { namespace: string; repository: string; tag: string };
  synced_size: number;
  total_size: number;
}

interface RuleRow {
  id: string;
  trigger: string;
  source: { namespace: string; repository: string | null; tag_filter: string };
  target: { namespace: string };
}

interface RuleAddFlags extends ServerFlags {
  repository?: string;
  repositoryFilter?: string;
  tags: string;
  semver?: string;
  platform?: string[];
  targetRepository?: string;
  tagRename?: string;
  auto?: boolean;
  override?: boolean;
  name?: string;
  json?: boolean;
}

/** `REGISTRY/NAMESPACE` where REGISTRY is a registry id, `region:ID` or `instance:ID`. */
function locator(arg: string): Record<string, string> {
  const slash = arg.indexOf('/');
  const [registry, namespace] = slash < 0 ? [arg, ''] : [arg.slice(0, slash), arg.slice(slash + 1)];
  if (registry.startsWith('region:')) return { region_id: registry.slice(7), namespace };
  if (registry.startsWith('instance:')) return { instance_id: registry.slice(9), namespace };
  return { registry_id: registry, namespace };
}

export const path = (p: { namespace: string; repository: string; tag: string }) =>
  `${p.namespace ? `${p.namespace}/` : ''}${p.repository}:${p.tag}`;

export function registerRule(program: Command): void {
  const rule = program.command('rule').description('sync rules (on a running server)');

  withServerFlags(rule.command('add'))
    .description('create a sync rule from SOURCE to TARGET')
    .argument('<source>', 'REGISTRY/NAMESPACE (REGISTRY: a registry id, region:ID or instance:ID)')
    .argument('<target>', 'REGISTRY/NAMESPACE')
    .option('--repository <name>', 'only this repository of the source namespace')
    .option('--repository-filter <regex>', 'only repositories matching this regex (in full)')
    .option('--tags <regex>', 'only tags matching this regex (in full)', '.*')
    .option('--semver <range>', 'only tags that are semver versions in this range, e.g. ">=1.2 <2"')
    .option('--platform <os/arch>', 'only this platform of multi-arch images (repeatable)', collect, [])
    .option('--target-repository <name>', 'rename the repository at the target')
    .option('--tag-rename <template>', 'target tag, {tag} standing for the source tag, e.g. "{tag}-mirror"')
    .option('--auto', 'PASSIVE: copy every matching push automatically (default: manual, `rule run`)')
    .option('--override', 'overwrite target tags that hold another image (default: TAG_CONFLICT)')
    .option('--name <name>')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  regatta rule add region:cn-north-4/team region:cn-south-1/mirror --repository app --tags 'v.*' --auto
  regatta rule add 9b1c…/corpus instance:cri-dst/backup --semver '>=2.0.0' --platform linux/amd64`,
    )
    .action(async (source: string, target: string, flags: RuleAddFlags) => {
      const api = await apiClient(flags);
      const body = {
        name: flags.name,
        trigger: flags.auto ? 'PASSIVE' : 'INITIATIVE',
        override: Boolean(flags.override),
        source: {
          ...locator(source),
          repository: flags.repository,
          repository_filter: flags.repositoryFilter,
          tag_filter: flags.tags,
          tag_semver: flags.semver,
          platforms: flags.platform?.length ? flags.platform : undefined,
        },
        target: { ...locator(target), repository: flags.targetRepository, tag_rename: flags.tagRename },
      };
      const out = await api.call<{ id: string; rule_id: string }>('POST', '/api/v1/rules', { body });
      print(flags, out, () => `created rule ${out.id} (${out.rule_id})`);
    });

  withServerFlags(rule.command('ls'))
    .description('list sync rules')
    .option('--json', 'print JSON')
    .action(async (flags: ServerFlags & { json?: boolean }) => {
      const api = await apiClient(flags);
      const out = await api.call<{ rules: RuleRow[] }>('GET', '/api/v1/rules');
      print(flags, out, () =>
        out.rules
          .map((r) => {
            const from = `${r.source.namespace}/${r.source.repository ?? '*'}`;
            return `${r.id}  ${r.trigger.padEnd(10)} ${from} → ${r.target.namespace}  tags ${r.source.tag_filter}`;
          })
          .join('\n'),
      );
    });

  withServerFlags(rule.command('rm'))
    .description('delete a sync rule')
    .argument('<id>', 'rule id (uuid or crsr-…)')
    .action(async (id: string, flags: ServerFlags) => {
      const api = await apiClient(flags);
      await api.call('DELETE', `/api/v1/rules/${encodeURIComponent(id)}`);
    });

  withServerFlags(rule.command('run'))
    .description('run a rule now (INITIATIVE), over every image it selects or only --tag ones')
    .argument('<id>', 'rule id')
    .option('--tag <tag>', 'only this tag (repeatable)', collect, [])
    .option('--wait', 'follow the batch to its end; exit 1 if any task failed')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: ServerFlags & { tag: string[]; wait?: boolean; json?: boolean }) => {
      const api = await apiClient(flags);
      const body = flags.tag.length ? { tags: flags.tag } : {};
      const run = await api.call<{ batch_id: string; selection: string }>(
        'POST',
        `/api/v1/rules/${encodeURIComponent(id)}/run`,
        { body },
      );
      if (!flags.wait) return print(flags, run, () => `batch ${run.batch_id} started (${run.selection})`);
      const tasks = await waitForBatch(api, run.batch_id, flags.json ? undefined : process.stderr);
      const failed = tasks.filter((t) => t.status !== 'SUCCESS');
      print(flags, { batch_id: run.batch_id, tasks }, () => summary(tasks));
      if (failed.length) throw new ReportedError('SYNC_FAILED', `${failed.length} of ${tasks.length} tasks failed`);
    });

  withServerFlags(rule.command('prune'))
    .description("delete target tags the rule copied whose source tag was deleted (the rule's drift: extra)")
    .argument('<id>', 'rule id')
    .option('--dry-run', 'only say what would be deleted, and why the other tags stay')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
A tag is deleted only when a run of the rule copied it, the source no longer has it, and the target tag
still names the digest copied. Exits 1 when a tag could not be checked or deleted.`,
    )
    .action(async (id: string, flags: ServerFlags & { dryRun?: boolean; json?: boolean }) => {
      const api = await apiClient(flags);
      const url = `/api/v1/rules/${encodeURIComponent(id)}/mirror-deletes`;
      const out = await api.call<{ items: PruneRow[] }>('POST', url, { body: { dry_run: Boolean(flags.dryRun) } });
      const line = (i: PruneRow) =>
        `${i.action.padEnd(12)} ${i.repository}:${i.tag}  ${i.reason}${i.detail ? ` (${i.detail})` : ''}`;
      print(flags, out, () => (out.items.length ? out.items.map(line).join('\n') : 'no extra tags at the target'));
      const failed = out.items.filter((i) => i.reason === 'error').length;
      if (failed) throw new ReportedError('PRUNE_FAILED', `${failed} tags could not be checked or deleted`);
    });
}

interface PruneRow {
  repository: string;
  tag: string;
  action: string;
  reason: string;
  detail: string | null;
}

export async function waitForBatch(
  api: Awaited<ReturnType<typeof apiClient>>,
  batchId: string,
  progress?: NodeJS.WriteStream,
): Promise<TaskRow[]> {
  for (;;) {
    // A rule run lists its images in the background first: no task exists until the batch is SELECTED.
    const batch = await api.call<{ selection: string; selection_detail: string | null }>(
      'GET',
      `/api/v1/batches/${encodeURIComponent(batchId)}`,
    );
    if (batch.selection === 'FAILED') throw new ReportedError('SELECTION_FAILED', batch.selection_detail ?? '');
    if (batch.selection === 'SELECTING') {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    const { tasks } = await api.call<{ tasks: TaskRow[] }>('GET', '/api/v1/tasks', {
      query: { batch_id: batchId, limit: 500 },
    });
    const open = tasks.filter((t) => t.status === 'PENDING' || t.status === 'SYNCHRONIZING');
    if (progress?.isTTY) {
      const bytes = tasks.reduce((n, t) => n + t.synced_size, 0);
      progress.write(`\r${tasks.length - open.length}/${tasks.length} tasks done, ${formatBytes(bytes)} copied `);
    }
    if (open.length === 0) {
      if (progress?.isTTY) progress.write('\n');
      return tasks;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export function summary(tasks: TaskRow[]): string {
  const lines = tasks
    .filter((t) => t.status !== 'SUCCESS')
    .map((t) => `  ${path(t.source)} → ${path(t.target)}: ${t.status} ${t.issue ?? ''} ${t.issue_detail ?? ''}`);
  const ok = tasks.length - lines.length;
  return [`${ok} of ${tasks.length} images synced`, ...(lines.length ? ['failed:', ...lines] : [])].join('\n');
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
