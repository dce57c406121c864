// Sync tasks as a table: source and target references with their registries, status (and attempt when retried),
// copy progress, cause of a failure (or the policy that blocked it), latest time; a row expands to its layers and full issue detail. Paging is the
// server's. Sized to fit a laptop screen beside the menu (about 1150 px).
import { Button, Space, Table, Typography } from 'antd';
import type { SyncTask } from '../api/types';
import { useIdentity } from '../identity/useIdentity';
import { when } from '../ui/format';
import { pager } from '../ui/pager';
import { TaskStatusTag } from '../ui/tags';
import { TaskCause, TaskIssueDetail } from './TaskCause';
import { TaskLayers, TaskProgress } from './TaskProgress';

type Ref = { registry_id: string; namespace: string; repository: string; tag: string };

function RefCell({ at, registry }: { at: Ref; registry: string }) {
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text
        code
        style={{ wordBreak: 'break-all' }}
      >{`${at.namespace}/${at.repository}:${at.tag}`}</Typography.Text>
      <Typography.Text type="secondary">{registry}</Typography.Text>
    </Space>
  );
}

/** The latest moment of a task: finished, else started, else queued. */
function TaskTime({ task: t }: { task: SyncTask }) {
  const [label, at] = t.finished_at
    ? ['finished', t.finished_at]
    : t.started_at
      ? ['started', t.started_at]
      : ['queued', t.created_at];
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text type="secondary">{label}</Typography.Text>
      {when(at)}
    </Space>
  );
}

export const isActive = (t: SyncTask) => t.status === 'PENDING' || t.status === 'SYNCHRONIZING';

export interface TaskTableProps {
  tasks: SyncTask[];
  total: number;
  loading: boolean;
  page: number;
  pageSize: number;
  onPage(page: number, pageSize: number): void;
  nameOf(registryId: string): string;
  busy?: string;
  onCancel(task: SyncTask): void;
  onRetry(task: SyncTask): void;
}

export function TaskTable(p: TaskTableProps) {
  const mayChange = useIdentity().can('write');
  return (
    <Table<SyncTask>
      rowKey="id"
      size="middle"
      loading={p.loading}
      dataSource={p.tasks}
      scroll={{ x: 1150 }}
      pagination={pager({
        page: p.page,
        size: p.pageSize,
        total: p.total,
        onChange: p.onPage,
        noun: ['task'],
        sizes: [20, 50, 100, 200],
      })}
      expandable={{
        expandedRowRender: (t) => (
          <>
            <TaskIssueDetail task={t} />
            <Typography.Paragraph type="secondary">
              Task {t.task_id} · batch <Typography.Text code>{t.batch_id}</Typography.Text> · trigger {t.trigger}
              {t.source.digest ? ` · digest ${t.source.digest}` : ''}
              {t.platforms?.length ? ` · platforms ${t.platforms.join(', ')}` : ''}
            </Typography.Paragraph>
            <TaskLayers task={t} />
          </>
        ),
      }}
      columns={[
        {
          title: 'Source',
          key: 'source',
          width: 190,
          render: (_, t) => <RefCell at={t.source} registry={p.nameOf(t.source.registry_id)} />,
        },
        {
          title: 'Target',
          key: 'target',
          width: 190,
          render: (_, t) => <RefCell at={t.target} registry={p.nameOf(t.target.registry_id)} />,
        },
        {
          title: 'Status',
          key: 'status',
          width: 110,
          render: (_, t) => (
            <Space orientation="vertical" size={0}>
              <TaskStatusTag status={t.status} />
              {t.attempts > 1 && <Typography.Text type="secondary">attempt {t.attempts}</Typography.Text>}
            </Space>
          ),
        },
        { title: 'Progress', key: 'progress', width: 170, render: (_, t) => <TaskProgress task={t} /> },
        { title: 'Cause', key: 'cause', width: 220, render: (_, t) => <TaskCause task={t} /> },
        { title: 'When', key: 'when', width: 150, render: (_, t) => <TaskTime task={t} /> },
        {
          title: 'Actions',
          key: 'actions',
          hidden: !mayChange,
          width: 80,
          fixed: 'right',
          render: (_, t) =>
            isActive(t) ? (
              <Button size="small" onClick={() => p.onCancel(t)} loading={p.busy === t.id}>
                Cancel
              </Button>
            ) : t.status === 'ERROR' ? (
              <Button
                size="small"
                title={
                  t.issue === 'POLICY_BLOCKED'
                    ? "Run the failed tasks of this task's batch again (a blocked one is also decided again by itself once its reason may be gone)"
                    : "Run the failed tasks of this task's batch again"
                }
                onClick={() => p.onRetry(t)}
                loading={p.busy === t.id}
              >
                Retry
              </Button>
            ) : null,
        },
      ]}
    />
  );
}
