// The states beside an image's scan status: an artifact the scanner cannot read (a Helm chart, a signature, an
// image over the size limits), and a result kept from an earlier scan because the latest one failed.
import { Tag, Tooltip } from 'antd';
import type { ImageRow, Platform } from '../api/types';
import { SCAN_FAILURES } from '../scans/types';
import { ScanStatusTag } from '../ui/tags';
import { platformStale } from './platform';

const UNSCANNABLE: Record<string, string> = {
  not_a_container_image:
    'Not a container image (a Helm chart, a signature or another OCI artifact): there is nothing to scan in it.',
  image_over_sized: 'The image is larger than the scanner accepts.',
  image_layer_over_sized: 'A layer of the image is larger than the scanner accepts.',
};

/** Why a row cannot be scanned, in words. */
export const unscannableText = (reason: string | undefined) =>
  (reason && UNSCANNABLE[reason]) ?? 'The scanner cannot read this artifact.';

export function NotScannableTag({ reason }: { reason?: string }) {
  return (
    <Tooltip title={unscannableText(reason)}>
      <Tag>not scannable</Tag>
    </Tooltip>
  );
}

export function StaleTag({ reason }: { reason?: string }) {
  return (
    <Tooltip title={reason}>
      <Tag color="warning">last scan failed: showing the previous result</Tag>
    </Tooltip>
  );
}

/** The scan state of a row: not scannable, or its status (with the failure as a tooltip) and whether it is stale. */
export function RowScanState({ row }: { row: ImageRow }) {
  if (!row.scannable) return <NotScannableTag reason={row.unscannable_reason} />;
  const reason = row.scan_failed_desc ?? row.scan_failed_code;
  // A stale row's failed status is said by the stale tag.
  if (row.scan_stale && row.scan_status === 'failed') return <StaleTag reason={reason} />;
  return (
    <>
      <ScanStatusTag status={row.scan_status} reason={reason} />
      {row.scan_stale && <StaleTag reason={reason} />}
    </>
  );
}

/** The scan state of one platform, the same way. */
export function PlatformScanState({ platform: p }: { platform: Platform }) {
  if (p.scannable === false) return <NotScannableTag />;
  const reason = p.scan_failed_code && (SCAN_FAILURES[p.scan_failed_code] ?? p.scan_failed_code);
  if (platformStale(p)) return <StaleTag reason={reason} />;
  return <ScanStatusTag status={p.scan_status} reason={reason} />;
}
