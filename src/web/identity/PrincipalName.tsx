// A person's or service account's name as the identity pages list it: bold, with "you" for the signed-in one and
// a badge for a superadmin.
import { Space, Tag, Typography } from 'antd';

export function PrincipalName({ name, you, superadmin }: { name: string; you: boolean; superadmin?: boolean }) {
  return (
    <Space size={4}>
      <Typography.Text strong>{name}</Typography.Text>
      {you && <Tag>you</Tag>}
      {superadmin && <Tag color="gold">Superadmin</Tag>}
    </Space>
  );
}
