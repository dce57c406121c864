// Why a sync task failed, or what it is waiting on: its TaskIssue code as a tag with the code's meaning, the
// one-line detail on hover (and in full in the expanded row), and the fault being retried while it retries. A task
// a replication gate refused (POLICY_BLOCKED) reads "Blocked by policy" with the gate and why; one held until the
// scan its gate asked for is in (WAITING_FOR_SCAN) reads "Waiting for a scan".
import { Space, Tag, Tooltip, Typography } from 'antd';
import type { SyncTask } from '../api/types';
import { gateLabel, policyDetailOf, waitingForScan } from './gates';

/** Shown in the table: the rest is in the expanded row. */
const SHORT = 160;

function PolicyBlocked({ task }: { task: SyncTask }) {
  const { gate, why } = policyDetailOf(task.issue_detail);
  const text = `${gateLabel(gate)}: ${why}`;
  return (
    <Tooltip title={`${task.issue}: ${task.issue_description ?? 'a replication gate of the rule refused the image'}`}>
      <Space orientation="vertical" size={0}>
        <Tag color="red">Blocked by policy</Tag>
        <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-word' }}>
          {text.length > SHORT ? `${text.slice(0, SHORT)}…` : text}
        </Typography.Text>
      </Space>
    </Tooltip>
  );
}

function Issue({ task }: { task: SyncTask }) {
  if (task.issue === 'POLICY_BLOCKED') return <PolicyBlocked task={task} />;
  return (
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
  );
}

function Retrying({ retrying }: { retrying: string }) {
  const scan = waitingForScan(retrying);
  if (scan) {
    return (
      <Tooltip title={`${scan}. The rule's gates decide once it is in; the task is not failed.`}>
        <Tag color="processing">Waiting for a scan</Tag>
      </Tooltip>
    );
  }
  return (
    <Tooltip title="A transient fault: the copy is tried again; the task is not failed yet.">
      <Tag color="gold">retrying: {retrying}</Tag>
    </Tooltip>
  );
}

export function TaskCause({ task }: { task: SyncTask }) {
  if (!task.issue && !task.retrying) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space orientation="vertical" size={2}>
      {task.issue && <Issue task={task} />}
      {task.retrying && <Retrying retrying={task.retrying} />}
    </Space>
  );
}

export function TaskIssueDetail({ task }: { task: SyncTask }) {
  if (!task.issue_detail) return null;
  const blocked = task.issue === 'POLICY_BLOCKED' ? policyDetailOf(task.issue_detail) : undefined;
  return (
    <Typography.Paragraph>
      {blocked && (
        <>
          <Typography.Text strong>Blocked by the gate: </Typography.Text>
          {gateLabel(blocked.gate)}. It is decided again by itself once the reason may be gone (a new scan, an
          allow-list entry, a new signature).
          <br />
        </>
      )}
      <Typography.Text strong>Detail: </Typography.Text>
      <Typography.Text code copyable>
        {task.issue_detail}
      </Typography.Text>
    </Typography.Paragraph>
  );
}
