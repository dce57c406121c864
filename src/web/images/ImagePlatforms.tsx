// The platforms of a multi-arch image (its association_images): os/arch/variant, digest and size, as a small
// table for the Images list's expanded rows, and as a one-line label for the detail page.
import { Table, Tooltip, Typography } from 'antd';
import type { Platform } from '../api/types';
import { bytes, shortDigest } from '../ui/format';

export const platformName = (p: Pick<Platform, 'os' | 'architecture' | 'variant'>) =>
  [p.os, p.architecture, p.variant].filter(Boolean).join('/');

export function ImagePlatforms({ platforms }: { platforms: Platform[] }) {
  return (
    <Table<Platform>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={platforms}
      style={{ maxWidth: 760 }}
      columns={[
        { title: 'Platform', render: (_, p) => platformName(p) },
        {
          title: 'Digest',
          dataIndex: 'image_digest',
          render: (d: string) => (
            <Tooltip title={d}>
              <Typography.Text code copyable={{ text: d }}>
                {shortDigest(d)}
              </Typography.Text>
            </Tooltip>
          ),
        },
        { title: 'Size', dataIndex: 'image_size', align: 'right', render: (n: number) => bytes(n) },
      ]}
    />
  );
}
