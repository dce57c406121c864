// A rule's dry run as the drawer shows it: how many images the rule selects now, and for the first of them the
// target each would be copied to and what the copy would do (copy, skip, conflict, error with its code, unplanned),
// and for a gated rule each image's verdict (pass, blocked by which gate and why, needs a scan first).
import { Table, Tag, Tooltip, Typography } from 'antd';
import { DigestText } from '../ui/DigestText';
import { GateVerdictTag } from './GateTags';
import { type RulePreview as Preview, type PreviewAction, refOf } from './rule-body';

type Item = Preview['items'][number];

const ACTIONS: Record<PreviewAction, [string, string]> = {
  copy: ['processing', 'would be copied'],
  skip: ['success', 'the target already holds this digest'],
  conflict: ['warning', 'the target tag holds another image and override is off'],
  error: ['error', 'the image could not be planned'],
  unplanned: ['default', 'not checked against the target (only the first images are)'],
};

export function RuleActionTag({ action }: { action: PreviewAction }) {
  const [color, meaning] = ACTIONS[action] ?? ['default', action];
  return (
    <Tooltip title={meaning}>
      <Tag color={color}>{action}</Tag>
    </Tooltip>
  );
}

function counts(items: Item[]): string {
  const by = new Map<string, number>();
  const gates = new Map<string, number>();
  for (const i of items) {
    by.set(i.action, (by.get(i.action) ?? 0) + 1);
    if (i.gate) gates.set(i.gate.verdict, (gates.get(i.gate.verdict) ?? 0) + 1);
  }
  const list = (m: Map<string, number>) => [...m].map(([a, n]) => `${n} ${a.replace('_', ' ')}`).join(', ');
  return gates.size ? `${list(by)}; gates: ${list(gates)}` : list(by);
}

export function RulePreview({ preview }: { preview: Preview }) {
  const listed = preview.items.length;
  const gated = preview.items.some((i) => i.gate);
  return (
    <section aria-label="Preview">
      <Typography.Title level={5}>Preview</Typography.Title>
      <Typography.Paragraph>
        {preview.total === 0
          ? 'The rule selects no image on the source right now.'
          : `${preview.total} image${preview.total === 1 ? '' : 's'} selected${
              listed < preview.total ? ` (the first ${listed} listed)` : ''
            }: ${counts(preview.items)}.`}
      </Typography.Paragraph>
      {listed > 0 && (
        <Table<Item>
          size="small"
          rowKey={(i) => `${refOf(i.source)}→${refOf(i.target)}`}
          dataSource={preview.items}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          columns={[
            {
              title: 'Source',
              key: 'source',
              render: (_, i) => <Typography.Text code>{refOf(i.source)}</Typography.Text>,
            },
            {
              title: 'Target',
              key: 'target',
              render: (_, i) => <Typography.Text code>{refOf(i.target)}</Typography.Text>,
            },
            {
              title: 'Action',
              key: 'action',
              render: (_, i) => (
                <>
                  <RuleActionTag action={i.action} />
                  {i.error && <Tag color="red">{i.error}</Tag>}
                </>
              ),
            },
            // A gated rule's verdicts only: an ungated rule copies whatever it selects.
            ...(gated
              ? [{ title: 'Gate', key: 'gate', render: (_: unknown, i: Item) => <GateVerdictTag gate={i.gate} /> }]
              : []),
            {
              title: 'Digest',
              key: 'digest',
              render: (_, i) => <DigestText digest={i.digest} />,
            },
          ]}
        />
      )}
    </section>
  );
}
