// Scans: the project's scan tasks (manual, after an inventory sync, the daily re-scan) with "Stop" and
// "Start a scan", the scan data (version, age, feeds, "Update now") and the scan policy the server runs with.
import { PlayCircleOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Typography } from 'antd';
import { useState } from 'react';
import { hss } from '../api/client';
import type { Page } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ScanData } from './ScanData';
import { ScanPolicy } from './ScanPolicy';
import { ScanStartModal } from './ScanStartModal';
import { ScanTaskTable } from './ScanTaskTable';
import type { ScanTask } from './types';

export function Scans() {
  const client = useClient();
  const mayChange = useIdentity().can('write');
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [paging, setPaging] = useState({ page: 1, pageSize: 10 });
  const [starting, setStarting] = useState(false);

  const tasks = useQuery({
    queryKey: ['scan-tasks', paging],
    queryFn: () =>
      client.get<Page<ScanTask>>(hss(client, '/image/tasks'), {
        type: 'image_scan',
        offset: (paging.page - 1) * paging.pageSize,
        limit: paging.pageSize,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.data_list.some((t) => t.task_status === 'running') ? 3000 : false),
  });

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['scan-tasks'] });
  const stop = useMutation({
    mutationFn: (t: ScanTask) => client.send<object>('PUT', hss(client, `/image/image-scan/tasks/${t.task_id}/stop`)),
    onSuccess: async (_, t) => {
      await refresh();
      message.success(`Scan task ${t.task_name} stopped`);
    },
    onError: (err) => message.error(`Could not stop: ${err.message}`),
  });

  return (
    <>
      <Typography.Title level={2}>Scans</Typography.Title>
      <section aria-labelledby="scan-tasks">
        <Flex justify="space-between" align="center" wrap gap={12}>
          <Typography.Title level={3} id="scan-tasks">
            Scan tasks
          </Typography.Title>
          {mayChange && (
            <Button type="primary" icon={<PlayCircleOutlined />} onClick={() => setStarting(true)}>
              Start a scan
            </Button>
          )}
        </Flex>
        <ErrorAlert error={tasks.error} />
        <ScanTaskTable
          tasks={tasks.data?.data_list ?? []}
          total={tasks.data?.total_num ?? 0}
          loading={tasks.isLoading}
          page={paging.page}
          pageSize={paging.pageSize}
          onPage={(page, pageSize) => setPaging({ page, pageSize })}
          stopping={stop.isPending ? stop.variables?.task_id : undefined}
          onStop={(t) => stop.mutate(t)}
        />
      </section>
      <section aria-labelledby="scan-data" style={{ marginTop: 24 }}>
        <Typography.Title level={3} id="scan-data">
          Scan data
        </Typography.Title>
        <ScanData />
      </section>
      <section aria-labelledby="scan-policy" style={{ marginTop: 24 }}>
        <Typography.Title level={3} id="scan-policy">
          Scan policy
        </Typography.Title>
        <ScanPolicy />
      </section>
      <ScanStartModal
        open={starting}
        onClose={() => setStarting(false)}
        onStarted={() => {
          setPaging((p) => ({ ...p, page: 1 }));
          void refresh();
        }}
      />
    </>
  );
}
