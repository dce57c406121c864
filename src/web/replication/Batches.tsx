// Sync batches: what each run of a rule, sync request or push started, newest first, with its tasks counted by
// status and its bytes; live while a batch has open tasks. A batch links to its tasks; failed ones can be retried.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Progress, Space, Table, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import type { SyncBatch, SyncRule, TaskStatus } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';
import { ErrorAlert } from '../ui/ErrorAlert';
import { bytes, when } from '../ui/format';
import { pager } from '../ui/pager';
import { TaskStatusTag } from '../ui/tags';

const STATUSES: TaskStatus[] = ['SUCCESS', 'ERROR', 'CANCELED', 'SYNCHRONIZING', 'PENDING'];
const isOpen = (b: SyncBatch) => b.selection === 'SELECTING' || b.by_status.PENDING + b.by_status.SYNCHRONIZING > 0;

export function Batches() {
  const client = useClient();
  const mayChange = useIdentity().can('write');
  const queries = useQueryClient();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('page') ?? 1);
  const size = Number(params.get('size') ?? 20);
  const batches = useQuery({
    queryKey: ['batches', page, size],
    queryFn: () =>
      client.get<{ total: number; batches: SyncBatch[] }>('/api/v1/batches', {
        offset: (page - 1) * size,
        limit: size,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.batches.some(isOpen) ? 2000 : 15_000),
  });
  const rules = useQuery({
    queryKey: ['rules'],
    queryFn: () => client.get<{ total: number; rules: SyncRule[] }>('/api/v1/rules'),
  });
  const ruleName = (id: string | null) => (id && rules.data?.rules.find((r) => r.id === id)?.name) ?? id ?? '—';
  const retry = useMutation({
    mutationFn: (b: SyncBatch) =>
      client.send<{ retried: number }>('POST', `/api/v1/batches/${encodeURIComponent(b.id)}/retry`),
    onSuccess: async (r) => {
      message.success(`${r.retried} task${r.retried === 1 ? '' : 's'} queued again`);
      await queries.invalidateQueries({ queryKey: ['batches'] });
    },
  });
  return (
    <>
      <Typography.Title level={3}>Sync batches</Typography.Title>
      <ErrorAlert error={batches.error ?? retry.error} />
      <Table<SyncBatch>
        rowKey="id"
        loading={batches.isPending}
        dataSource={batches.data?.batches ?? []}
        pagination={pager({
          page,
          size,
          total: batches.data?.total ?? 0,
          noun: ['batch', 'batches'],
          onChange: (p, s) => setParams({ page: String(p), size: String(s) }),
        })}
        columns={[
          { title: 'Started', render: (_, b) => when(b.created_at) },
          {
            title: 'By',
            render: (_, b) => (
              <Space orientation="vertical" size={0}>
                {b.rule_id ? `rule ${ruleName(b.rule_id)}` : b.origin}
                <Typography.Text type="secondary">
                  {b.trigger === 'PASSIVE' ? 'on push' : 'manual'} · {b.created_by}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: 'Progress',
            width: 220,
            render: (_, b) => {
              const ended = b.tasks - b.by_status.PENDING - b.by_status.SYNCHRONIZING;
              const failed = b.by_status.ERROR + b.by_status.CANCELED > 0;
              return (
                <Space orientation="vertical" size={0} style={{ width: '100%' }}>
                  <Progress
                    percent={b.tasks ? Math.round((100 * ended) / b.tasks) : b.selection === 'SELECTING' ? 0 : 100}
                    status={isOpen(b) ? 'active' : failed || b.selection === 'FAILED' ? 'exception' : 'success'}
                    size="small"
                  />
                  <Typography.Text type={b.selection === 'FAILED' ? 'danger' : 'secondary'}>
                    {b.selection === 'SELECTING'
                      ? 'selecting images…'
                      : b.selection === 'FAILED'
                        ? `selection failed: ${b.selection_detail ?? ''}`
                        : `${ended}/${b.tasks} tasks · ${bytes(b.synced_size)}`}
                  </Typography.Text>
                </Space>
              );
            },
          },
          {
            title: 'Tasks by status',
            render: (_, b) => (
              <Space wrap size={4}>
                {STATUSES.filter((s) => b.by_status[s] > 0).map((s) => (
                  <span key={s}>
                    <TaskStatusTag status={s} /> {b.by_status[s]}
                  </span>
                ))}
              </Space>
            ),
          },
          { title: 'Finished', render: (_, b) => when(b.finished_at) },
          {
            title: 'Actions',
            render: (_, b) => (
              <Space>
                <Link to={`/tasks?batch_id=${encodeURIComponent(b.id)}`}>Tasks</Link>
                {mayChange && b.by_status.ERROR + b.by_status.CANCELED > 0 && (
                  <Button
                    size="small"
                    loading={retry.isPending && retry.variables?.id === b.id}
                    onClick={() => retry.mutate(b)}
                  >
                    Retry failed
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
