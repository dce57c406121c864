// "Start a scan": CreateManualImageScanTask over every image of the project (is_all) or over the images matching
// some ListRegistryImages filters (query_info: namespace, image name prefix, tag, registry).
import { useMutation } from '@tanstack/react-query';
import { App, Form, Input, Modal, Radio, Select } from 'antd';
import { hss } from '../api/client';
import { useClient } from '../auth';
import { useRegistries } from '../registries/useRegistries';
import { ErrorAlert } from '../ui/ErrorAlert';
import type { CreateScanBody, ScanQueryInfo } from './types';

interface Values extends ScanQueryInfo {
  scope: 'all' | 'filters';
}

const opt = (v: string | undefined) => v?.trim() || undefined;

function bodyOf(v: Values): CreateScanBody {
  if (v.scope === 'all') return { is_all: true };
  return {
    query_info: {
      namespace: opt(v.namespace),
      image_name: opt(v.image_name),
      image_version: opt(v.image_version),
      registry_name: opt(v.registry_name),
    },
  };
}

export function ScanStartModal({ open, onClose, onStarted }: { open: boolean; onClose(): void; onStarted(): void }) {
  const client = useClient();
  const { message } = App.useApp();
  const registries = useRegistries();
  const [form] = Form.useForm<Values>();
  const scope = Form.useWatch('scope', form);

  const start = useMutation({
    mutationFn: (v: Values) =>
      client.send<{ task_id: string }>('POST', hss(client, '/image/image-scan/tasks'), bodyOf(v)),
    onSuccess: (r) => {
      message.success(`Scan task ${r.task_id.slice(0, 8)} started`);
      onStarted();
      close();
    },
  });

  function close() {
    form.resetFields();
    start.reset();
    onClose();
  }

  const oneFilter = {
    validator: async () => {
      const v = form.getFieldsValue();
      if (
        v.scope === 'filters' &&
        !opt(v.namespace) &&
        !opt(v.image_name) &&
        !opt(v.image_version) &&
        !opt(v.registry_name)
      )
        throw new Error('Give at least one filter, or scan every image');
    },
  };

  return (
    <Modal
      title="Start a scan"
      open={open}
      onCancel={close}
      okText="Start scan"
      confirmLoading={start.isPending}
      onOk={() =>
        form.validateFields().then(
          (v) => start.mutate(v),
          () => undefined,
        )
      }
      destroyOnHidden
    >
      <ErrorAlert error={start.error} />
      <Form<Values>
        name="scan-start"
        form={form}
        layout="vertical"
        initialValues={{ scope: 'all' }}
        requiredMark={false}
      >
        <Form.Item name="scope" label="Images">
          <Radio.Group
            options={[
              { value: 'all', label: 'Every image' },
              { value: 'filters', label: 'Images matching filters' },
            ]}
          />
        </Form.Item>
        {scope === 'filters' && (
          <>
            <Form.Item
              name="registry_name"
              label="Registry"
              dependencies={['namespace', 'image_name', 'image_version']}
              rules={[oneFilter]}
            >
              <Select
                aria-label="Registry"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                loading={registries.loading}
                placeholder="Any registry"
                options={registries.list.map((r) => ({ value: r.registry_name, label: r.registry_name }))}
              />
            </Form.Item>
            <Form.Item name="namespace" label="Namespace">
              <Input maxLength={128} />
            </Form.Item>
            <Form.Item name="image_name" label="Image name" extra="Images whose name starts with this.">
              <Input maxLength={128} />
            </Form.Item>
            <Form.Item name="image_version" label="Tag">
              <Input maxLength={64} />
            </Form.Item>
          </>
        )}
      </Form>
      {scope !== 'filters' && (
        <p>
          Every image of the project is asked for. A digest already scanned against the current advisory database gets
          its stored result at once.
        </p>
      )}
    </Modal>
  );
}
