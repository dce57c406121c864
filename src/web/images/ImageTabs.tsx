// The scan results of an image, one tab per kind, the open tab kept in the URL (`tab`). An image never scanned
// gets no requests and an empty state saying so (the notice above the tabs says what to do).
import { Empty, Tabs } from 'antd';
import type { ReactNode } from 'react';
import type { ImageRow } from '../api/types';
import { ChecksTab, MalwareTab } from './FindingTabs';
import { SbomTab } from './SbomTab';
import type { FindingsTarget } from './useFindings';
import { VulnerabilitiesTab } from './VulnerabilitiesTab';

export const TAB_KEYS = ['vulnerabilities', 'malware', 'sensitive', 'unsafe', 'sbom'] as const;

interface Props {
  id: string;
  /** The row, when found; undefined while unknown (the tabs then ask the API by id alone). */
  row?: ImageRow;
  tab: string | null;
  onTab(tab: string): void;
}

export function ImageTabs({ id, row, tab, onTab }: Props) {
  const neverScanned = row !== undefined && !row.latest_scan_time && row.scan_status !== 'success';
  const target: FindingsTarget = { id, scannedAt: row?.latest_scan_time };
  const orEmpty = (content: ReactNode) =>
    neverScanned ? <Empty description="No results: this image has not been scanned yet." /> : content;
  const active = TAB_KEYS.find((k) => k === tab) ?? 'vulnerabilities';
  return (
    <Tabs
      activeKey={active}
      onChange={onTab}
      items={[
        { key: 'vulnerabilities', label: 'Vulnerabilities', children: orEmpty(<VulnerabilitiesTab target={target} />) },
        { key: 'malware', label: 'Malicious files', children: orEmpty(<MalwareTab target={target} />) },
        {
          key: 'sensitive',
          label: 'Secrets & sensitive files',
          children: orEmpty(<ChecksTab target={target} kind="sensitive" empty="No secret or sensitive file found" />),
        },
        {
          key: 'unsafe',
          label: 'Unsafe settings',
          children: orEmpty(<ChecksTab target={target} kind="baseline/risk-configs" empty="No unsafe setting found" />),
        },
        { key: 'sbom', label: 'SBOM', children: orEmpty(<SbomTab id={id} image={row} />) },
      ]}
    />
  );
}
