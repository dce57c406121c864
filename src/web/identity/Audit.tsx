// Audit: every state-changing request in the project (for its admin), or on the whole server (a superadmin's
// "all projects"): when, who with which credential, what on what, the outcome, the request id to find it in the
// logs. Filtered by person, API family, outcome and time; newest first, "Load more" pages back (next_before).
import { ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Checkbox, DatePicker, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { AuditEntry, AuditPage } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { when } from '../ui/format';
import { useIdentity } from './useIdentity';

const PAGE = 50;
const FAMILIES = ['native', 'hss', 'swr', 'acr', 'iam', 'harbor-scanner', 'metrics'];
const OUTCOMES: Record<AuditEntry['outcome'], string> = {
  success: 'success',
  failure: 'warning',
  denied: 'error',
  unauthenticated: 'magenta',
};

interface Filter {
  principal?: string;
  family?: string;
  outcome?: string;
  since?: Dayjs | null;
  all?: boolean;
}

export function Audit() {
  const client = useClient();
  const me = useIdentity();
  const [filter, setFilter] = useState<Filter>({});
  const query = {
    principal: filter.principal?.trim() || undefined,
    family: filter.family,
    outcome: filter.outcome,
    since: filter.since ? filter.since.toISOString() : undefined,
    all: filter.all && me.superadmin ? true : undefined,
  };
  const entries = useInfiniteQuery({
    queryKey: ['audit', query],
    queryFn: ({ pageParam }) => client.get<AuditPage>('/api/v1/audit', { ...query, before: pageParam, limit: PAGE }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next_before ?? undefined,
  });
  const rows = entries.data?.pages.flatMap((p) => p.entries) ?? [];

  return (
    <>
      <Typography.Title level={2}>Audit</Typography.Title>
      <Typography.Paragraph type="secondary">
        Every request that changed something (or tried to) in{' '}
        {filter.all && me.superadmin ? 'every project and on the server' : `project ${me.projectName(me.projectId)}`},
        newest first.
      </Typography.Paragraph>
      <Form<Filter>
        name="audit-filter"
        layout="inline"
        onFinish={(v) => setFilter(v)}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="principal" label="Who">
          <Input allowClear placeholder="a name" />
        </Form.Item>
        <Form.Item name="family" label="API">
          <Select
            aria-label="API"
            allowClear
            style={{ minWidth: 140 }}
            options={FAMILIES.map((value) => ({ value }))}
          />
        </Form.Item>
        <Form.Item name="outcome" label="Outcome">
          <Select
            aria-label="Outcome"
            allowClear
            style={{ minWidth: 150 }}
            options={Object.keys(OUTCOMES).map((value) => ({ value }))}
          />
        </Form.Item>
        <Form.Item name="since" label="Since">
          <DatePicker showTime />
        </Form.Item>
        {me.superadmin && (
          <Form.Item name="all" valuePropName="checked">
            <Checkbox>All projects</Checkbox>
          </Form.Item>
        )}
        <Space>
          <Button htmlType="submit">Filter</Button>
          <Button icon={<ReloadOutlined />} onClick={() => entries.refetch()} loading={entries.isRefetching}>
            Refresh
          </Button>
        </Space>
      </Form>
      <ErrorAlert error={entries.error} />
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={entries.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 1200 }}
        columns={[
          { title: 'When', key: 'at', width: 170, render: (_, e) => when(e.at) },
          {
            title: 'Who',
            key: 'who',
            render: (_, e) => (
              <Space orientation="vertical" size={0}>
                {e.principal_name ?? <Typography.Text type="secondary">unknown</Typography.Text>}
                {e.credential_id && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} title="credential id">
                    {e.credential_id.slice(0, 8)}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          ...(filter.all && me.superadmin
            ? [
                {
                  title: 'Project',
                  key: 'project',
                  render: (_: unknown, e: AuditEntry) => (e.project_id ? me.projectName(e.project_id) : 'server'),
                },
              ]
            : []),
          { title: 'API', key: 'family', render: (_, e) => <Tag>{e.family}</Tag> },
          {
            title: 'Action',
            key: 'action',
            render: (_, e) => (
              <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                {e.action}
              </Typography.Text>
            ),
          },
          {
            title: 'Target',
            key: 'target',
            ellipsis: true,
            render: (_, e) => <span title={e.target}>{e.target}</span>,
          },
          {
            title: 'Outcome',
            key: 'outcome',
            render: (_, e) => (
              <Tag color={OUTCOMES[e.outcome]}>
                {e.outcome} {e.status}
              </Tag>
            ),
          },
          {
            title: 'Request',
            key: 'request',
            render: (_, e) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text copyable={{ text: e.request_id }} style={{ fontSize: 12 }}>
                  {e.request_id.slice(0, 12)}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  from {e.source}
                </Typography.Text>
              </Space>
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 16 }}>
        <Typography.Text type="secondary">
          {rows.length} {rows.length === 1 ? 'entry' : 'entries'}
          {entries.hasNextPage ? ' so far' : ''}
        </Typography.Text>
        {entries.hasNextPage && (
          <Button onClick={() => entries.fetchNextPage()} loading={entries.isFetchingNextPage}>
            Load more
          </Button>
        )}
      </Space>
    </>
  );
}
