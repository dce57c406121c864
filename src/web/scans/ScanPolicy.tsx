// The scan policy in force (GET /api/v1/settings): scan on sync (the project may choose, ScanOnSync), the
// schedules, the advisory folder, an external scanner adapter and webhooks; those are the server's environment, so
// each says its variable.
import { useQuery } from '@tanstack/react-query';
import { Descriptions, Skeleton, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { Settings } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ScanOnSync } from './ScanOnSync';

function Setting({ value, env }: { value: ReactNode; env: string }) {
  return (
    <>
      {value}
      <br />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        set by <Typography.Text code>{env}</Typography.Text>
      </Typography.Text>
    </>
  );
}

const onOff = (on: boolean) => (on ? <Tag color="success">On</Tag> : <Tag>Off</Tag>);

export function ScanPolicy() {
  const client = useClient();
  const settings = useQuery({
    queryKey: ['settings'],
    queryFn: () => client.get<Settings>('/api/v1/settings'),
    staleTime: 60_000,
  });
  if (settings.error) return <ErrorAlert error={settings.error} />;
  const s = settings.data;
  if (!s) return <Skeleton active />;
  return (
    <>
      <Typography.Paragraph type="secondary">
        Scan on sync can be chosen for this project here. The rest are set by the server's environment when{' '}
        <Typography.Text code>regatta serve</Typography.Text> starts (REGATTA_VULNDB, REGATTA_VULNDB_STALE_HOURS,
        REGATTA_SCANNER_ADAPTER_URL, REGATTA_WEBHOOK_URL); change them there and restart the server.
      </Typography.Paragraph>
      <Descriptions
        bordered
        size="small"
        column={1}
        styles={{ label: { width: 260 } }}
        items={[
          {
            key: 'scan_on_sync',
            label: 'Scan new images after an inventory sync',
            children: <ScanOnSync settings={s} />,
          },
          {
            key: 'scan',
            label: 'Scheduled re-scan (cron, UTC)',
            children: (
              <>
                <Typography.Text code>{s.schedules.scan}</Typography.Text> every digest whose result predates the
                current advisory database is scanned again
              </>
            ),
          },
          {
            key: 'inventory',
            label: 'Inventory crawl (cron, UTC)',
            children: <Typography.Text code>{s.schedules.inventory}</Typography.Text>,
          },
          {
            key: 'vulndb',
            label: 'Advisory database folder',
            children: (
              <Setting
                value={s.vulndb ? <Typography.Text code>{s.vulndb}</Typography.Text> : 'none: vulnerability scans fail'}
                env="REGATTA_VULNDB"
              />
            ),
          },
          {
            key: 'stale',
            label: 'Scan data counts as stale after',
            children: <Setting value={`${s.vulndb_stale_hours} hours`} env="REGATTA_VULNDB_STALE_HOURS" />,
          },
          {
            key: 'adapter',
            label: 'External scanner adapter',
            children: (
              <Setting
                value={
                  s.scanner_adapter ? (
                    <Typography.Text code>{s.scanner_adapter}</Typography.Text>
                  ) : (
                    "none: Regatta's own matching"
                  )
                }
                env="REGATTA_SCANNER_ADAPTER_URL"
              />
            ),
          },
          {
            key: 'webhook',
            label: 'Webhooks (scan and sync task ends)',
            children: <Setting value={onOff(s.webhook)} env="REGATTA_WEBHOOK_URL" />,
          },
        ]}
      />
    </>
  );
}
