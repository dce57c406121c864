// Add or edit a registry (HSS AddRegistry / UpdateRegistry). The password is write-only: the server never returns
// it, so editing leaves it unchanged unless a new one is typed. Name and type are fixed once created.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select } from 'antd';
import { hss } from '../api/client';
import type { Registry } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';

const TYPES = [
  { value: 'Other', label: 'OCI / Docker Distribution' },
  { value: 'Harbor', label: 'Harbor' },
  { value: 'Jfrog', label: 'JFrog Artifactory' },
  { value: 'SwrPrivate', label: 'SWR private' },
  { value: 'SwrShared', label: 'SWR shared' },
  { value: 'SwrEnterprise', label: 'SWR enterprise' },
];

interface Values {
  registry_name: string;
  registry_type: string;
  protocol: 'http' | 'https';
  registry_addr: string;
  registry_username?: string;
  registry_password?: string;
  namespace?: string;
  region_id?: string;
  instance_id?: string;
}

/** The fields a request carries: blanks dropped, and on edit the fixed ones too. */
function bodyOf(v: Values, editing: boolean): Partial<Values> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (value === undefined || value === '') continue;
    if (editing && (k === 'registry_name' || k === 'registry_type')) continue;
    out[k] = String(value);
  }
  return out;
}

export function RegistryForm({ editing, onClose }: { editing?: Registry; onClose(): void }) {
  const client = useClient();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useMutation({
    mutationFn: (v: Values) =>
      editing
        ? client.send('PUT', hss(client, `/image/registries/${editing.id}`), bodyOf(v, true))
        : client.send('POST', hss(client, '/image/registries'), bodyOf(v, false)),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['registries'] });
      message.success(editing ? 'Registry saved; checking access' : 'Registry added; checking access');
      onClose();
    },
  });
  return (
    <Modal
      open
      title={editing ? `Edit ${editing.registry_name}` : 'Add a registry'}
      onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose}>
          Cancel
        </Button>,
        <Button key="save" type="primary" loading={save.isPending} onClick={() => form.submit()}>
          {editing ? 'Save' : 'Add registry'}
        </Button>,
      ]}
    >
      <ErrorAlert error={save.error} />
      <Form<Values>
        name="registry"
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={editing ?? { registry_type: 'Other', protocol: 'https' }}
      >
        <Form.Item label="Name" name="registry_name" rules={[{ required: true, max: 128 }]}>
          <Input disabled={Boolean(editing)} />
        </Form.Item>
        <Form.Item label="Type" name="registry_type" rules={[{ required: true }]}>
          <Select aria-label="Type" options={TYPES} disabled={Boolean(editing)} />
        </Form.Item>
        <Form.Item label="Protocol" name="protocol" rules={[{ required: true }]}>
          <Select aria-label="Protocol" options={[{ value: 'https' }, { value: 'http' }]} />
        </Form.Item>
        <Form.Item
          label="Address"
          name="registry_addr"
          extra="host[:port], e.g. registry.example.com or 127.0.0.1:5000"
          rules={[{ required: true, pattern: /^[^\s/]+$/, message: 'host[:port], without a scheme or path' }]}
        >
          <Input placeholder="registry.example.com" />
        </Form.Item>
        <Form.Item label="Username" name="registry_username">
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          label="Password"
          name="registry_password"
          extra={editing ? 'Leave empty to keep the stored one' : undefined}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item label="Namespace" name="namespace" extra="Only this namespace (empty: every repository)">
          <Input />
        </Form.Item>
        <Form.Item label="Region id" name="region_id">
          <Input />
        </Form.Item>
        <Form.Item label="Instance id" name="instance_id">
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
