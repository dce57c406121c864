// The signed-in frame: a side menu of the console's areas (those the role may use) and the page of the current
// route; the header says who is signed in, with which role, in which project.
import {
  ApartmentOutlined,
  AuditOutlined,
  BlockOutlined,
  CloudServerOutlined,
  DashboardOutlined,
  DiffOutlined,
  KeyOutlined,
  SafetyCertificateOutlined,
  SyncOutlined,
  TeamOutlined,
  UnorderedListOutlined,
  UserSwitchOutlined,
  VerifiedOutlined,
} from '@ant-design/icons';
import { Alert, Layout, Menu, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useAuth } from './auth';
import { Dashboard } from './dashboard/Dashboard';
import { Audit } from './identity/Audit';
import { IdentityBar } from './identity/IdentityBar';
import { Keys } from './identity/Keys';
import { Members } from './identity/Members';
import { ProjectsPeople } from './identity/ProjectsPeople';
import { TrustedKeys } from './identity/TrustedKeys';
import { type Permission, useIdentity } from './identity/useIdentity';
import { ImageDetail } from './images/ImageDetail';
import { Images } from './images/Images';
import { Registries } from './registries/Registries';
import { Batches } from './replication/Batches';
import { Drift } from './replication/Drift';
import { Rules } from './replication/Rules';
import { Tasks } from './replication/Tasks';
import { SignIn } from './SignIn';
import { Scans } from './scans/Scans';

interface Area {
  key: string;
  icon: ReactNode;
  label: string;
  /** What the role needs to see the area. */
  need: Permission;
  /** Whether the area acts in a project (hidden while the caller has none). */
  project: boolean;
}

const AREAS: Area[] = [
  { key: '/', icon: <DashboardOutlined />, label: 'Dashboard', need: 'read', project: true },
  { key: '/registries', icon: <CloudServerOutlined />, label: 'Registries', need: 'read', project: true },
  { key: '/images', icon: <ApartmentOutlined />, label: 'Images', need: 'read', project: true },
  { key: '/rules', icon: <SyncOutlined />, label: 'Replication rules', need: 'read', project: true },
  { key: '/drift', icon: <DiffOutlined />, label: 'Drift', need: 'read', project: true },
  { key: '/batches', icon: <BlockOutlined />, label: 'Sync batches', need: 'read', project: true },
  { key: '/tasks', icon: <UnorderedListOutlined />, label: 'Sync tasks', need: 'read', project: true },
  { key: '/scans', icon: <SafetyCertificateOutlined />, label: 'Scans', need: 'read', project: true },
  { key: '/trusted-keys', icon: <VerifiedOutlined />, label: 'Trusted keys', need: 'read', project: true },
  { key: '/members', icon: <TeamOutlined />, label: 'Members', need: 'read', project: true },
  { key: '/keys', icon: <KeyOutlined />, label: 'Keys & tokens', need: 'read', project: false },
  { key: '/audit', icon: <AuditOutlined />, label: 'Audit', need: 'admin', project: true },
  { key: '/admin', icon: <UserSwitchOutlined />, label: 'Projects & people', need: 'superadmin', project: false },
];

function NoProject() {
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginTop: 24 }}
      title="You belong to no project yet"
      description="Ask an admin of a project to add you to it. Meanwhile you can manage your own keys and tokens."
    />
  );
}

export function App() {
  const { session, restoring } = useAuth();
  if (restoring) return <Spin fullscreen />;
  if (!session) return <SignIn />;
  return <Console />;
}

function Console() {
  const me = useIdentity();
  const location = useLocation();
  const navigate = useNavigate();
  const inProject = me.projectId !== '';
  // Keys & tokens are everyone's own: shown in a project or not.
  const allowed = (a: Area) => (a.project ? inProject && me.can(a.need) : a.need === 'read' || me.can(a.need));
  const areas = AREAS.filter(allowed);
  const area = areas.filter((a) => a.key !== '/' && location.pathname.startsWith(a.key))[0]?.key ?? '/';
  const only = (key: string, element: ReactNode) =>
    areas.some((a) => a.key === key) ? element : <Navigate to={inProject ? '/' : '/keys'} replace />;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={56} theme="light" width={220}>
        <Typography.Title level={4} style={{ padding: '16px 20px', margin: 0 }}>
          Regatta
        </Typography.Title>
        <nav aria-label="Main">
          <Menu
            mode="inline"
            selectedKeys={[area]}
            items={areas.map(({ key, icon, label }) => ({ key, icon, label }))}
            onClick={(e) => navigate(e.key)}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: 'transparent', display: 'flex', justifyContent: 'flex-end' }}>
          <IdentityBar />
        </Layout.Header>
        <Layout.Content style={{ padding: '0 24px 24px' }}>
          <main>
            {/* A new project: every page starts again (nothing read in the previous one is shown). */}
            <Routes key={me.projectId}>
              <Route path="/" element={inProject ? <Dashboard /> : <NoProject />} />
              <Route path="/registries" element={only('/registries', <Registries />)} />
              <Route path="/images" element={only('/images', <Images />)} />
              <Route path="/images/:id" element={only('/images', <ImageDetail />)} />
              <Route path="/rules" element={only('/rules', <Rules />)} />
              <Route path="/drift" element={only('/drift', <Drift />)} />
              <Route path="/batches" element={only('/batches', <Batches />)} />
              <Route path="/tasks" element={only('/tasks', <Tasks />)} />
              <Route path="/scans" element={only('/scans', <Scans />)} />
              <Route path="/trusted-keys" element={only('/trusted-keys', <TrustedKeys />)} />
              <Route path="/members" element={only('/members', <Members />)} />
              <Route path="/keys" element={<Keys />} />
              <Route path="/audit" element={only('/audit', <Audit />)} />
              <Route path="/admin" element={only('/admin', <ProjectsPeople />)} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
