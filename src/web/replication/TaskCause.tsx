// Why a sync task failed, or what it is waiting on: its TaskIssue code as a tag with the code's meaning, the
// one-line detail on hover (and in full in the expanded row), and the fault being retried while it retries.
import { Space, Tag, Tooltip, Typography } from 'antd';
import type { SyncTask } from '../api/types';

export function TaskCause({ task }: { task: SyncTask }) {
  if (!task.issue && !task.retrying) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space orientation="vertical" size={2}>
      {task.issue && (
        <Tooltip title={task.issue_detail ?? undefined}>
          <span>
            <Tag color="red">{task.issue}</Tag>
            {task.issue_description && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {task.issue_description}
              </Typography.Text>
            )}
          </span>
        </Tooltip>
      )}
      {task.retrying && (
        <Tooltip title="A transient fault: the copy is tried again; the task is not failed yet.">
          <Tag color="gold">retrying: {task.retrying}</Tag>
        </Tooltip>
      )}
    </Space>
  );
}

export function TaskIssueDetail({ task }: { task: SyncTask }) {
  if (!task.issue_detail) return null;
  return (
    <Typography.Paragraph>
      <Typography.Text strong>Detail: </Typography.Text>
      <Typography.Text code copyable>
        {task.issue_detail}
      </Typography.Text>
    </Typography.Paragraph>
  );
}
