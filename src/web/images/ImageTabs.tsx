// The scan results of an image, one tab per kind, the open tab kept in the URL (`tab`): the tag's (of every
// platform together), or one platform's, asked by that platform's image id. An image never scanned, or one the
// scanner cannot read, gets no requests and an empty state saying so (the notice above the tabs says what to do).
import { Empty, Tabs } from 'antd';
import type { ReactNode } from 'react';
import type { ImageRow, Platform } from '../api/types';
import { ChecksTab, MalwareTab } from './FindingTabs';
import { sbomFileName } from './imageRef';
import { platformName, platformScanned } from './platform';
import { SbomTab } from './SbomTab';
import type { FindingsTarget } from './useFindings';
import { VulnerabilitiesTab } from './VulnerabilitiesTab';

export const TAB_KEYS = ['vulnerabilities', 'malware', 'sensitive', 'unsafe', 'sbom'] as const;

interface Props {
  id: string;
  /** The row, when found; undefined while unknown (the tabs then ask the API by id alone). */
  row?: ImageRow;
  /** One platform of a multi-arch row, whose own findings to show; undefined: the tag's. */
  platform?: Platform;
  tab: string | null;
  onTab(tab: string): void;
}

/** Why there is nothing to ask for, or undefined. */
function noResults(row: ImageRow | undefined, platform: Platform | undefined): string | undefined {
  if (platform) {
    if (platform.scannable === false) return `No results: ${platformName(platform)} cannot be scanned.`;
    return platformScanned(platform) ? undefined : `No results: ${platformName(platform)} has not been scanned yet.`;
  }
  if (!row) return undefined;
  if (!row.scannable) return 'No results: the scanner cannot read this artifact.';
  if (!row.latest_scan_time && row.scan_status !== 'success') return 'No results: this image has not been scanned yet.';
  return undefined;
}

function targetOf(id: string, row: ImageRow | undefined, platform: Platform | undefined): FindingsTarget {
  if (!platform || !row) return { id, scannedAt: row?.latest_scan_time };
  return {
    id: platform.image_id,
    scannedAt: row.latest_scan_time,
    scope: { namespace: row.namespace, image_name: row.image_name, tag_name: row.image_version },
  };
}

export function ImageTabs({ id, row, platform, tab, onTab }: Props) {
  const empty = noResults(row, platform);
  const target = targetOf(id, row, platform);
  // Another platform starts its lists afresh (first page, no filter).
  const key = platform?.image_digest ?? 'all';
  const orEmpty = (content: ReactNode) => (empty ? <Empty description={empty} /> : content);
  const active = TAB_KEYS.find((k) => k === tab) ?? 'vulnerabilities';
  const fileName = row ? sbomFileName(row, platform) : `image-${id}.cdx.json`;
  return (
    <Tabs
      activeKey={active}
      onChange={onTab}
      items={[
        {
          key: 'vulnerabilities',
          label: 'Vulnerabilities',
          children: orEmpty(<VulnerabilitiesTab key={key} target={target} />),
        },
        { key: 'malware', label: 'Malicious files', children: orEmpty(<MalwareTab key={key} target={target} />) },
        {
          key: 'sensitive',
          label: 'Secrets & sensitive files',
          children: orEmpty(
            <ChecksTab key={key} target={target} kind="sensitive" empty="No secret or sensitive file found" />,
          ),
        },
        {
          key: 'unsafe',
          label: 'Unsafe settings',
          children: orEmpty(
            <ChecksTab key={key} target={target} kind="baseline/risk-configs" empty="No unsafe setting found" />,
          ),
        },
        { key: 'sbom', label: 'SBOM', children: orEmpty(<SbomTab key={key} target={target} fileName={fileName} />) },
      ]}
    />
  );
}
