// Trusted keys: the signers whose cosign signatures the project trusts (a rule's "Signed by" gate names them):
// public keys and keyless identities (certificate subject and OIDC issuer, with the trusted root that vouches for
// them). Everyone in the project sees them, with their fingerprints (shortened here and copied whole) and, for an
// identity, who it is; an admin adds one (AddTrustedKey.tsx) and removes one, after a confirmation.
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { paths } from '../api/openapi';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ago, when } from '../ui/format';
import { AddTrustedKey, type TrustedKey } from './AddTrustedKey';
import { useIdentity } from './useIdentity';

type TrustedKeyList = paths['/api/v1/trusted-keys']['get']['responses'][200]['content']['application/json'];

/** `sha256:0123456789abcdef…`: enough to tell keys apart at a glance. */
const shortFingerprint = (f: string) => (f.length > 23 ? `${f.slice(0, 23)}…` : f);

function Fingerprint({ value }: { value: string }) {
  return (
    <Typography.Text
      code
      title={value}
      copyable={{ text: value, tooltips: ['Copy the fingerprint', 'Copied'] }}
      aria-label={`Fingerprint ${value}`}
    >
      {shortFingerprint(value)}
    </Typography.Text>
  );
}

export function TrustedKeys() {
  const client = useClient();
  const me = useIdentity();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const [adding, setAdding] = useState(false);
  const admin = me.can('admin');

  const list = useQuery({
    queryKey: ['trusted-keys'],
    queryFn: () => client.get<TrustedKeyList>('/api/v1/trusted-keys'),
  });
  const remove = useMutation({
    mutationFn: async (k: TrustedKey) => {
      await client.send<unknown>('DELETE', `/api/v1/trusted-keys/${encodeURIComponent(k.name)}`);
      return k;
    },
    onSuccess: async (k) => {
      await queries.invalidateQueries({ queryKey: ['trusted-keys'] });
      message.success(`Key "${k.name}" is no longer trusted`);
    },
  });

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={2}>Trusted keys</Typography.Title>
        {admin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            Add key
          </Button>
        )}
      </Flex>
      <Typography.Paragraph type="secondary">
        Public keys and keyless identities whose cosign signatures this project trusts: a replication rule's "Signed by"
        gate copies an image only when one of the signers it names signed it.{' '}
        {admin
          ? 'Adding a key decides again the images a gate blocked for want of it.'
          : 'Only an admin of this project adds or removes keys.'}
      </Typography.Paragraph>
      <ErrorAlert error={list.error ?? remove.error} />
      <Table<TrustedKey>
        rowKey="name"
        loading={list.isLoading}
        dataSource={list.data?.keys ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: 'No trusted key yet' }}
        columns={[
          { title: 'Name', key: 'name', render: (_, k) => <Typography.Text strong>{k.name}</Typography.Text> },
          {
            title: 'Signer',
            key: 'signer',
            render: (_, k) =>
              k.kind === 'keyless' ? (
                <Space direction="vertical" size={0}>
                  <span>
                    <Tag>Keyless</Tag>
                    <Typography.Text>{k.subject}</Typography.Text>
                  </span>
                  <Typography.Text type="secondary">issued by {k.issuer}</Typography.Text>
                </Space>
              ) : (
                <Tag>Public key</Tag>
              ),
          },
          { title: 'Fingerprint', key: 'fingerprint', render: (_, k) => <Fingerprint value={k.fingerprint} /> },
          {
            title: 'Added',
            key: 'added',
            render: (_, k) => <span title={when(k.created_at)}>{ago(k.created_at)}</span>,
          },
          ...(admin
            ? [
                {
                  title: 'Actions',
                  key: 'actions',
                  render: (_: unknown, k: TrustedKey) => (
                    <Popconfirm
                      title={`Remove "${k.name}"?`}
                      description="Signatures by this key no longer pass the rules' gates that name it."
                      okText="Remove"
                      okButtonProps={{ danger: true }}
                      onConfirm={() => remove.mutate(k)}
                    >
                      <Button size="small" danger loading={remove.isPending && remove.variables?.name === k.name}>
                        Remove
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      <AddTrustedKey
        open={adding}
        onClose={(k) => {
          setAdding(false);
          if (k) message.success(`Key "${k.name}" added`);
        }}
      />
    </>
  );
}
