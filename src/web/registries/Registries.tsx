// Registries: every ListRegistry filter (kept in the URL), server-side paging, status and the failure reason in
// words; add, edit, test access, crawl the inventory, delete.
import { ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { hss } from '../api/client';
import type { Page, Registry } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ago, when } from '../ui/format';
import { pager } from '../ui/pager';
import { RegistryStatusTag } from '../ui/tags';
import { RegistryForm } from './RegistryForm';

/** Health-check reasons (inventory/health.ts) in words a person can act on. */
const REASONS: Record<string, string> = {
  REQUEST_API_ERROR: 'The registry could not be reached (address, port or network)',
  AUTH_FAILED: 'The registry refused the username or password',
  SERVER_ERROR: 'The registry answered with a server error',
  TLS_ERROR: 'The registry’s TLS certificate was not accepted (or use http)',
};

const FILTERS = ['registry_name', 'registry_id', 'registry_addr', 'registry_type', 'status'] as const;

export function Registries() {
  const client = useClient();
  const mayChange = useIdentity().can('write');
  const queries = useQueryClient();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [editing, setEditing] = useState<Registry | 'new'>();
  const page = Number(params.get('page') ?? 1);
  const size = Number(params.get('size') ?? 20);
  const filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined]));
  const list = useQuery({
    queryKey: ['registries', filter, page, size],
    queryFn: () =>
      client.get<Page<Registry>>(hss(client, '/image/registries'), {
        ...filter,
        offset: (page - 1) * size,
        limit: size,
      }),
    placeholderData: keepPreviousData,
    // While an access check runs, watch it end.
    refetchInterval: (q) => (q.state.data?.data_list.some((r) => r.status === 'accessing') ? 2000 : 15_000),
  });
  const refresh = () => queries.invalidateQueries({ queryKey: ['registries'] });
  const test = useMutation({
    mutationFn: (r: Registry) => client.send('PUT', hss(client, `/image/registries/${r.id}`), {}),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (r: Registry) => client.send('DELETE', hss(client, `/image/registries/${r.id}`)),
    onSuccess: refresh,
  });
  const crawl = useMutation({
    mutationFn: (ids: string[] | 'all') =>
      client.send<{ task_id: string }>(
        'POST',
        hss(client, '/image/image-sync/tasks'),
        ids === 'all' ? { sync_all_registries: true } : { registry_info: ids.map((registry_id) => ({ registry_id })) },
      ),
    onSuccess: () => message.success('Inventory sync started; images appear as the crawl goes'),
  });
  const setFilter = (values: Record<string, string | string[] | undefined>) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) {
      const s = Array.isArray(v) ? v.join(',') : v;
      if (s) next.set(k, s);
    }
    setParams(next);
  };
  return (
    <>
      <Typography.Title level={3}>Registries</Typography.Title>
      <Form
        name="registry-filter"
        layout="inline"
        onFinish={setFilter}
        initialValues={filter}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="registry_name" label="Name">
          <Input allowClear />
        </Form.Item>
        <Form.Item name="registry_addr" label="Address">
          <Input allowClear />
        </Form.Item>
        <Form.Item name="registry_id" label="Id">
          <Input allowClear />
        </Form.Item>
        <Form.Item name="registry_type" label="Type" getValueProps={(v?: string) => ({ value: v ? v.split(',') : [] })}>
          <Select
            aria-label="Type"
            mode="multiple"
            allowClear
            style={{ minWidth: 160 }}
            options={['Harbor', 'Jfrog', 'SwrPrivate', 'SwrShared', 'SwrEnterprise', 'Other'].map((value) => ({
              value,
            }))}
          />
        </Form.Item>
        <Form.Item name="status" label="Status">
          <Select
            aria-label="Status"
            allowClear
            style={{ minWidth: 120 }}
            options={['success', 'fail', 'accessing'].map((value) => ({ value }))}
          />
        </Form.Item>
        <Button htmlType="submit">Filter</Button>
      </Form>
      <Space style={{ marginBottom: 16 }}>
        {mayChange && (
          <>
            <Button type="primary" onClick={() => setEditing('new')}>
              Add registry
            </Button>
            <Button icon={<SyncOutlined />} loading={crawl.isPending} onClick={() => crawl.mutate('all')}>
              Sync all inventories
            </Button>
          </>
        )}
        <Button icon={<ReloadOutlined />} onClick={refresh}>
          Refresh
        </Button>
      </Space>
      <ErrorAlert error={list.error ?? test.error ?? remove.error ?? crawl.error} />
      <Table<Registry>
        rowKey="id"
        loading={list.isFetching && !list.data}
        dataSource={list.data?.data_list ?? []}
        pagination={pager({
          page,
          size,
          total: list.data?.total_num ?? 0,
          noun: ['registry', 'registries'],
          onChange: (p, s) => setParams((prev) => ({ ...Object.fromEntries(prev), page: String(p), size: String(s) })),
        })}
        columns={[
          { title: 'Name', dataIndex: 'registry_name' },
          { title: 'Type', dataIndex: 'registry_type' },
          {
            title: 'Address',
            render: (_, r) => `${r.protocol}://${r.registry_addr}${r.namespace ? `/${r.namespace}` : ''}`,
          },
          {
            title: 'Status',
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <RegistryStatusTag status={r.status} />
                {r.status === 'fail' && (
                  <Typography.Text type="danger" title={r.fail_detail}>
                    {REASONS[r.fail_reason ?? ''] ?? r.fail_reason}
                    {r.fail_detail ? `: ${r.fail_detail}` : ''}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: 'Images', dataIndex: 'images_num', align: 'right' },
          {
            title: 'Last crawl',
            render: (_, r) => <span title={when(r.latest_sync_time)}>{ago(r.latest_sync_time)}</span>,
          },
          {
            title: 'Actions',
            hidden: !mayChange,
            render: (_, r) => (
              <Space wrap>
                <Button size="small" onClick={() => crawl.mutate([r.id])}>
                  Sync inventory
                </Button>
                <Button size="small" onClick={() => test.mutate(r)}>
                  Test
                </Button>
                <Button size="small" onClick={() => setEditing(r)}>
                  Edit
                </Button>
                <Popconfirm title={`Delete ${r.registry_name}?`} onConfirm={() => remove.mutate(r)}>
                  <Button size="small" danger>
                    Delete
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <RegistryForm editing={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} />
      )}
    </>
  );
}
