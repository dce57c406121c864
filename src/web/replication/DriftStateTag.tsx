// How each drift state reads: its colour (in sync green, missing blue, drifted orange, conflict red, extra purple,
// blocked grey), its words, and what it means for the next run of the rule.
import { Tag, Tooltip } from 'antd';
import type { DriftState } from './useDrift';

type Color = 'green' | 'blue' | 'orange' | 'red' | 'purple' | 'default';

export const DRIFT_LOOK: Record<DriftState, { color: Color; label: string; meaning: string }> = {
  in_sync: { color: 'green', label: 'In sync', meaning: 'The target tag has the source digest' },
  missing: { color: 'blue', label: 'Missing', meaning: 'Not at the target yet: the next run copies it' },
  drifted: {
    color: 'orange',
    label: 'Drifted',
    meaning: 'The target tag names another digest; the rule overrides: the next run replaces it',
  },
  conflict: {
    color: 'red',
    label: 'Conflict',
    meaning: 'The target tag names another digest; the rule does not override: left alone',
  },
  extra: {
    color: 'purple',
    label: 'Extra',
    meaning: 'At the target, made by the rule from a source tag that is gone',
  },
  blocked: { color: 'default', label: 'Blocked', meaning: 'Held back by a replication gate' },
};

export function DriftStateTag({ state }: { state: DriftState }) {
  const look = DRIFT_LOOK[state];
  return (
    <Tooltip title={look.meaning}>
      <Tag color={look.color}>{look.label}</Tag>
    </Tooltip>
  );
}
