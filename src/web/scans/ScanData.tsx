// The scan data the server matches against (GET /api/v1/vulndb): its version and age, a warning when it is
// missing or older than the staleness threshold (a feed whose updates fail keeps its old data and says why),
// each feed's record count and last update, and "Update now" (POST /api/v1/vulndb/update, run by the workers;
// results made with older data are scanned again afterwards).
import { CloudDownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Flex, Skeleton, Table, Tag, Typography } from 'antd';
import type { VulndbStatus } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ago, when } from '../ui/format';

type Feed = VulndbStatus['feeds'][number];

const KINDS: Record<Feed['kind'], string> = {
  osv: 'Advisories (OSV)',
  malware: 'Malware hashes',
  rules: 'Secret rules',
};

function Freshness({ s }: { s: VulndbStatus }) {
  if (!s.updated_at && s.hand_placed_at && !s.stale) {
    return (
      <Alert
        type="info"
        showIcon
        message={`Advisories placed in the folder by hand, last changed ${ago(s.hand_placed_at)}`}
        description="No feed has been downloaded: updates keep the data current on their own."
      />
    );
  }
  if (!s.updated_at && !s.hand_placed_at) {
    return (
      <Alert
        type="warning"
        showIcon
        message="No advisory data yet"
        description="Vulnerability scans fail until the first update finishes. Updates download OSV's exports (or a mirror's)."
      />
    );
  }
  const failing = s.feeds.filter((f) => f.error);
  if (s.stale) {
    return (
      <Alert
        type="warning"
        showIcon
        message={`Scan data is stale: last changed ${ago(s.updated_at ?? s.hand_placed_at)}, more than ${s.stale_after_hours} h ago`}
        description={
          failing.length
            ? `Failing: ${failing.map((f) => `${f.name} (${f.error!.code})`).join(', ')}. Their previous data is in use.`
            : 'Check that updates are scheduled and reach their source.'
        }
      />
    );
  }
  return (
    <Alert
      type={failing.length ? 'warning' : 'success'}
      showIcon
      message={`Scan data is current: updated ${ago(s.updated_at)}`}
      {...(failing.length
        ? {
            description: `Last update failed for ${failing.map((f) => f.name).join(', ')}; their previous data is in use.`,
          }
        : {})}
    />
  );
}

export function ScanData() {
  const client = useClient();
  // Updating the scan data is the server's business: a superadmin's.
  const mayUpdate = useIdentity().can('superadmin');
  const { message } = App.useApp();
  const status = useQuery({
    queryKey: ['vulndb'],
    queryFn: () => client.get<VulndbStatus>('/api/v1/vulndb'),
    refetchInterval: 10_000,
  });
  const update = useMutation({
    mutationFn: () => client.send<object>('POST', '/api/v1/vulndb/update'),
    onSuccess: () => message.success('Update queued: the workers download what changed, then re-scan'),
    onError: (err) => message.error(`Could not start the update: ${err.message}`),
  });
  if (status.error) return <ErrorAlert error={status.error} />;
  const s = status.data;
  if (!s) return <Skeleton active />;
  return (
    <Flex vertical gap={12}>
      <Freshness s={s} />
      <Descriptions
        bordered
        size="small"
        column={1}
        styles={{ label: { width: 260 } }}
        items={[
          {
            key: 'version',
            label: 'Data version',
            children: <Typography.Text code>{s.version ?? s.generation ?? 'none'}</Typography.Text>,
          },
          {
            key: 'updated',
            label: 'Last changed',
            children: `${when(s.updated_at ?? s.hand_placed_at)} (${ago(s.updated_at ?? s.hand_placed_at)})`,
          },
          { key: 'checked', label: 'Last checked', children: `${when(s.checked_at)} (${ago(s.checked_at)})` },
          {
            key: 'schedule',
            label: 'Update schedule (cron, UTC)',
            children: s.schedule ? (
              <Typography.Text code>{s.schedule}</Typography.Text>
            ) : (
              'off: updates only when asked'
            ),
          },
        ]}
      />
      <Table<Feed>
        size="small"
        rowKey="name"
        pagination={false}
        dataSource={s.feeds}
        locale={{ emptyText: 'No feed has been downloaded yet' }}
        columns={[
          { title: 'Feed', dataIndex: 'name' },
          { title: 'Kind', dataIndex: 'kind', render: (k: Feed['kind']) => KINDS[k] },
          { title: 'Records', dataIndex: 'records', align: 'right', render: (n: number) => n.toLocaleString() },
          { title: 'Updated', dataIndex: 'updated_at', render: (t: string) => ago(t) },
          {
            title: 'Last update',
            dataIndex: 'error',
            render: (e: Feed['error']) =>
              e ? (
                <Tag color="error" title={e.message}>
                  {e.code}
                </Tag>
              ) : (
                <Tag color="success">OK</Tag>
              ),
          },
        ]}
      />
      {mayUpdate && (
        <div>
          <Button icon={<CloudDownloadOutlined />} loading={update.isPending} onClick={() => update.mutate()}>
            Update now
          </Button>
        </div>
      )}
    </Flex>
  );
}
