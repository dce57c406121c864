// Trusted keys: the public keys whose cosign signatures the project trusts (a rule's "Signed by" gate names them).
// Everyone in the project sees them, with their fingerprints (`sha256:` + hex of the key's DER, shortened here and
// copied whole); an admin adds one (its PEM pasted or read from a `.pub` file: the server refuses what is not a
// supported public key, and a name already taken) and removes one, after a confirmation.
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, Input, Modal, Popconfirm, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import type { paths } from '../api/openapi';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ago, when } from '../ui/format';
import { useIdentity } from './useIdentity';

type TrustedKeyList = paths['/api/v1/trusted-keys']['get']['responses'][200]['content']['application/json'];
type TrustedKey = TrustedKeyList['keys'][number];
type NewKey = paths['/api/v1/trusted-keys']['post']['requestBody']['content']['application/json'];

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

function AddKeyModal({ open, onClose }: { open: boolean; onClose(added?: TrustedKey): void }) {
  const client = useClient();
  const queries = useQueryClient();
  const [form] = Form.useForm<NewKey>();
  const add = useMutation({
    mutationFn: (v: NewKey) =>
      client.send<TrustedKey>('POST', '/api/v1/trusted-keys', {
        name: v.name.trim(),
        public_key_pem: v.public_key_pem,
      }),
    onSuccess: async (k) => {
      form.resetFields();
      add.reset();
      await queries.invalidateQueries({ queryKey: ['trusted-keys'] });
      onClose(k);
    },
  });

  /** A `.pub` file picked: its text becomes the PEM (and its base name the name, when none is given yet). */
  const readFile = async (file: File) => {
    const text = await file.text();
    form.setFieldValue('public_key_pem', text);
    if (!form.getFieldValue('name')) {
      const base = file.name.replace(/\.(pub|pem)$/i, '').replace(/[^A-Za-z0-9._-]/g, '-');
      if (/^[A-Za-z0-9]/.test(base)) form.setFieldValue('name', base.slice(0, 128));
    }
    await form.validateFields(['public_key_pem']).catch(() => undefined);
  };

  return (
    <Modal
      open={open}
      title="Add a trusted key"
      okText="Add key"
      onOk={() => form.submit()}
      confirmLoading={add.isPending}
      onCancel={() => {
        add.reset();
        onClose();
      }}
      destroyOnHidden
    >
      <Form<NewKey>
        form={form}
        name="new-trusted-key"
        layout="vertical"
        onFinish={(v) => add.mutate(v)}
        requiredMark={false}
      >
        <Form.Item
          name="name"
          label="Name"
          extra="What rules call it, e.g. release-signing"
          rules={[
            { required: true, whitespace: true, message: 'Name it' },
            { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, message: 'Letters, digits and . _ - only' },
            { max: 128 },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="public_key_pem"
          label="Public key (PEM)"
          extra="ECDSA P-256/P-384, Ed25519 or RSA of at least 2048 bits, e.g. the cosign.pub that cosign generate-key-pair wrote."
          rules={[{ required: true, whitespace: true, message: 'Paste the public key or pick its file' }]}
        >
          <Input.TextArea
            rows={6}
            spellCheck={false}
            placeholder={'-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
            style={{ fontFamily: 'monospace' }}
          />
        </Form.Item>
        <Upload
          accept=".pub,.pem,text/plain"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(file) => {
            void readFile(file);
            return Upload.LIST_IGNORE;
          }}
        >
          <Button icon={<UploadOutlined />}>Read a .pub file</Button>
        </Upload>
      </Form>
      <div style={{ marginTop: 16 }}>
        <ErrorAlert error={add.error} />
      </div>
    </Modal>
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
        Public keys whose cosign signatures this project trusts: a replication rule's "Signed by" gate copies an image
        only when one of the keys it names signed it.{' '}
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
      <AddKeyModal
        open={adding}
        onClose={(k) => {
          setAdding(false);
          if (k) message.success(`Key "${k.name}" added`);
        }}
      />
    </>
  );
}
