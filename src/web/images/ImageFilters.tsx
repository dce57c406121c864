// The Images page's filter bar: every ListRegistryImages filter, the common ones always shown and the rest behind
// "More filters". Selects and date ranges apply at once; text fields on Enter or "Search". The form mirrors the
// URL (Back and linked views fill it in), and what it applies goes back into the URL through onApply.
import { DownOutlined, SearchOutlined, UpOutlined } from '@ant-design/icons';
import { Button, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import type { Query } from '../api/client';
import { SCAN, SEVERITY_LABEL } from '../ui/tags';
import { type FilterValues, filtersOf, formOf } from './filterForm';
import { MORE_FILTERS, TEXT_FILTERS } from './listParams';

const SCAN_STATUS = Object.entries(SCAN).map(([value, [, label]]) => ({ value, label }));
const RISK = ['High', 'Medium', 'Low', 'Security'].map((value) => ({ value, label: SEVERITY_LABEL[value] ?? value }));
const IMAGE_TYPE = [
  { value: 'private_image', label: 'SWR private' },
  { value: 'shared_image', label: 'SWR shared' },
  { value: 'instance_image', label: 'SWR enterprise' },
  { value: 'harbor', label: 'Harbor' },
  { value: 'jfrog', label: 'JFrog' },
  { value: 'other', label: 'Other' },
];
const YES_NO = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];
const APPLY_AT_ONCE = (k: string) => !(TEXT_FILTERS as readonly string[]).includes(k) && k !== 'image_size_mib';

function Field({ name, label, children }: { name: keyof FilterValues; label: string; children: ReactNode }) {
  return (
    <Col xs={24} sm={12} md={8} xl={6} xxl={4}>
      <Form.Item name={name} label={label} style={{ marginBottom: 12 }}>
        {children}
      </Form.Item>
    </Col>
  );
}

const choice = (options: { value: string; label: string }[], placeholder = 'Any') => (
  <Select allowClear placeholder={placeholder} options={options} />
);

export function ImageFilters({ filters, onApply }: { filters: Query; onApply(filters: Query): void }) {
  const [form] = Form.useForm<FilterValues>();
  const [more, setMore] = useState(() => Object.keys(filters).some((k) => MORE_FILTERS.has(k)));
  // The URL changed (Back, a link, Reset): show what it says.
  useEffect(() => {
    form.resetFields();
    form.setFieldsValue(formOf(filters));
  }, [filters, form]);
  const apply = () => onApply(filtersOf(form.getFieldsValue(true)));
  return (
    <Form<FilterValues>
      name="image-filters"
      form={form}
      layout="vertical"
      aria-label="Image filters"
      onFinish={apply}
      onValuesChange={(changed) => Object.keys(changed).some(APPLY_AT_ONCE) && apply()}
      style={{ marginBottom: 8 }}
    >
      <Row gutter={12}>
        <Field name="namespace" label="Namespace">
          <Input allowClear placeholder="exact, e.g. library" />
        </Field>
        <Field name="image_name" label="Image name">
          <Input allowClear placeholder="starts with…" />
        </Field>
        <Field name="image_version" label="Tag">
          <Input allowClear placeholder="exact, e.g. 1.27" />
        </Field>
        <Field name="registry_name" label="Registry">
          <Input allowClear placeholder="registry name" />
        </Field>
        <Field name="scan_status" label="Scan status">
          {choice(SCAN_STATUS)}
        </Field>
        <Field name="severity_level" label="Risk">
          {choice(RISK)}
        </Field>
        <Field name="risky" label="Has any risk">
          {choice(YES_NO)}
        </Field>
      </Row>
      {more && (
        <Row gutter={12} id="image-more-filters">
          <Field name="has_vul" label="Has vulnerabilities">
            {choice(YES_NO)}
          </Field>
          <Field name="has_malicious_file" label="Has malicious files">
            {choice(YES_NO)}
          </Field>
          <Field name="has_unsafe_setting" label="Has unsafe settings">
            {choice(YES_NO)}
          </Field>
          <Field name="is_multarch" label="Multi-arch">
            {choice(YES_NO)}
          </Field>
          <Field name="latest_version" label="Versions">
            {choice([{ value: 'true', label: 'Latest version only' }], 'All versions')}
          </Field>
          <Field name="image_type" label="Image type">
            {choice(IMAGE_TYPE)}
          </Field>
          <Field name="image_size_mib" label="Size at least (MiB)">
            <InputNumber min={0} max={2047} style={{ width: '100%' }} placeholder="any size" />
          </Field>
          <Field name="instance_id" label="Instance ID">
            <Input allowClear placeholder="SWR enterprise instance" />
          </Field>
          <Field name="instance_name" label="Instance name">
            <Input allowClear placeholder="SWR enterprise instance" />
          </Field>
          <Field name="latest_update_time" label="Updated between">
            <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} />
          </Field>
          <Field name="latest_scan_time" label="Scanned between">
            <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} />
          </Field>
          <Field name="latest_sync_time" label="Synced between">
            <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} />
          </Field>
        </Row>
      )}
      <Space wrap>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
          Search
        </Button>
        <Button onClick={() => onApply({})}>Reset</Button>
        <Button
          type="link"
          aria-expanded={more}
          aria-controls="image-more-filters"
          icon={more ? <UpOutlined /> : <DownOutlined />}
          onClick={() => setMore(!more)}
        >
          {more ? 'Fewer filters' : 'More filters'}
        </Button>
      </Space>
    </Form>
  );
}
