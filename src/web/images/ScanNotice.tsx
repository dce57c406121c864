// What the detail page says when an image has no current scan: never scanned, queued, running or failed, and what
// to do about it (start a scan here, or manage scans on the Scans page). Nothing when the last scan succeeded; for
// an artifact the scanner cannot read (a Helm chart, a signature, an oversized image), why, and no scan button.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Space } from 'antd';
import { Link } from 'react-router';
import { hss } from '../api/client';
import type { ImageRow } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';
import { ErrorAlert } from '../ui/ErrorAlert';
import { unscannableText } from './ScanStateTags';

function useStartScan(row: ImageRow) {
  const client = useClient();
  const queries = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: () =>
      client.send<{ task_id: string }>('POST', hss(client, '/image/image-scan/tasks'), {
        image_info: [{ id: row.id }],
      }),
    onSuccess: (task) => {
      message.success(`Scan requested (task ${task.task_id})`);
      return queries.invalidateQueries({ queryKey: ['image-row'] });
    },
  });
}

export function ScanNotice({ row }: { row: ImageRow }) {
  const start = useStartScan(row);
  const mayScan = useIdentity().can('write');
  if (!row.scannable) return <NotScannable reason={row.unscannable_reason} />;
  if (row.scan_status === 'success') return null;
  const busy = row.scan_status === 'scanning' || row.scan_status === 'waiting_for_scan';
  const scanButton = (
    <Button type="primary" loading={start.isPending} disabled={busy} onClick={() => start.mutate()}>
      {row.scan_status === 'failed' ? 'Scan again' : 'Scan now'}
    </Button>
  );
  const action = (
    <Space>
      {mayScan && scanButton}
      <Link to="/scans">Scans page</Link>
    </Space>
  );
  const previous = row.latest_scan_time ? ' The results below are from the previous scan.' : '';
  const notice = {
    unscan: {
      type: 'info' as const,
      title: 'This image has not been scanned yet',
      description: `No vulnerabilities, malicious files, secrets or unsafe settings are known for it until a scan runs. Start one with "Scan now", or from the Scans page (a scan of many images, or the schedule).${previous}`,
    },
    waiting_for_scan: {
      type: 'info' as const,
      title: 'A scan of this image is queued',
      description: `This page updates by itself when it is done; progress is on the Scans page.${previous}`,
    },
    scanning: {
      type: 'info' as const,
      title: 'This image is being scanned',
      description: `This page updates by itself when it is done; progress is on the Scans page.${previous}`,
    },
    failed: {
      type: 'warning' as const,
      title: 'The last scan of this image failed',
      description: `${row.scan_failed_desc ?? row.scan_failed_code ?? 'No reason was given.'} Scan again once the cause is fixed; the Scans page lists the task.${previous}`,
    },
  }[row.scan_status];
  return (
    <>
      <Alert
        showIcon
        type={notice.type}
        title={notice.title}
        description={notice.description}
        action={action}
        style={{ marginBottom: 16 }}
      />
      <ErrorAlert error={start.error} />
    </>
  );
}

function NotScannable({ reason }: { reason?: string }) {
  return (
    <Alert
      showIcon
      type="info"
      title="This artifact cannot be scanned"
      description={`${unscannableText(reason)} It is listed like any image, but has no scan results.`}
      style={{ marginBottom: 16 }}
    />
  );
}
