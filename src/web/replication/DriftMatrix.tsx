// The drift matrix: one row per rule (its name, source → target), one cell per state with how many of its images
// stand there (coloured; muted at zero), and when the two inventories it is read from were crawled. A cell that
// counts something is a button: it drills down to those images.
import { Button, Space, Spin, Table, Tooltip, Typography } from 'antd';
import type { SyncRule } from '../api/types';
import { ago, when } from '../ui/format';
import { DRIFT_LOOK } from './DriftStateTag';
import { DRIFT_STATES, type DriftState, type RuleCounts } from './useDrift';

const at = (namespace: string, repository: string | null, any: string) =>
  `${namespace ? `${namespace}/` : ''}${repository ?? any}`;

/** Where a rule copies from and to, on one line: "src team/app → dst mirror/{repository}". */
export function RuleRoute({ rule, nameOf }: { rule: SyncRule; nameOf(registryId: string): string }) {
  const s = rule.source;
  const t = rule.target;
  return (
    <span>
      {nameOf(s.registry_id)} <Typography.Text code>{at(s.namespace, s.repository, '*')}</Typography.Text> →{' '}
      {nameOf(t.registry_id)} <Typography.Text code>{at(t.namespace, t.repository, '{repository}')}</Typography.Text>
      {t.tag_rename && <Typography.Text type="secondary"> tag → {t.tag_rename}</Typography.Text>}
    </span>
  );
}

/** "source 5 min ago, target 2 h ago", each with its exact time on hover. */
export function CrawlTimes({ source, target }: { source?: number | null; target?: number | null }) {
  return (
    <Space orientation="vertical" size={0}>
      <Tooltip title={when(source)}>
        <Typography.Text type="secondary">source {ago(source)}</Typography.Text>
      </Tooltip>
      <Tooltip title={when(target)}>
        <Typography.Text type="secondary">target {ago(target)}</Typography.Text>
      </Tooltip>
    </Space>
  );
}

interface CellProps {
  state: DriftState;
  row: RuleCounts | undefined;
  selected: boolean;
  onPick(): void;
}

function CountCell({ state, row, selected, onPick }: CellProps) {
  const look = DRIFT_LOOK[state];
  if (!row || row.loading) return <Spin size="small" />;
  const n = row.counts?.[state];
  if (n === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  const label = `${look.label}: ${n}`;
  if (n === 0) {
    return (
      <Typography.Text type="secondary" aria-label={label} style={{ opacity: 0.5 }}>
        0
      </Typography.Text>
    );
  }
  return (
    <Tooltip title={look.meaning}>
      <Button
        size="small"
        color={look.color}
        variant={selected ? 'solid' : 'filled'}
        aria-label={label}
        aria-pressed={selected}
        onClick={onPick}
        style={{ minWidth: 48 }}
      >
        {n}
      </Button>
    </Tooltip>
  );
}

export interface DriftMatrixProps {
  rules: SyncRule[];
  loading: boolean;
  counts: Map<string, RuleCounts>;
  nameOf(registryId: string): string;
  /** The cell drilled into, if any. */
  selected?: { rule: string; state?: DriftState };
  onPick(rule: SyncRule, state: DriftState): void;
}

export function DriftMatrix({ rules, loading, counts, nameOf, selected, onPick }: DriftMatrixProps) {
  return (
    <Table<SyncRule>
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={rules}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 1100 }}
      columns={[
        {
          title: 'Rule',
          key: 'rule',
          width: 200,
          render: (_, r) => (
            <Space orientation="vertical" size={0}>
              <Typography.Text strong>{r.name}</Typography.Text>
              <Typography.Text type="secondary">{r.rule_id}</Typography.Text>
            </Space>
          ),
        },
        {
          title: 'Source → target',
          key: 'route',
          width: 300,
          render: (_, r) => <RuleRoute rule={r} nameOf={nameOf} />,
        },
        ...DRIFT_STATES.map((state) => ({
          title: <Typography.Text style={{ whiteSpace: 'nowrap' }}>{DRIFT_LOOK[state].label}</Typography.Text>,
          key: state,
          width: 90,
          align: 'center' as const,
          render: (_: unknown, r: SyncRule) => (
            <CountCell
              state={state}
              row={counts.get(r.id)}
              selected={selected?.rule === r.id && selected.state === state}
              onPick={() => onPick(r, state)}
            />
          ),
        })),
        {
          title: 'Inventories as of',
          key: 'as-of',
          width: 150,
          render: (_, r) => {
            const row = counts.get(r.id);
            return row?.error ? (
              <Typography.Text type="danger">
                {row.error instanceof Error ? row.error.message : 'unreadable'}
              </Typography.Text>
            ) : (
              <CrawlTimes source={row?.source_synced_at} target={row?.target_synced_at} />
            );
          },
        },
      ]}
    />
  );
}
