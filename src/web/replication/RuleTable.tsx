// The project's sync rules, one row each: what they select at the source, where it goes, the trigger, how it copies
// (override, signatures and SBOMs along, deletions followed), its gates in words, and the row's actions ("Run now", "Edit", "Delete"), which the page performs; every role sees its "Drift" link.
import { Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import type { SyncRule } from '../api/types';
import { when } from '../ui/format';
import { RuleGatesList } from './GateTags';
import { TRIGGER_LABELS } from './rule-body';
import { driftOf } from './useDrift';

const path = (namespace: string, repository: string | null, any: string) =>
  `${namespace ? `${namespace}/` : ''}${repository ?? any}`;

function Source({ rule, registry }: { rule: SyncRule; registry: string }) {
  const s = rule.source;
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text strong>{registry}</Typography.Text>
      <Typography.Text code>{path(s.namespace, s.repository, '*')}</Typography.Text>
      {!s.repository && s.repository_filter && (
        <Typography.Text type="secondary">repositories ~ {s.repository_filter}</Typography.Text>
      )}
      <Typography.Text type="secondary">
        tags ~ {s.tag_filter}
        {s.tag_semver ? `, semver ${s.tag_semver}` : ''}
      </Typography.Text>
      {s.platforms?.length ? (
        <span>
          {s.platforms.map((p) => (
            <Tag key={p}>{p}</Tag>
          ))}
        </span>
      ) : null}
    </Space>
  );
}

function Copying({ rule: r }: { rule: SyncRule }) {
  return (
    <Space orientation="vertical" size={0}>
      <span>{r.override ? 'Overrides target tags' : 'Keeps target tags'}</span>
      <Typography.Text type="secondary">
        {r.referrers ? 'with signatures and SBOMs' : 'without signatures and SBOMs'}
      </Typography.Text>
      {r.mirror_deletes && <Typography.Text type="secondary">deletes what the source deleted</Typography.Text>}
    </Space>
  );
}

function Target({ rule, registry }: { rule: SyncRule; registry: string }) {
  const t = rule.target;
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text strong>{registry}</Typography.Text>
      <Typography.Text code>{path(t.namespace, t.repository, '{repository}')}</Typography.Text>
      {t.tag_rename && <Typography.Text type="secondary">tag → {t.tag_rename}</Typography.Text>}
    </Space>
  );
}

export interface RuleTableProps {
  rules: SyncRule[];
  loading: boolean;
  /** Whether the role may run, edit and delete rules (else the row links to its drift only). */
  mayChange?: boolean;
  nameOf(registryId: string): string;
  running?: string;
  deleting?: string;
  onRun(rule: SyncRule): void;
  onEdit(rule: SyncRule): void;
  onDelete(rule: SyncRule): void;
}

export function RuleTable(props: RuleTableProps) {
  const { rules, loading, mayChange = true, nameOf, running, deleting, onRun, onEdit, onDelete } = props;
  return (
    <Table<SyncRule>
      rowKey="id"
      loading={loading}
      dataSource={rules}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 1250 }}
      columns={[
        { title: 'Name', dataIndex: 'name', key: 'name' },
        {
          title: 'Source',
          key: 'source',
          render: (_, r) => <Source rule={r} registry={nameOf(r.source.registry_id)} />,
        },
        {
          title: 'Target',
          key: 'target',
          render: (_, r) => <Target rule={r} registry={nameOf(r.target.registry_id)} />,
        },
        {
          title: 'Trigger',
          key: 'trigger',
          render: (_, r) => (
            <Tag color={r.trigger === 'PASSIVE' ? 'blue' : 'default'}>{TRIGGER_LABELS[r.trigger] ?? r.trigger}</Tag>
          ),
        },
        { title: 'Copy', key: 'copy', width: 170, render: (_, r) => <Copying rule={r} /> },
        { title: 'Gates', key: 'gates', width: 200, render: (_, r) => <RuleGatesList gates={r.gates} /> },
        {
          title: 'Created',
          key: 'created',
          render: (_, r) => (
            <Space orientation="vertical" size={0}>
              {when(r.created_at)}
              <Typography.Text type="secondary">by {r.created_by}</Typography.Text>
            </Space>
          ),
        },
        {
          title: 'Actions',
          key: 'actions',
          render: (_, r) => (
            <Space>
              <Link to={driftOf(r.id)}>Drift</Link>
              {mayChange && <RowActions {...{ rule: r, running, deleting, onRun, onEdit, onDelete }} />}
            </Space>
          ),
        },
      ]}
    />
  );
}

function RowActions(
  p: Pick<RuleTableProps, 'running' | 'deleting' | 'onRun' | 'onEdit' | 'onDelete'> & { rule: SyncRule },
) {
  const { rule: r, running, deleting, onRun, onEdit, onDelete } = p;
  return (
    <Space>
      <Button size="small" onClick={() => onRun(r)} loading={running === r.id}>
        Run now
      </Button>
      <Button size="small" onClick={() => onEdit(r)}>
        Edit
      </Button>
      <Popconfirm
        title={`Delete rule "${r.name}"?`}
        description="Tasks it started stay listed."
        okText="Delete"
        okButtonProps={{ danger: true }}
        onConfirm={() => onDelete(r)}
      >
        <Button size="small" danger loading={deleting === r.id}>
          Delete
        </Button>
      </Popconfirm>
    </Space>
  );
}
