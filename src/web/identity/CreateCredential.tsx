import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Checkbox, Form, Input, InputNumber, Modal, Radio, Select } from 'antd';
import { useEffect } from 'react';
import type { CreatedCredential, Member } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useIdentity } from './useIdentity';

interface NewCredential {
  kind: 'token' | 'access_key';
  name: string;
  holder: string;
  expires_in_days?: number | null;
  all_projects?: boolean;
}

const ME = 'me';

export function CreateModal({
  open,
  holder,
  onClose,
}: {
  open: boolean;
  holder?: string;
  onClose(c?: CreatedCredential): void;
}) {
  const client = useClient();
  const me = useIdentity();
  const queries = useQueryClient();
  const [form] = Form.useForm<NewCredential>();
  const admin = me.can('admin');
  const inProject = me.projectId !== '';
  // An admin also makes keys for the project's service accounts.
  const services = useQuery({
    queryKey: ['members'],
    queryFn: () => client.get<Member[]>('/api/v1/members'),
    enabled: open && admin && inProject,
    select: (ms) => ms.filter((m) => m.kind === 'service'),
  });
  const kind = Form.useWatch('kind', form);
  const chosen = Form.useWatch('holder', form);
  const forMe = (chosen ?? ME) === ME;
  // A token of a person may act in every project of theirs; a key pair and a service account act in one.
  const mayAllProjects = kind === 'token' && forMe && me.kind === 'user';

  useEffect(() => {
    if (open) form.setFieldsValue({ holder: holder ?? ME, all_projects: !inProject });
  }, [open, holder, form, inProject]);

  const create = useMutation({
    mutationFn: (v: NewCredential) =>
      client.send<CreatedCredential>('POST', '/api/v1/credentials', {
        kind: v.kind,
        name: v.name,
        ...(v.holder && v.holder !== ME ? { principal_id: v.holder } : {}),
        ...(v.expires_in_days ? { expires_in_days: v.expires_in_days } : {}),
        ...(mayAllProjects && v.all_projects ? { all_projects: true } : {}),
      }),
    onSuccess: async (c) => {
      form.resetFields();
      create.reset();
      await queries.invalidateQueries({ queryKey: ['credentials'] });
      onClose(c);
    },
  });

  return (
    <Modal
      open={open}
      title="New token or key pair"
      okText="Create"
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      onCancel={() => {
        create.reset();
        onClose();
      }}
      destroyOnHidden
    >
      <Form<NewCredential>
        form={form}
        name="new-credential"
        layout="vertical"
        initialValues={{ kind: 'token', holder: holder ?? ME, all_projects: !inProject }}
        onFinish={(v) => create.mutate(v)}
        requiredMark={false}
      >
        <Form.Item name="kind" label="Kind">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'token', label: 'API token' },
              { value: 'access_key', label: 'Key pair (AK/SK)', disabled: !inProject },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label="Name"
          extra="What it is for, e.g. ci-pull or laptop"
          rules={[
            { required: true, message: 'Name it' },
            { pattern: /^[A-Za-z0-9][A-Za-z0-9._@-]*$/, message: 'Letters, digits and . _ @ - only' },
            { max: 64 },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        {admin && inProject && (
          <Form.Item name="holder" label="Holder">
            <Select
              aria-label="Holder"
              loading={services.isLoading}
              options={[
                { value: ME, label: `Me (${me.name})` },
                ...(services.data ?? []).map((s) => ({ value: s.id, label: `${s.name} (service account, ${s.role})` })),
              ]}
            />
          </Form.Item>
        )}
        <Form.Item name="expires_in_days" label="Expires after (days)" extra="Empty: it lives until revoked">
          <InputNumber min={1} max={3650} precision={0} style={{ width: 160 }} />
        </Form.Item>
        {mayAllProjects && (
          <Form.Item name="all_projects" valuePropName="checked">
            <Checkbox disabled={!inProject}>
              Acts in every project of mine (else only in {me.projectName(me.projectId)})
            </Checkbox>
          </Form.Item>
        )}
      </Form>
      <ErrorAlert error={create.error} />
    </Modal>
  );
}
