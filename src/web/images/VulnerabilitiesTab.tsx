// The Vulnerabilities tab of an image: ListImageVulnerabilities, paged and filtered by the server (repair
// necessity, vulnerability id contains, exact package name). Each id links to its advisory.
import { Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import type { Query } from '../api/client';
import { ErrorAlert } from '../ui/ErrorAlert';
import { advisoryUrl, packageTypeOf, SEVERITY_COLOR, type VulnerabilityRow } from './findingTypes';
import { type FindingsTarget, useFindings } from './useFindings';

const NECESSITY = [
  { value: 'immediate_repair', label: 'Fix now (critical, high)' },
  { value: 'delay_repair', label: 'Fix later (medium, unknown)' },
  { value: 'not_needed_repair', label: 'Optional (low)' },
];

export function VulnerabilitiesTab({ target }: { target: FindingsTarget }) {
  const [filters, setFilters] = useState<Query>({});
  const { result, loading, pagination, restart } = useFindings<VulnerabilityRow>(target, 'vulnerabilities', filters);
  const set = (k: string, v: string | undefined) => {
    setFilters((f) => ({ ...f, [k]: v?.trim() || undefined }));
    restart();
  };
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          aria-label="Repair necessity"
          placeholder="Any repair necessity"
          style={{ width: 240 }}
          options={NECESSITY}
          onChange={(v: string | undefined) => set('repair_necessity', v)}
        />
        <Input.Search
          allowClear
          aria-label="Vulnerability id contains"
          placeholder="Vulnerability id, e.g. CVE-2024"
          style={{ width: 260 }}
          maxLength={128}
          onSearch={(v) => set('vul_id', v)}
        />
        <Input.Search
          allowClear
          aria-label="Package name"
          placeholder="Package name (exact)"
          style={{ width: 240 }}
          maxLength={64}
          onSearch={(v) => set('app_name', v)}
        />
      </Space>
      <ErrorAlert error={result.error} />
      <Table<VulnerabilityRow>
        size="small"
        rowKey={(v) => `${v.vul_id} ${v.app_name} ${v.app_path} ${v.version}`}
        loading={loading}
        dataSource={result.data?.data_list ?? []}
        pagination={pagination}
        tableLayout="fixed"
        scroll={{ x: 1100 }}
        locale={{ emptyText: 'No vulnerability found' }}
        columns={[
          {
            title: 'Vulnerability',
            key: 'id',
            width: 190,
            render: (_, v) => (
              <a href={advisoryUrl(v)} target="_blank" rel="noreferrer">
                {v.vul_id}
              </a>
            ),
          },
          {
            title: 'Severity',
            dataIndex: 'severity',
            width: 100,
            render: (s: string) => <Tag color={SEVERITY_COLOR[s] ?? 'default'}>{s}</Tag>,
          },
          {
            title: 'Package',
            key: 'package',
            width: 180,
            ellipsis: { showTitle: false },
            render: (_, v) => (
              <Tooltip title={`${v.app_name} in ${v.app_path}`} placement="topLeft">
                <span>{v.app_name}</span>
              </Tooltip>
            ),
          },
          { title: 'Installed', dataIndex: 'version', width: 150, ellipsis: true },
          {
            title: 'Fixed in',
            dataIndex: 'fixed_version',
            width: 160,
            ellipsis: true,
            render: (f: string) => f || <Typography.Text type="secondary">no fix yet</Typography.Text>,
          },
          { title: 'Type', key: 'type', width: 80, render: (_, v) => packageTypeOf(v) },
          {
            title: 'Description',
            dataIndex: 'description',
            ellipsis: { showTitle: false },
            render: (d: string) => (
              <Tooltip title={d} placement="topLeft">
                <span>{d}</span>
              </Tooltip>
            ),
          },
        ]}
      />
    </>
  );
}
