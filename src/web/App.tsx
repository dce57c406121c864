// The signed-in frame: a side menu of the console's areas and the page of the current route.
import {
  ApartmentOutlined,
  BlockOutlined,
  CloudServerOutlined,
  DashboardOutlined,
  LogoutOutlined,
  SafetyCertificateOutlined,
  SyncOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { Button, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useAuth } from './auth';
import { Dashboard } from './dashboard/Dashboard';
import { ImageDetail } from './images/ImageDetail';
import { Images } from './images/Images';
import { Registries } from './registries/Registries';
import { Batches } from './replication/Batches';
import { Rules } from './replication/Rules';
import { Tasks } from './replication/Tasks';
import { SignIn } from './SignIn';
import { Scans } from './scans/Scans';

const AREAS = [
  { key: '/', icon: <DashboardOutlined />, label: 'Dashboard' },
  { key: '/registries', icon: <CloudServerOutlined />, label: 'Registries' },
  { key: '/images', icon: <ApartmentOutlined />, label: 'Images' },
  { key: '/rules', icon: <SyncOutlined />, label: 'Replication rules' },
  { key: '/batches', icon: <BlockOutlined />, label: 'Sync batches' },
  { key: '/tasks', icon: <UnorderedListOutlined />, label: 'Sync tasks' },
  { key: '/scans', icon: <SafetyCertificateOutlined />, label: 'Scans' },
];

export function App() {
  const { session, restoring } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  if (restoring) return <Spin fullscreen />;
  if (!session) return <SignIn />;
  const area = AREAS.filter((a) => a.key !== '/' && location.pathname.startsWith(a.key))[0]?.key ?? '/';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={56} theme="light" width={220}>
        <Typography.Title level={4} style={{ padding: '16px 20px', margin: 0 }}>
          Regatta
        </Typography.Title>
        <nav aria-label="Main">
          <Menu mode="inline" selectedKeys={[area]} items={AREAS} onClick={(e) => navigate(e.key)} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: 'transparent', display: 'flex', justifyContent: 'flex-end' }}>
          <Space>
            <Typography.Text type="secondary">
              {session.name} · project {session.client.projectId}
            </Typography.Text>
            <Button icon={<LogoutOutlined />} onClick={session.signOut}>
              Sign out
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: '0 24px 24px' }}>
          <main>
            <Routes>
              <Route path="/" element={<Dashboard />} />
              <Route path="/registries" element={<Registries />} />
              <Route path="/images" element={<Images />} />
              <Route path="/images/:id" element={<ImageDetail />} />
              <Route path="/rules" element={<Rules />} />
              <Route path="/batches" element={<Batches />} />
              <Route path="/tasks" element={<Tasks />} />
              <Route path="/scans" element={<Scans />} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
