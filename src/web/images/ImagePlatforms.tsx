// The platforms of a multi-arch image (its association_images), each with its own scan: status, risk and counts,
// digest and size. In the Images list's expanded rows each platform links to its findings; on the detail page a
// row can be picked to show that platform's findings in the tabs below.
import { Table, Tooltip, Typography } from 'antd';
import { Link, type To } from 'react-router';
import type { Platform, Severity } from '../api/types';
import { bytes, shortDigest } from '../ui/format';
import { RiskBadge } from '../ui/tags';
import { platformName, platformScanned } from './platform';
import { PlatformScanState } from './ScanStateTags';

interface Props {
  platforms: Platform[];
  /** The digest of the platform whose findings are shown; with onSelect, a row can be picked. */
  selected?: string;
  onSelect?(digest: string): void;
  /** Where a platform's name links to (its findings on the detail page). */
  linkOf?(p: Platform): { to: To; state: unknown };
}

/** A count once the platform has a completed scan, "—" before. */
const count = (p: Platform, n: number | undefined) => (platformScanned(p) ? (n ?? 0) : '—');

export function ImagePlatforms({ platforms, selected, onSelect, linkOf }: Props) {
  const picked = platforms.find((p) => p.image_digest === selected);
  return (
    <Table<Platform>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={platforms}
      scroll={{ x: 'max-content' }}
      style={{ maxWidth: 1100 }}
      rowSelection={
        onSelect && {
          type: 'radio',
          columnTitle: 'Findings',
          selectedRowKeys: picked ? [picked.id] : [],
          onChange: (_keys, rows) => rows[0] && onSelect(rows[0].image_digest),
          getCheckboxProps: (p) => ({ 'aria-label': `Show the findings of ${platformName(p)}` }),
        }
      }
      columns={[
        {
          title: 'Platform',
          key: 'platform',
          render: (_, p) => {
            const link = linkOf?.(p);
            return link ? (
              <Link to={link.to} state={link.state}>
                {platformName(p)}
              </Link>
            ) : (
              platformName(p)
            );
          },
        },
        { title: 'Scan status', key: 'status', render: (_, p) => <PlatformScanState platform={p} /> },
        {
          title: 'Risk',
          key: 'risk',
          render: (_, p) => (platformScanned(p) ? <RiskBadge level={p.severity_level as Severity | undefined} /> : '—'),
        },
        {
          title: <abbr title="Vulnerabilities">Vulns</abbr>,
          key: 'vul',
          align: 'right',
          render: (_, p) => count(p, p.vul_num),
        },
        { title: 'Malicious', key: 'mal', align: 'right', render: (_, p) => count(p, p.malicious_file_num) },
        { title: 'Unsafe', key: 'unsafe', align: 'right', render: (_, p) => count(p, p.unsafe_setting_num) },
        {
          title: 'Digest',
          dataIndex: 'image_digest',
          render: (d: string) => (
            <Tooltip title={d}>
              <Typography.Text code copyable={{ text: d }}>
                {shortDigest(d)}
              </Typography.Text>
            </Tooltip>
          ),
        },
        { title: 'Size', dataIndex: 'image_size', align: 'right', render: (n: number) => bytes(n) },
      ]}
    />
  );
}
