// Sync tasks: every copy the rules and sync APIs started, newest first, filtered by status and batch (kept in the
// URL, so `/tasks?batch_id=…` links from a rule run work), polled every 2 s while a shown task is still running.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Input, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { SyncTask, TaskStatus } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';
import { useRegistries } from '../registries/useRegistries';
import { ErrorAlert } from '../ui/ErrorAlert';
import { isActive, TaskTable } from './TaskTable';

const STATUSES: TaskStatus[] = ['PENDING', 'SYNCHRONIZING', 'SUCCESS', 'ERROR', 'CANCELED'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function Tasks() {
  const client = useClient();
  const mayChange = useIdentity().can('write');
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const registries = useRegistries();
  const [params, setParams] = useSearchParams();
  const status = (STATUSES as string[]).includes(params.get('status') ?? '')
    ? (params.get('status') as TaskStatus)
    : undefined;
  const batchId = params.get('batch_id')?.trim() || undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const pageSize = Math.min(500, Math.max(1, Number(params.get('size')) || 50));
  const [batchInput, setBatchInput] = useState(batchId ?? '');
  useEffect(() => setBatchInput(batchId ?? ''), [batchId]);

  /** Changes search params; a filter change goes back to the first page. */
  const update = (changes: Record<string, string | undefined>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(changes)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      if (!('page' in changes)) next.delete('page');
      return next;
    });

  const tasks = useQuery({
    queryKey: ['tasks', { status, batchId, page, pageSize }],
    queryFn: () =>
      client.get<{ total: number; tasks: SyncTask[] }>('/api/v1/tasks', {
        status,
        batch_id: batchId,
        offset: (page - 1) * pageSize,
        limit: pageSize,
      }),
    placeholderData: keepPreviousData,
    // Fast while tasks run; slower otherwise, still catching tasks a rule run is selecting in the background.
    refetchInterval: (q) => (q.state.data?.tasks.some(isActive) ? 2000 : 5000),
  });

  const done = () => queryClient.invalidateQueries({ queryKey: ['tasks'] });
  const cancel = useMutation({
    mutationFn: (t: SyncTask) => client.send<{ status: string }>('POST', `/api/v1/tasks/${t.id}/cancel`),
    onSuccess: async () => {
      await done();
      message.success('Task canceled');
    },
    onError: (err) => message.error(`Could not cancel: ${err.message}`),
  });
  const retry = useMutation({
    mutationFn: (batch: { id: string; row?: string }) =>
      client.send<{ batch_id: string; retried: number }>('POST', `/api/v1/batches/${batch.id}/retry`),
    onSuccess: async (r) => {
      await done();
      message.success(
        `${r.retried} failed task${r.retried === 1 ? '' : 's'} of batch ${r.batch_id.slice(0, 8)} queued again`,
      );
    },
    onError: (err) => message.error(`Could not retry: ${err.message}`),
  });

  return (
    <>
      <Typography.Title level={2}>Sync tasks</Typography.Title>
      <Flex wrap gap={12} align="center" style={{ marginBottom: 16 }}>
        <Select<TaskStatus>
          aria-label="Status"
          allowClear
          placeholder="Any status"
          style={{ width: 180 }}
          value={status}
          onChange={(v) => update({ status: v })}
          options={STATUSES.map((s) => ({ value: s, label: s }))}
        />
        <Input.Search
          aria-label="Batch id"
          placeholder="Batch id"
          allowClear
          enterButton="Filter"
          style={{ width: 420 }}
          value={batchInput}
          onChange={(e) => setBatchInput(e.target.value)}
          onSearch={(v) => update({ batch_id: v.trim() || undefined })}
        />
        {batchId && (
          <Space>
            {mayChange && (
              <Button
                onClick={() => retry.mutate({ id: batchId })}
                disabled={!UUID.test(batchId)}
                loading={retry.isPending && !retry.variables?.row}
              >
                Retry failed
              </Button>
            )}
            <Button type="link" onClick={() => update({ batch_id: undefined })}>
              Show every batch
            </Button>
          </Space>
        )}
        {tasks.data?.tasks.some(isActive) && (
          <Tag color="processing" title="Refreshed every 2 s while a task runs">
            Live
          </Tag>
        )}
      </Flex>
      <ErrorAlert error={tasks.error} />
      <TaskTable
        tasks={tasks.data?.tasks ?? []}
        total={tasks.data?.total ?? 0}
        loading={tasks.isLoading}
        page={page}
        pageSize={pageSize}
        onPage={(p, size) =>
          update({ page: p > 1 ? String(p) : undefined, size: size !== 50 ? String(size) : undefined })
        }
        nameOf={registries.nameOf}
        busy={cancel.isPending ? cancel.variables?.id : retry.isPending ? retry.variables?.row : undefined}
        onCancel={(t) => cancel.mutate(t)}
        onRetry={(t) => retry.mutate({ id: t.batch_id, row: t.id })}
      />
    </>
  );
}
