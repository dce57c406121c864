// The first page after sign-in: registries by status, images by risk, sync tasks by status, the newest failures
// with their causes, and how fresh the inventory is. One read (GET /api/v1/overview), refreshed every 10 s.
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { Link } from 'react-router';
import type { Overview, SyncTask } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ago, when } from '../ui/format';
import { TaskStatusTag } from '../ui/tags';
import { RiskChart } from './RiskChart';

const TASK_STATES = [
  ['SUCCESS', 'Done', '#389e0d'],
  ['ERROR', 'Failed', '#cf1322'],
  ['SYNCHRONIZING', 'Running', '#0b5cad'],
  ['PENDING', 'Queued', undefined],
] as const;

const ref = (p: { namespace: string; repository: string; tag: string }) => `${p.namespace}/${p.repository}:${p.tag}`;

export function Dashboard() {
  const client = useClient();
  const overview = useQuery({
    queryKey: ['overview'],
    queryFn: () => client.get<Overview>('/api/v1/overview'),
    refetchInterval: 10_000,
  });
  const o = overview.data;
  const count = (m: Record<string, number> | undefined, k: string) => m?.[k] ?? 0;
  const sum = (m: Record<string, number> | undefined) => Object.values(m ?? {}).reduce((a, b) => a + b, 0);
  return (
    <>
      <Typography.Title level={3}>Dashboard</Typography.Title>
      <ErrorAlert error={overview.error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card title="Registries" extra={<Link to="/registries">Manage</Link>} loading={overview.isPending}>
            <Row>
              <Col span={8}>
                <Statistic
                  title="Connected"
                  value={count(o?.registries, 'success')}
                  styles={{ content: { color: '#389e0d' } }}
                />
              </Col>
              <Col span={8}>
                <Statistic
                  title="Failed"
                  value={count(o?.registries, 'fail')}
                  styles={{ content: { color: '#cf1322' } }}
                />
              </Col>
              <Col span={8}>
                <Statistic title="Checking" value={count(o?.registries, 'accessing')} />
              </Col>
            </Row>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card title="Sync tasks" extra={<Link to="/tasks">All tasks</Link>} loading={overview.isPending}>
            <Row>
              {TASK_STATES.map(([s, label, color]) => (
                <Col span={6} key={s}>
                  <Statistic title={label} value={count(o?.tasks, s)} styles={{ content: { color } }} />
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card title="Inventory freshness" loading={overview.isPending}>
            <Row>
              <Col span={12}>
                <Tooltip title={when(o?.newest_sync)}>
                  <Statistic title="Last crawl" value={ago(o?.newest_sync)} />
                </Tooltip>
              </Col>
              <Col span={12}>
                <Tooltip title={when(o?.oldest_sync)}>
                  <Statistic title="Stalest registry" value={ago(o?.oldest_sync)} />
                </Tooltip>
              </Col>
            </Row>
            {o && o.never_synced > 0 && (
              <Typography.Text type="warning">
                {o.never_synced === 1 ? '1 registry' : `${o.never_synced} registries`} never crawled
              </Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={`Images by risk (${sum(o?.images)})`} extra={<Link to="/images">Browse</Link>}>
            {o && sum(o.images) > 0 ? <RiskChart counts={o.images} /> : <Empty description="No images yet" />}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card title="Latest failures">
            <Table<SyncTask>
              size="small"
              rowKey="id"
              loading={overview.isPending}
              dataSource={o?.failures ?? []}
              pagination={false}
              locale={{ emptyText: 'No failed sync task' }}
              columns={[
                { title: 'Image', render: (_, t) => ref(t.source) },
                { title: 'To', render: (_, t) => ref(t.target) },
                {
                  title: 'Cause',
                  render: (_, t) => (
                    <Tooltip title={t.issue_detail}>
                      <Tag color="error">{t.issue ?? 'UNKNOWN'}</Tag> {t.issue_description}
                    </Tooltip>
                  ),
                },
                { title: 'When', render: (_, t) => ago(t.finished_at ?? t.updated_at) },
                { title: '', render: (_, t) => <TaskStatusTag status={t.status} /> },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
