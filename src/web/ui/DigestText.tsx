// A digest in a table cell: its first 12 hex digits, the whole digest on hover; a dash when there is none.
import { Tooltip, Typography } from 'antd';
import { shortDigest } from './format';

export function DigestText({ digest }: { digest: string | null | undefined }) {
  if (!digest) return '—';
  return (
    <Tooltip title={digest}>
      <Typography.Text type="secondary">{shortDigest(digest)}</Typography.Text>
    </Tooltip>
  );
}
