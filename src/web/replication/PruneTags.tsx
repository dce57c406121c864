// "Prune deleted tags" of a saved rule (POST /api/v1/rules/{id}/mirror-deletes): a dry run first, listing each
// target tag the rule made whose source tag looks gone (the drift view's extra ones): would be deleted, or kept and
// why. Nothing is deleted until "Delete N tags" runs it for real, which checks every tag again (a tag that moved
// at the target is kept) and lists what it did. Whether or not the rule deletes by itself after each run.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Modal, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { paths } from '../api/openapi.js';
import type { SyncRule } from '../api/types';
import { useClient } from '../auth';
import { DigestText } from '../ui/DigestText';
import { ErrorAlert } from '../ui/ErrorAlert';

type Pruned = paths['/api/v1/rules/{id}/mirror-deletes']['post']['responses'][200]['content']['application/json'];
type Item = Pruned['items'][number];

const ACTIONS: Record<Item['action'], [string, string]> = {
  would_delete: ['warning', 'would delete'],
  deleted: ['success', 'deleted'],
  skipped: ['default', 'skipped'],
};

const REASONS: Record<Item['reason'], string> = {
  deleted_at_source: 'deleted at the source',
  moved_at_target: 'the target tag names another digest now',
  never_copied: 'not what this rule copied',
  still_at_source: 'still at the source',
  shared_digest: 'another tag names the same manifest',
  error: 'could not be checked',
};

const plural = (n: number) => `${n} tag${n === 1 ? '' : 's'}`;

function summary(r: Pruned): string {
  const kept = r.counts.skipped ? `, ${plural(r.counts.skipped)} kept` : '';
  if (r.dry_run) return `${plural(r.counts.would_delete)} would be deleted at the target${kept}.`;
  return `${plural(r.counts.deleted)} deleted at the target${kept}.`;
}

function PruneTable({ result }: { result: Pruned }) {
  return (
    <Table<Item>
      size="small"
      rowKey={(i) => `${i.repository}:${i.tag}`}
      dataSource={result.items}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: 'No target tag of this rule lost its source tag.' }}
      columns={[
        {
          title: 'Target tag',
          key: 'tag',
          render: (_, i) => <Typography.Text code>{`${i.repository}:${i.tag}`}</Typography.Text>,
        },
        {
          title: 'Digest',
          key: 'digest',
          render: (_, i) => <DigestText digest={i.digest} />,
        },
        {
          title: 'Action',
          key: 'action',
          render: (_, i) => <Tag color={ACTIONS[i.action]?.[0]}>{ACTIONS[i.action]?.[1] ?? i.action}</Tag>,
        },
        {
          title: 'Reason',
          key: 'reason',
          render: (_, i) => (
            <>
              <div>{REASONS[i.reason] ?? i.reason}</div>
              {i.detail && <Typography.Text type="secondary">{i.detail}</Typography.Text>}
            </>
          ),
        },
      ]}
    />
  );
}

export function PruneTags({ rule }: { rule: SyncRule }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const path = `/api/v1/rules/${encodeURIComponent(rule.id)}/mirror-deletes`;
  const dry = useMutation({ mutationFn: () => client.send<Pruned>('POST', path, { dry_run: true }) });
  const real = useMutation({
    mutationFn: () => client.send<Pruned>('POST', path, { dry_run: false }),
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: ['drift'] });
      message.success(`${plural(r.counts.deleted)} deleted at the target`);
    },
  });
  const start = () => {
    real.reset();
    setOpen(true);
    dry.mutate();
  };
  const shown = real.data ?? dry.data;
  const toDelete = dry.data?.counts.would_delete ?? 0;
  return (
    <>
      <Button onClick={start}>Prune deleted tags</Button>
      <Modal
        title={`Prune deleted tags of "${rule.name}"`}
        open={open}
        width={900}
        onCancel={() => setOpen(false)}
        footer={[
          <Button key="close" onClick={() => setOpen(false)}>
            Close
          </Button>,
          !real.data && (
            <Button
              key="delete"
              danger
              type="primary"
              disabled={toDelete === 0 || dry.isPending}
              loading={real.isPending}
              onClick={() => real.mutate()}
            >
              Delete {plural(toDelete)}
            </Button>
          ),
        ]}
      >
        <Typography.Paragraph type="secondary">
          Target tags this rule copied whose source tag is gone. A tag is deleted only while it still names what the
          rule copied; nothing is deleted before you confirm.
        </Typography.Paragraph>
        {dry.isPending && <p aria-live="polite">Checking each tag at the source and the target…</p>}
        <ErrorAlert error={dry.error ?? real.error} />
        {shown && (
          <section aria-label={shown.dry_run ? 'Dry run' : 'Pruned'}>
            <Typography.Paragraph strong>
              {shown.dry_run ? 'Dry run: ' : 'Done: '}
              {summary(shown)}
            </Typography.Paragraph>
            <PruneTable result={shown} />
          </section>
        )}
      </Modal>
    </>
  );
}
