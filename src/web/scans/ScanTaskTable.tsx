// Scan tasks (ListImageScanTask, type=image_scan): what asked for the scans, how many digests, how many done and
// failed, when; "Stop" on running ones. A row expands to its failed images and their failure codes.
import { Button, Popconfirm, Progress, Table, Tag, Tooltip, Typography } from 'antd';
import { useIdentity } from '../identity/useIdentity';
import { when } from '../ui/format';
import { pager } from '../ui/pager';
import { SCAN_FAILURES, SCAN_TASK_TYPES, type ScanTask } from './types';

const STATUS: Record<string, [string, string]> = {
  running: ['processing', 'Running'],
  finished: ['success', 'Finished'],
  stopped: ['warning', 'Stopped'],
};

function Failures({ task }: { task: ScanTask }) {
  if (task.failed_images.length === 0) return <Typography.Text type="secondary">No image failed.</Typography.Text>;
  return (
    <Table
      size="small"
      rowKey="image_digest"
      dataSource={task.failed_images}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      columns={[
        { title: 'Digest', key: 'digest', render: (_, f) => <Typography.Text code>{f.image_digest}</Typography.Text> },
        {
          title: 'Reason',
          key: 'reason',
          render: (_, f) => (
            <>
              <Tag color="red">{f.failed_reason}</Tag>
              {SCAN_FAILURES[f.failed_reason] ?? ''}
            </>
          ),
        },
      ]}
    />
  );
}

export interface ScanTaskTableProps {
  tasks: ScanTask[];
  total: number;
  loading: boolean;
  page: number;
  pageSize: number;
  onPage(page: number, pageSize: number): void;
  stopping?: string;
  onStop(task: ScanTask): void;
}

export function ScanTaskTable(p: ScanTaskTableProps) {
  const mayChange = useIdentity().can('write');
  return (
    <Table<ScanTask>
      rowKey="task_id"
      loading={p.loading}
      dataSource={p.tasks}
      scroll={{ x: 900 }}
      pagination={pager({ page: p.page, size: p.pageSize, total: p.total, onChange: p.onPage, noun: ['task'] })}
      expandable={{ expandedRowRender: (t) => <Failures task={t} />, rowExpandable: (t) => t.failed_num > 0 }}
      columns={[
        {
          title: 'Task',
          key: 'name',
          render: (_, t) => (
            <Tooltip title={t.task_id}>
              <Typography.Text>{t.task_name}</Typography.Text>
            </Tooltip>
          ),
        },
        {
          title: 'Kind',
          key: 'type',
          render: (_, t) => `${SCAN_TASK_TYPES[t.task_type] ?? t.task_type}${t.is_all ? ' · every image' : ''}`,
        },
        {
          title: 'Status',
          key: 'status',
          render: (_, t) => {
            const [color, label] = STATUS[t.task_status] ?? ['default', t.task_status];
            return <Tag color={color}>{label}</Tag>;
          },
        },
        {
          title: 'Images',
          key: 'counts',
          render: (_, t) => {
            const done = t.success_num + t.failed_num;
            return (
              <div style={{ minWidth: 180 }}>
                <Progress
                  size="small"
                  percent={t.total_num > 0 ? Math.floor((done / t.total_num) * 100) : 100}
                  success={{ percent: t.total_num > 0 ? Math.floor((t.success_num / t.total_num) * 100) : 0 }}
                  // Green: scanned; red: failed (the bar is every image done, the success part drawn over it).
                  strokeColor={t.failed_num > 0 ? '#ff4d4f' : undefined}
                  status={t.task_status === 'running' ? 'active' : 'normal'}
                />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t.total_num === 0
                    ? 'no image matched'
                    : `${t.success_num} scanned, ${t.failed_num} failed of ${t.total_num}`}
                </Typography.Text>
              </div>
            );
          },
        },
        { title: 'Started', key: 'begin', render: (_, t) => when(t.begin_time) },
        { title: 'Ended', key: 'end', render: (_, t) => when(t.end_time) },
        {
          title: 'Actions',
          key: 'actions',
          hidden: !mayChange,
          render: (_, t) =>
            t.task_status === 'running' ? (
              <Popconfirm
                title="Stop this scan task?"
                description="Scans not yet started will not start."
                okText="Stop"
                onConfirm={() => p.onStop(t)}
              >
                <Button size="small" loading={p.stopping === t.task_id}>
                  Stop
                </Button>
              </Popconfirm>
            ) : null,
        },
      ]}
    />
  );
}
