// The Malicious files, Secrets & sensitive files and Unsafe settings tabs of an image: server-paged tables of
// ListImageMalwares (files whose hash is on an IOC list) and of the two check lists (rule, severity, what and
// where, with the evidence shortened and secrets masked by the server).
import { Table, Tag, Tooltip, Typography } from 'antd';
import { ErrorAlert } from '../ui/ErrorAlert';
import { bytes } from '../ui/format';
import { type CheckRow, type MalwareRow, SEVERITY_COLOR } from './findingTypes';
import { type FindingsTarget, useFindings } from './useFindings';

const path = (p: string) => <Typography.Text code>{p}</Typography.Text>;
/** Code cut to its column, whole in a tooltip. */
const clipped = (text: string) => (
  <Tooltip title={text} placement="topLeft">
    <Typography.Text code>{text}</Typography.Text>
  </Tooltip>
);

export function MalwareTab({ target }: { target: FindingsTarget }) {
  const { result, loading, pagination } = useFindings<MalwareRow>(target, 'malwares');
  return (
    <>
      <ErrorAlert error={result.error} />
      <Table<MalwareRow>
        size="small"
        rowKey={(m) => `${m.file_path} ${m.file_hash}`}
        loading={loading}
        dataSource={result.data?.data_list ?? []}
        pagination={pagination}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: 'No malicious file found' }}
        columns={[
          { title: 'File', dataIndex: 'file_path', render: path },
          {
            title: 'Malware',
            dataIndex: 'malware_name',
            render: (n: string) => <Tag color="red">{n || 'unnamed'}</Tag>,
          },
          { title: 'Listed by', dataIndex: 'source' },
          {
            title: 'Hash',
            key: 'hash',
            render: (_, m) => (
              <Tooltip title={m.file_hash}>
                <Typography.Text code copyable={{ text: m.file_hash }}>
                  {m.hash_type}:{m.file_hash.slice(0, 16)}…
                </Typography.Text>
              </Tooltip>
            ),
          },
          { title: 'Size', dataIndex: 'file_size', align: 'right', render: (n: number) => bytes(n) },
        ]}
      />
    </>
  );
}

export function ChecksTab({
  target,
  kind,
  empty,
}: {
  target: FindingsTarget;
  kind: 'sensitive' | 'baseline/risk-configs';
  empty: string;
}) {
  const { result, loading, pagination } = useFindings<CheckRow>(target, kind);
  return (
    <>
      <ErrorAlert error={result.error} />
      <Table<CheckRow>
        size="small"
        rowKey={(c) => `${c.rule_id} ${c.position}`}
        loading={loading}
        dataSource={result.data?.data_list ?? []}
        pagination={pagination}
        tableLayout="fixed"
        scroll={{ x: 1000 }}
        locale={{ emptyText: empty }}
        columns={[
          {
            title: 'Severity',
            dataIndex: 'severity',
            width: 100,
            render: (s: string) => <Tag color={SEVERITY_COLOR[s] ?? 'default'}>{s}</Tag>,
          },
          { title: 'Finding', dataIndex: 'description' },
          { title: 'Where', dataIndex: 'position', width: 220, ellipsis: { showTitle: false }, render: clipped },
          {
            title: 'Evidence',
            dataIndex: 'evidence',
            width: 240,
            ellipsis: { showTitle: false },
            render: (e: string) => (e ? clipped(e) : '—'),
          },
          {
            title: 'Rule',
            dataIndex: 'rule_id',
            width: 200,
            ellipsis: true,
            render: (r: string) => <Typography.Text type="secondary">{r}</Typography.Text>,
          },
        ]}
      />
    </>
  );
}
