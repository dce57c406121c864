// Colour-coded states: registry status, task status, image risk, scan status.
import { Tag, Tooltip } from 'antd';
import type { Severity, TaskStatus } from '../api/types';

const REGISTRY: Record<string, [string, string]> = {
  success: ['success', 'Connected'],
  fail: ['error', 'Failed'],
  accessing: ['processing', 'Checking'],
};

/** A tag for one of a known set of states (colour and words), with the reason as a tooltip when given. */
function stateTag(states: Record<string, [string, string]>) {
  return function StateTag({ status, reason }: { status: string; reason?: string }) {
    const [color, label] = states[status] ?? ['default', status];
    const tag = <Tag color={color}>{label}</Tag>;
    return reason ? <Tooltip title={reason}>{tag}</Tooltip> : tag;
  };
}

export const RegistryStatusTag = stateTag(REGISTRY);

const TASK: Record<TaskStatus, string> = {
  PENDING: 'default',
  SYNCHRONIZING: 'processing',
  SUCCESS: 'success',
  ERROR: 'error',
  CANCELED: 'warning',
};

export function TaskStatusTag({ status }: { status: TaskStatus }) {
  return <Tag color={TASK[status] ?? 'default'}>{status}</Tag>;
}

export const SEVERITY_COLORS: Record<string, string> = {
  High: '#cf1322',
  Medium: '#fa8c16',
  Low: '#fadb14',
  Security: '#52c41a',
  unscanned: '#bfbfbf',
};

export const SEVERITY_LABEL: Record<string, string> = { Security: 'No risk', unscanned: 'Not scanned' };

export function RiskBadge({ level }: { level?: Severity | 'unscanned' | null }) {
  const key = level ?? 'unscanned';
  return (
    <Tag color={SEVERITY_COLORS[key]} style={key === 'Low' ? { color: '#614700' } : undefined}>
      {SEVERITY_LABEL[key] ?? key}
    </Tag>
  );
}

/** HSS scan_status → tag colour and words (also the Images page's scan-status choices). */
export const SCAN: Record<string, [string, string]> = {
  unscan: ['default', 'Not scanned'],
  waiting_for_scan: ['default', 'Queued'],
  scanning: ['processing', 'Scanning'],
  success: ['success', 'Scanned'],
  failed: ['error', 'Scan failed'],
};

export const ScanStatusTag = stateTag(SCAN);
