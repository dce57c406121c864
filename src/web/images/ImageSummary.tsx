// The facts of one image at the top of its detail page: registry, digest, size, scan status (or that it cannot be
// scanned, or that its results are from an earlier scan) and time, risk, its signatures and SBOM, and its platforms
// when it is an index.
import { Descriptions, Space, Tag, Tooltip, Typography } from 'antd';
import type { ImageRow } from '../api/types';
import { ago, bytes, when } from '../ui/format';
import { RiskBadge } from '../ui/tags';
import { countsText, platformName } from './platform';
import { ReferrerTags } from './ReferrerTags';
import { RowScanState } from './ScanStateTags';

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
          children: (
            <Space size={4} wrap>
              <RowScanState row={row} />
            </Space>
          ),
        },
        {
          key: 'risk',
          label: 'Risk',
          children: !row.scannable ? (
            '—'
          ) : scanned ? (
            <Space size={4} wrap>
              <RiskBadge level={row.severity_level} />
              <span>{countsText(row)}</span>
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
        { key: 'referrers', label: 'Supply chain', span: 2, children: <ReferrerTags row={row} /> },
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
