// Sync tasks as a table: source and target references with their registries, status, copy progress, cause of a
// failure, attempts and times; a row expands to its layers and full issue detail. Paging is the server's.
import { Button, Space, Table, Typography } from 'antd';
import type { SyncTask } from '../api/types';
import { when } from './format';
import { TaskCause, TaskIssueDetail } from './TaskCause';
import { TaskLayers, TaskProgress } from './TaskProgress';
import { TaskStatusTag } from './tags';

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
  return (
    <Table<SyncTask>
      rowKey="id"
      size="middle"
      loading={p.loading}
      dataSource={p.tasks}
      scroll={{ x: 1500 }}
      pagination={{
        current: p.page,
        pageSize: p.pageSize,
        total: p.total,
        showSizeChanger: true,
        pageSizeOptions: [20, 50, 100, 200],
        showTotal: (n) => `${n} task${n === 1 ? '' : 's'}`,
        onChange: p.onPage,
      }}
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
          width: 220,
          render: (_, t) => <RefCell at={t.source} registry={p.nameOf(t.source.registry_id)} />,
        },
        {
          title: 'Target',
          key: 'target',
          width: 220,
          render: (_, t) => <RefCell at={t.target} registry={p.nameOf(t.target.registry_id)} />,
        },
        { title: 'Status', key: 'status', width: 130, render: (_, t) => <TaskStatusTag status={t.status} /> },
        { title: 'Progress', key: 'progress', width: 200, render: (_, t) => <TaskProgress task={t} /> },
        { title: 'Cause', key: 'cause', width: 280, render: (_, t) => <TaskCause task={t} /> },
        { title: 'Attempts', dataIndex: 'attempts', key: 'attempts', width: 90, align: 'right' },
        { title: 'Started', key: 'started', width: 150, render: (_, t) => when(t.started_at) },
        { title: 'Finished', key: 'finished', width: 150, render: (_, t) => when(t.finished_at) },
        {
          title: 'Actions',
          key: 'actions',
          width: 90,
          fixed: 'right',
          render: (_, t) =>
            isActive(t) ? (
              <Button size="small" onClick={() => p.onCancel(t)} loading={p.busy === t.id}>
                Cancel
              </Button>
            ) : t.status === 'ERROR' ? (
              <Button
                size="small"
                title="Run the failed tasks of this task's batch again"
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
