// A rule's images in a drift state, a page at a time: the source tag and its digest, the target tag and the digest
// it names there (none while missing), and the state. Digests show short; the whole one is on hover and copied by
// the copy icon.
import { Space, Table, Typography } from 'antd';
import { shortDigest } from '../ui/format';
import { pager } from '../ui/pager';
import { DriftStateTag } from './DriftStateTag';
import type { DriftItem } from './useDrift';

function Side({
  at,
  other,
}: {
  at: { path: string; tag: string; digest: string | null } | null;
  other?: string | null;
}) {
  if (!at) return <Typography.Text type="secondary">— (gone from the source)</Typography.Text>;
  // The target's digest stands out when it is not the source's.
  const differs = other !== undefined && at.digest !== null && other !== null && at.digest !== other;
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text code style={{ wordBreak: 'break-all' }}>{`${at.path}:${at.tag}`}</Typography.Text>
      {at.digest ? (
        <Typography.Text
          type={differs ? 'danger' : 'secondary'}
          title={at.digest}
          copyable={{ text: at.digest, tooltips: ['Copy digest', 'Copied'] }}
        >
          {shortDigest(at.digest)}
        </Typography.Text>
      ) : (
        <Typography.Text type="secondary">not there</Typography.Text>
      )}
    </Space>
  );
}

const keyOf = (i: DriftItem) =>
  `${i.state}|${i.source ? `${i.source.path}:${i.source.tag}` : ''}|${i.target.path}:${i.target.tag}`;

export interface DriftTableProps {
  items: DriftItem[];
  total: number;
  loading: boolean;
  page: number;
  pageSize: number;
  onPage(page: number, pageSize: number): void;
}

export function DriftTable(p: DriftTableProps) {
  return (
    <Table<DriftItem>
      rowKey={keyOf}
      size="middle"
      loading={p.loading}
      dataSource={p.items}
      scroll={{ x: 800 }}
      pagination={pager({
        page: p.page,
        size: p.pageSize,
        total: p.total,
        onChange: p.onPage,
        noun: ['image'],
        sizes: [20, 50, 100, 200],
      })}
      columns={[
        { title: 'Source', key: 'source', render: (_, i) => <Side at={i.source} /> },
        {
          title: 'Target',
          key: 'target',
          render: (_, i) => <Side at={i.target} other={i.source?.digest} />,
        },
        { title: 'State', key: 'state', width: 120, render: (_, i) => <DriftStateTag state={i.state} /> },
      ]}
    />
  );
}
