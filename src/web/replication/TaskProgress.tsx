// How far a sync task's copy has come: bytes synced of the total and layers done, as one bar in the table and,
// in the expanded row, one bar per layer (the task's LayerTasks).
import { Progress, type ProgressProps, Table, Tooltip, Typography } from 'antd';
import type { LayerProgress, SyncTask } from '../api/types';
import { bytes, shortDigest } from '../ui/format';

const percentOf = (done: number, total: number) => (total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0);

function statusOf(task: SyncTask): ProgressProps['status'] {
  switch (task.status) {
    case 'SUCCESS':
      return 'success';
    case 'ERROR':
      return 'exception';
    case 'SYNCHRONIZING':
      return 'active';
    default:
      return 'normal';
  }
}

const layerDone = (l: LayerProgress) => l.size > 0 && l.synced >= l.size;

export function TaskProgress({ task }: { task: SyncTask }) {
  const percent = task.status === 'SUCCESS' ? 100 : percentOf(task.synced_size, task.total_size);
  const done = task.layers.filter(layerDone).length;
  const text = `${bytes(task.synced_size)} of ${bytes(task.total_size)}`;
  return (
    <div>
      <Progress
        percent={percent}
        size="small"
        status={statusOf(task)}
        aria-label={`Progress: ${text}`}
        format={(p) => `${p}%`}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {task.total_size > 0 ? text : task.status === 'PENDING' ? 'not started' : '—'}
        {task.layers.length > 0 && ` · layers ${done}/${task.layers.length}`}
      </Typography.Text>
    </div>
  );
}

export function TaskLayers({ task }: { task: SyncTask }) {
  if (task.layers.length === 0) return <Typography.Text type="secondary">No layer recorded yet.</Typography.Text>;
  return (
    <Table<LayerProgress>
      size="small"
      rowKey="digest"
      dataSource={task.layers}
      pagination={{ pageSize: 25, hideOnSinglePage: true, showSizeChanger: false }}
      columns={[
        {
          title: 'Layer',
          key: 'digest',
          render: (_, l) => (
            <Tooltip title={l.digest}>
              <Typography.Text code>{shortDigest(l.digest)}</Typography.Text>
            </Tooltip>
          ),
        },
        { title: 'Synced', key: 'synced', render: (_, l) => `${bytes(l.synced)} of ${bytes(l.size)}` },
        {
          title: 'Progress',
          key: 'progress',
          width: '45%',
          render: (_, l) => (
            <Progress
              size="small"
              percent={task.status === 'SUCCESS' ? 100 : percentOf(l.synced, l.size)}
              status={layerDone(l) || task.status === 'SUCCESS' ? 'success' : statusOf(task)}
            />
          ),
        },
      ]}
    />
  );
}
