// Keys & tokens: the caller's own API tokens and AK/SK pairs and, for a project admin, every one acting in the
// project (its service accounts' among them): who holds it, where it acts, when it expires, when it was last
// used, whether it is revoked. A new one's secret is shown once (SecretModal); revoking asks first and takes
// effect on the next request, on every server process.
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { CreatedCredential, Credential } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ago, when } from '../ui/format';
import { CreateModal } from './CreateCredential';
import { SecretModal } from './SecretModal';
import { useIdentity } from './useIdentity';

const KINDS: Record<Credential['kind'], string> = {
  token: 'API token',
  access_key: 'Key pair (AK/SK)',
  session: 'Console session',
};

function Status({ c }: { c: Credential }) {
  if (c.revoked_at)
    return (
      <Tag color="error" title={when(c.revoked_at)}>
        Revoked {ago(c.revoked_at)}
      </Tag>
    );
  if (c.expires_at && new Date(c.expires_at).getTime() <= Date.now()) return <Tag color="warning">Expired</Tag>;
  return <Tag color="success">Active</Tag>;
}

export function Keys() {
  const client = useClient();
  const me = useIdentity();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [sessions, setSessions] = useState(false);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedCredential>();
  const admin = me.can('admin');
  const holder = params.get('holder') ?? undefined;

  // "Make a key" on the Members page opens the form for that service account.
  useEffect(() => {
    if (holder) setCreating(true);
  }, [holder]);

  const list = useQuery({
    queryKey: ['credentials', sessions],
    queryFn: () => client.get<Credential[]>('/api/v1/credentials', { sessions }),
  });
  const revoke = useMutation({
    mutationFn: (c: Credential) => client.send<Credential>('DELETE', `/api/v1/credentials/${c.id}`),
    onSuccess: async (c) => {
      await queries.invalidateQueries({ queryKey: ['credentials'] });
      message.success(`${KINDS[c.kind]} "${c.name}" revoked`);
    },
  });

  const mayRevoke = (c: Credential) => !c.revoked_at && (c.principal_id === me.id || admin);
  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={2}>Keys &amp; tokens</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          New token or key
        </Button>
      </Flex>
      <Typography.Paragraph type="secondary">
        API tokens (the <Typography.Text code>X-Auth-Token</Typography.Text> header) and AK/SK pairs (Huawei and Alibaba
        SDKs) act with their holder's role.{' '}
        {admin
          ? "As the project's admin you also see, make and revoke those of its service accounts and members."
          : 'You see your own.'}
      </Typography.Paragraph>
      <Space style={{ marginBottom: 16 }}>
        <Switch aria-label="Show console sessions" checked={sessions} onChange={setSessions} size="small" />
        <Typography.Text>Show console sessions</Typography.Text>
      </Space>
      <ErrorAlert error={list.error ?? revoke.error} />
      <Table<Credential>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1000 }}
        columns={[
          {
            title: 'Name',
            key: 'name',
            render: (_, c) => (
              <Space size={4}>
                <Typography.Text strong>{c.name}</Typography.Text>
                {c.id === me.credential.id && <Tag color="processing">this session</Tag>}
              </Space>
            ),
          },
          {
            title: 'Kind',
            key: 'kind',
            render: (_, c) => (
              <Space orientation="vertical" size={0}>
                {KINDS[c.kind]}
                {c.access_key && <Typography.Text code>{c.access_key}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: 'Holder',
            key: 'holder',
            render: (_, c) => (c.principal_id === me.id ? `${c.principal_name} (you)` : c.principal_name),
          },
          {
            title: 'Project',
            key: 'project',
            render: (_, c) => (c.project_id ? me.projectName(c.project_id) : 'All projects'),
          },
          { title: 'Expires', key: 'expires', render: (_, c) => (c.expires_at ? when(c.expires_at) : 'never') },
          {
            title: 'Last used',
            key: 'used',
            render: (_, c) => <span title={when(c.last_used_at)}>{ago(c.last_used_at)}</span>,
          },
          { title: 'Status', key: 'status', render: (_, c) => <Status c={c} /> },
          {
            title: 'Created',
            key: 'created',
            render: (_, c) => (
              <Space orientation="vertical" size={0}>
                {when(c.created_at)}
                {c.created_by && <Typography.Text type="secondary">by {c.created_by}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: 'Actions',
            key: 'actions',
            render: (_, c) =>
              mayRevoke(c) ? (
                <Popconfirm
                  title={`Revoke "${c.name}"?`}
                  description={
                    c.id === me.credential.id
                      ? 'This console is signed in with it: you will be signed out.'
                      : 'Its next request is refused, on every server. This cannot be undone.'
                  }
                  okText="Revoke"
                  okButtonProps={{ danger: true }}
                  onConfirm={() => revoke.mutate(c)}
                >
                  <Button size="small" danger loading={revoke.isPending && revoke.variables?.id === c.id}>
                    Revoke
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      <CreateModal
        open={creating}
        holder={holder}
        onClose={(c) => {
          setCreating(false);
          if (holder) setParams({}, { replace: true });
          if (c) setCreated(c);
        }}
      />
      <SecretModal created={created} onClose={() => setCreated(undefined)} />
    </>
  );
}
