// How replication gates read in the console: a rule's gates in words (the rules table) and a gated rule's verdict
// on one image in its preview (pass; blocked, with the gate and why on a second line; needs a scan first).
import { Space, Tag, Tooltip, Typography } from 'antd';
import type { SyncRule } from '../api/types';
import { gateLabel, gateWords } from './gates';
import type { GateVerdict } from './rule-body';

export function RuleGatesList({ gates }: { gates: SyncRule['gates'] }) {
  const words = gateWords(gates);
  if (!words.length) return <Typography.Text type="secondary">None</Typography.Text>;
  return (
    <Space orientation="vertical" size={0}>
      {words.map((w) => (
        <Typography.Text key={w}>{w}</Typography.Text>
      ))}
    </Space>
  );
}

const VERDICTS: Record<GateVerdict['verdict'], [string, string, string]> = {
  pass: ['success', 'pass', 'The image passes every gate of the rule'],
  blocked: ['error', 'blocked', 'A gate refuses the image: a run would end its task "Blocked by policy"'],
  needs_scan: ['processing', 'needs scan', 'No current scan result yet: a run asks for one and decides then'],
};

/** A preview item's gate verdict; '—' for an image of an ungated rule (or one not planned). */
export function GateVerdictTag({ gate }: { gate?: GateVerdict }) {
  if (!gate) return <Typography.Text type="secondary">—</Typography.Text>;
  const [color, label, meaning] = VERDICTS[gate.verdict] ?? ['default', gate.verdict, ''];
  return (
    <Space orientation="vertical" size={0}>
      <Tooltip title={meaning}>
        <Tag color={color}>{label}</Tag>
      </Tooltip>
      {gate.verdict === 'blocked' && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {gateLabel(gate.gate)}
          {gate.detail ? `: ${gate.detail}` : ''}
        </Typography.Text>
      )}
    </Space>
  );
}
