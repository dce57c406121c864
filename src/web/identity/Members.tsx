// Members: the project's people and service accounts with their roles. Everyone in the project reads the list;
// its admin adds a person by name with a role, changes roles, removes members, and creates service accounts
// (machines: a CI job's read-only key, a mirror's operator key), then gives them a key on "Keys & tokens".
import { RobotOutlined, UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useNavigate } from 'react-router';
import type { Member, Role } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { when } from '../ui/format';
import { PrincipalName } from './PrincipalName';
import { ROLE_COLORS, ROLE_LABELS, ROLES, SIGN_IN_LABELS, useIdentity } from './useIdentity';

const roleOptions = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

interface NewMember {
  name: string;
  role: Role;
}

export function Members() {
  const client = useClient();
  const me = useIdentity();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const admin = me.can('admin');
  const [personForm] = Form.useForm<NewMember>();
  const [serviceForm] = Form.useForm<NewMember>();
  const project = me.projectName(me.projectId);

  const list = useQuery({ queryKey: ['members'], queryFn: () => client.get<Member[]>('/api/v1/members') });
  const changed = async (mine = false) => {
    await queries.invalidateQueries({ queryKey: ['members'] });
    // The caller's own role changed: what the console shows follows it.
    if (mine) await me.refresh();
  };

  const add = useMutation({
    mutationFn: (v: NewMember) => client.send<Member>('POST', '/api/v1/members', v),
    onSuccess: async (m) => {
      personForm.resetFields();
      await changed(m.id === me.id);
      message.success(`${m.name} is now ${ROLE_LABELS[m.role].toLowerCase()} of ${project}`);
    },
  });
  const createService = useMutation({
    mutationFn: (v: NewMember) => client.send<Member>('POST', '/api/v1/service-accounts', v),
    onSuccess: async (m) => {
      serviceForm.resetFields();
      await changed();
      message.success(`Service account ${m.name} created: give it a token or key pair on "Keys & tokens"`);
    },
  });
  const setRole = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: Role }) =>
      client.send<Member>('PUT', `/api/v1/members/${member.id}`, { role }),
    onSuccess: async (m) => {
      await changed(m.id === me.id);
      message.success(`${m.name} is now ${ROLE_LABELS[m.role].toLowerCase()}`);
    },
  });
  const remove = useMutation({
    mutationFn: (member: Member) => client.send<void>('DELETE', `/api/v1/members/${member.id}`),
    onSuccess: async (_, m) => {
      await changed();
      message.success(m.kind === 'service' ? `Service account ${m.name} deleted` : `${m.name} removed from ${project}`);
    },
  });

  return (
    <>
      <Typography.Title level={2}>Members</Typography.Title>
      <Typography.Paragraph type="secondary">
        The people and service accounts of project <Typography.Text strong>{project}</Typography.Text>. A viewer reads;
        an operator also changes registries, rules and scans; an admin also manages members and keys.
      </Typography.Paragraph>
      {!admin && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="Only an admin of this project changes its members"
          description={`You are ${me.role ? ROLE_LABELS[me.role].toLowerCase() : 'no member'} here: this list is read-only.`}
        />
      )}
      {admin && (
        <Flex gap={16} wrap style={{ marginBottom: 16 }}>
          <Card size="small" title="Add a person" style={{ flex: '1 1 420px' }}>
            <Form<NewMember>
              form={personForm}
              name="add-member"
              layout="inline"
              initialValues={{ role: 'viewer' }}
              onFinish={(v) => add.mutate(v)}
              style={{ rowGap: 8 }}
            >
              <Form.Item name="name" label="Name" rules={[{ required: true, message: 'Their name on this server' }]}>
                <Input placeholder="a person's name" autoComplete="off" />
              </Form.Item>
              <Form.Item name="role" label="Role">
                <Radio.Group optionType="button" options={roleOptions} aria-label="Role" />
              </Form.Item>
              <Button type="primary" htmlType="submit" icon={<UserAddOutlined />} loading={add.isPending}>
                Add person
              </Button>
            </Form>
            <ErrorAlert error={add.error} />
          </Card>
          <Card size="small" title="New service account" style={{ flex: '1 1 420px' }}>
            <Form<NewMember>
              form={serviceForm}
              name="add-service-account"
              layout="inline"
              initialValues={{ role: 'viewer' }}
              onFinish={(v) => createService.mutate(v)}
              style={{ rowGap: 8 }}
            >
              <Form.Item name="name" label="Name" rules={[{ required: true, message: 'Name the account' }]}>
                <Input placeholder="e.g. ci-reader" autoComplete="off" />
              </Form.Item>
              <Form.Item name="role" label="Role">
                <Radio.Group optionType="button" options={roleOptions} aria-label="Role" />
              </Form.Item>
              <Button htmlType="submit" icon={<RobotOutlined />} loading={createService.isPending}>
                Create service account
              </Button>
            </Form>
            <ErrorAlert error={createService.error} />
          </Card>
        </Flex>
      )}
      <ErrorAlert error={list.error ?? setRole.error ?? remove.error} />
      <Table<Member>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: 'Name',
            key: 'name',
            render: (_, m) => <PrincipalName name={m.name} you={m.id === me.id} superadmin={m.superadmin} />,
          },
          {
            title: 'Kind',
            key: 'kind',
            render: (_, m) => (m.kind === 'service' ? <Tag icon={<RobotOutlined />}>Service account</Tag> : 'Person'),
          },
          {
            title: 'Role',
            key: 'role',
            render: (_, m) =>
              admin && m.id !== me.id ? (
                <Select<Role>
                  aria-label={`Role of ${m.name}`}
                  size="small"
                  value={m.role}
                  style={{ width: 120 }}
                  options={roleOptions}
                  loading={setRole.isPending && setRole.variables?.member.id === m.id}
                  onChange={(role) => setRole.mutate({ member: m, role })}
                />
              ) : (
                <Tag color={ROLE_COLORS[m.role]}>{ROLE_LABELS[m.role]}</Tag>
              ),
          },
          {
            title: 'Signs in with',
            key: 'sign_in',
            render: (_, m) => (m.kind === 'service' ? '—' : SIGN_IN_LABELS[m.sign_in]),
          },
          {
            title: 'Status',
            key: 'status',
            render: (_, m) => (m.disabled ? <Tag color="error">Disabled</Tag> : <Tag color="success">Active</Tag>),
          },
          {
            title: 'Added',
            key: 'source',
            render: (_, m) => (
              <Space orientation="vertical" size={0}>
                {when(m.created_at)}
                {m.source === 'oidc' && <Typography.Text type="secondary">from single sign-on</Typography.Text>}
              </Space>
            ),
          },
          ...(admin
            ? [
                {
                  title: 'Actions',
                  key: 'actions',
                  render: (_: unknown, m: Member) => (
                    <Space>
                      {m.kind === 'service' && (
                        <Button size="small" onClick={() => navigate(`/keys?holder=${encodeURIComponent(m.id)}`)}>
                          Make a key
                        </Button>
                      )}
                      {m.id !== me.id && (
                        <Popconfirm
                          title={m.kind === 'service' ? `Delete service account ${m.name}?` : `Remove ${m.name}?`}
                          description={
                            m.kind === 'service'
                              ? 'Its tokens and key pairs stop working at once.'
                              : `They lose access to ${project}; their other projects are unchanged.`
                          }
                          okText={m.kind === 'service' ? 'Delete' : 'Remove'}
                          okButtonProps={{ danger: true }}
                          onConfirm={() => remove.mutate(m)}
                        >
                          <Button size="small" danger loading={remove.isPending && remove.variables?.id === m.id}>
                            {m.kind === 'service' ? 'Delete' : 'Remove'}
                          </Button>
                        </Popconfirm>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
