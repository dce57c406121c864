// The rule form's "Gates" section: what an image must pass before the rule copies it (a signature by a trusted key
// of the project, no vulnerability at or above a severity but for an allow-list, a scan no older than N hours, no
// malicious file, no secret). Every gate is off by default. Labels are stable: tests find the fields by them.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import { Link } from 'react-router';
import type { paths } from '../api/openapi.js';
import { useClient } from '../auth';
import { GATE_SEVERITIES } from './gates';

type TrustedKeys = paths['/api/v1/trusted-keys']['get']['responses'][200]['content']['application/json'];

/** The project's trusted keys by name: a signature verified by one of those picked passes. */
function SignedBySelect(props: { value?: string[]; onChange?: (v: string[]) => void }) {
  const client = useClient();
  const keys = useQuery({
    queryKey: ['trusted-keys'],
    queryFn: () => client.get<TrustedKeys>('/api/v1/trusted-keys'),
  });
  return (
    <Select
      {...props}
      mode="multiple"
      aria-label="Signed by"
      allowClear
      loading={keys.isLoading}
      placeholder="Any image, signed or not"
      options={(keys.data?.keys ?? []).map((k) => ({ value: k.name, label: `${k.name} (${k.fingerprint})` }))}
      optionFilterProp="label"
      notFoundContent={
        keys.isLoading ? (
          'Loading…'
        ) : keys.error ? (
          `Could not list the trusted keys: ${keys.error.message}`
        ) : (
          <>
            No trusted key in this project: <Link to="/trusted-keys">add one on Trusted keys</Link>
          </>
        )
      }
    />
  );
}

function AllowList() {
  return (
    <Form.List name={['gates', 'allow_vulnerabilities']}>
      {(rows, { add, remove }) => (
        <Form.Item
          label="Allowed vulnerabilities"
          extra="Advisories the severity gate lets through (a CVE or GHSA id, or any alias), until the day picked."
        >
          {rows.map((row, i) => (
            <Space key={row.key} align="baseline" style={{ display: 'flex', marginBottom: 8 }}>
              <Form.Item
                name={[row.name, 'id']}
                rules={[{ required: true, whitespace: true, message: 'An advisory id, e.g. CVE-2021-44228' }]}
                style={{ marginBottom: 0 }}
              >
                <Input aria-label={`Vulnerability id ${i + 1}`} placeholder="CVE-2021-44228" maxLength={128} />
              </Form.Item>
              <Form.Item name={[row.name, 'expires_at']} style={{ marginBottom: 0 }}>
                <DatePicker aria-label={`Expires ${i + 1}`} placeholder="No expiry" />
              </Form.Item>
              <Button
                type="text"
                aria-label={`Remove vulnerability ${i + 1}`}
                icon={<MinusCircleOutlined />}
                onClick={() => remove(row.name)}
              />
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ id: '' })}>
            Allow a vulnerability
          </Button>
        </Form.Item>
      )}
    </Form.List>
  );
}

export function GatesFields() {
  return (
    <section aria-label="Gates">
      <Typography.Title level={5}>Gates</Typography.Title>
      <Typography.Paragraph type="secondary">
        What an image must pass to be copied. One that fails is not copied: its task ends "Blocked by policy" and runs
        again once the reason may be gone (a new scan, an allow-list entry, a new signature). A gate that needs a scan
        asks for one first.
      </Typography.Paragraph>
      <Form.Item name={['gates', 'signed_by']} label="Signed by" extra="Trusted keys of the project; empty: no check.">
        <SignedBySelect />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item
            name={['gates', 'block_severity']}
            label="Block severity"
            extra="Refuse an image with a vulnerability at or above it."
          >
            <Select
              aria-label="Block severity"
              allowClear
              placeholder="None"
              options={GATE_SEVERITIES.map((s) => ({ value: s, label: `${s} and above` }))}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name={['gates', 'max_scan_age_hours']}
            label="Max scan age (hours)"
            extra="Scan again first when the result is older; empty: any age."
          >
            <InputNumber
              aria-label="Max scan age (hours)"
              min={1}
              max={87600}
              precision={0}
              style={{ width: '100%' }}
            />
          </Form.Item>
        </Col>
      </Row>
      <AllowList />
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name={['gates', 'no_malicious']} label="No malicious files" valuePropName="checked">
            <Switch aria-label="No malicious files" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['gates', 'no_secrets']} label="No secrets" valuePropName="checked">
            <Switch aria-label="No secrets" />
          </Form.Item>
        </Col>
      </Row>
    </section>
  );
}
