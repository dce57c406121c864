// The project's scan-on-sync choice (PUT /api/v1/settings): on or off for this project, or the server's default
// (REGATTA_SCAN_ON_SYNC). The switch shows what is in force; "Use the server's default" forgets the choice.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Space, Switch, Typography } from 'antd';
import type { Settings } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';

export function ScanOnSync({ settings: s }: { settings: Settings }) {
  const client = useClient();
  // The project's own choice is its admin's.
  const mayChoose = useIdentity().can('admin');
  const queries = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    mutationFn: (scan_on_sync: boolean | null) => client.send<Settings>('PUT', '/api/v1/settings', { scan_on_sync }),
    onSuccess: (saved) => {
      queries.setQueryData(['settings'], saved);
      message.success(`Scan on sync is ${saved.scan_on_sync ? 'on' : 'off'} for this project`);
    },
    onError: (err) => message.error(`Could not save: ${err.message}`),
  });
  const chosen = s.project.scan_on_sync !== null;
  return (
    <Space orientation="vertical" size={2}>
      <Space>
        <Switch
          aria-label="Scan new images after an inventory sync"
          checked={s.scan_on_sync}
          loading={save.isPending}
          disabled={!mayChoose}
          onChange={(on) => save.mutate(on)}
        />
        {chosen && mayChoose && (
          <Button size="small" type="link" onClick={() => save.mutate(null)} disabled={save.isPending}>
            Use the server's default
          </Button>
        )}
      </Space>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {chosen ? 'chosen for this project; ' : 'the server’s default; '}
        server default {s.server.scan_on_sync ? 'on' : 'off'} (
        <Typography.Text code>REGATTA_SCAN_ON_SYNC</Typography.Text>)
      </Typography.Text>
    </Space>
  );
}
