// The header's who-am-I: the signed-in name, the role in the current project, a superadmin badge, and the
// project the console acts in (a switcher when the person belongs to several).
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Select, Space, Tag, Typography } from 'antd';
import { useAuth } from '../auth';
import { ROLE_COLORS, ROLE_LABELS, useIdentity } from './useIdentity';

export function IdentityBar() {
  const { session } = useAuth();
  const me = useIdentity();
  if (!session) return null;
  const current = me.projects.find((p) => p.id === me.projectId);
  return (
    <Space size="middle" aria-label="Signed in" role="group">
      {me.projects.length > 1 ? (
        <Space size={4}>
          <Typography.Text type="secondary">Project</Typography.Text>
          <Select
            aria-label="Project"
            value={me.projectId || undefined}
            placeholder="Choose a project"
            style={{ minWidth: 200 }}
            showSearch={{ optionFilterProp: 'label' }}
            options={me.projects.map((p) => ({ value: p.id, label: p.name }))}
            onChange={(id: string) => session.chooseProject(id)}
          />
        </Space>
      ) : (
        <Typography.Text type="secondary" title={me.projectId}>
          {me.projectId ? `project ${current?.name ?? me.projectId}` : 'no project'}
        </Typography.Text>
      )}
      <Space size={4}>
        <UserOutlined />
        <Typography.Text strong data-testid="identity-name">
          {me.name}
        </Typography.Text>
        {me.role && (
          <Tag color={ROLE_COLORS[me.role]} data-testid="identity-role">
            {ROLE_LABELS[me.role]}
          </Tag>
        )}
        {me.superadmin && <Tag color="gold">Superadmin</Tag>}
      </Space>
      <Button icon={<LogoutOutlined />} onClick={session.signOut}>
        Sign out
      </Button>
    </Space>
  );
}
