// Which findings the tabs show for a multi-arch image: those of every platform together (the tag's, the default),
// or one platform's. Each choice says its scan state, risk and counts.
import { Select, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { ImageRow, Platform, Severity } from '../api/types';
import { RiskBadge } from '../ui/tags';
import { countsText, platformName, platformScanned } from './platform';
import { PlatformScanState, RowScanState } from './ScanStateTags';

const ALL = '';

interface Props {
  row: ImageRow;
  platforms: Platform[];
  /** The digest of the platform shown; undefined for all of them. */
  selected?: string;
  onSelect(digest: string | undefined): void;
}

function Choice({ name, state, risk, counts }: { name: string; state: ReactNode; risk?: Severity; counts?: string }) {
  return (
    <Space size={6}>
      <Typography.Text strong>{name}</Typography.Text>
      {state}
      {counts !== undefined && <RiskBadge level={risk} />}
      {counts !== undefined && <Typography.Text type="secondary">{counts}</Typography.Text>}
    </Space>
  );
}

export function PlatformSwitch({ row, platforms, selected, onSelect }: Props) {
  const rowScanned = Boolean(row.latest_scan_time) || row.scan_status === 'success';
  const options = [
    {
      value: ALL,
      title: 'All platforms',
      label: (
        <Choice
          name="All platforms"
          state={<RowScanState row={row} />}
          risk={row.severity_level}
          counts={rowScanned ? countsText(row) : undefined}
        />
      ),
    },
    ...platforms.map((p) => ({
      value: p.image_digest,
      title: platformName(p),
      label: (
        <Choice
          name={platformName(p)}
          state={<PlatformScanState platform={p} />}
          risk={p.severity_level as Severity | undefined}
          counts={platformScanned(p) ? countsText(p) : undefined}
        />
      ),
    })),
  ];
  return (
    <Space size={8} wrap style={{ marginBottom: 8 }}>
      <Typography.Text strong>Findings of</Typography.Text>
      <Select
        aria-label="Findings of"
        value={platforms.some((p) => p.image_digest === selected) ? selected : ALL}
        onChange={(v: string) => onSelect(v === ALL ? undefined : v)}
        options={options}
        popupMatchSelectWidth={false}
        style={{ minWidth: 320, maxWidth: 640 }}
      />
    </Space>
  );
}
