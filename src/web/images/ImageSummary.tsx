// The facts of one image at the top of its detail page: registry, digest, size, scan status and time, risk,
// and its platforms when it is a multi-arch index.
import { Descriptions, Space, Tag, Tooltip, Typography } from 'antd';
import type { ImageRow } from '../api/types';
import { ago, bytes, when } from '../ui/format';
import { RiskBadge, ScanStatusTag } from '../ui/tags';
import { platformName } from './ImagePlatforms';

function Platforms({ row }: { row: ImageRow }) {
  if (!row.is_multiple_arch || !row.association_images?.length) return <>Single platform</>;
  return (
    <Space size={[4, 4]} wrap>
      {row.association_images.map((p) => (
        <Tooltip key={p.id} title={`${p.image_digest} · ${bytes(p.image_size)}`}>
          <Tag>{platformName(p)}</Tag>
        </Tooltip>
      ))}
    </Space>
  );
}

export function ImageSummary({ row }: { row: ImageRow }) {
  const scanned = row.latest_scan_time || row.scan_status === 'success';
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, md: 2, xl: 3 }}
      style={{ marginBottom: 16 }}
      items={[
        { key: 'registry', label: 'Registry', children: `${row.registry_name} (${row.registry_type})` },
        {
          key: 'status',
          label: 'Scan status',
          children: <ScanStatusTag status={row.scan_status} reason={row.scan_failed_desc} />,
        },
        {
          key: 'risk',
          label: 'Risk',
          children: scanned ? (
            <Space size={4} wrap>
              <RiskBadge level={row.severity_level} />
              <span>
                {row.vul_num} vulnerabilities · {row.malicious_file_num} malicious · {row.unsafe_setting_num} unsafe
              </span>
            </Space>
          ) : (
            <RiskBadge level="unscanned" />
          ),
        },
        { key: 'size', label: 'Size', children: bytes(row.image_size) },
        { key: 'scanned', label: 'Last scanned', children: when(row.latest_scan_time) },
        {
          key: 'synced',
          label: 'Last synced',
          children: (
            <Tooltip title={when(row.latest_sync_time)}>
              <span>{ago(row.latest_sync_time)}</span>
            </Tooltip>
          ),
        },
        { key: 'latest', label: 'Latest version', children: row.latest_version ? 'Yes' : 'No' },
        {
          key: 'digest',
          label: 'Digest',
          span: 'filled',
          children: (
            <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
              {row.image_digest}
            </Typography.Text>
          ),
        },
        { key: 'platforms', label: 'Platforms', span: 'filled', children: <Platforms row={row} /> },
      ]}
    />
  );
}
