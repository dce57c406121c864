// Projects & people, for a superadmin: create, rename and delete projects (one still holding registries only with
// a confirmation that deletes them too), and the server's people: add one with a password, make or unmake a
// superadmin, set a new password, disable (their credentials stop working) or delete. Roles in a project are
// given on its Members page.
import { PlusOutlined, UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import type { Person, Project } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { when } from '../ui/format';
import { ROLE_LABELS, useIdentity } from './useIdentity';

const NAME_RULES = [
  { required: true, message: 'Give a name' },
  { pattern: /^[A-Za-z0-9][A-Za-z0-9._@-]*$/, message: 'Letters, digits and . _ @ - only' },
  { max: 64 },
];

function RenameProject({ project, onClose }: { project?: Project; onClose(): void }) {
  const client = useClient();
  const me = useIdentity();
  const queries = useQueryClient();
  const [form] = Form.useForm<{ name: string }>();
  const rename = useMutation({
    mutationFn: (name: string) => client.send<Project>('PATCH', `/api/v1/projects/${project!.id}`, { name }),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['projects'] });
      await me.refresh();
      rename.reset();
      onClose();
    },
  });
  return (
    <Modal
      open={project !== undefined}
      title={`Rename ${project?.name ?? ''}`}
      okText="Rename"
      onOk={() => form.submit()}
      confirmLoading={rename.isPending}
      onCancel={() => {
        rename.reset();
        onClose();
      }}
      destroyOnHidden
    >
      <Form
        form={form}
        name="rename-project"
        layout="vertical"
        preserve={false}
        initialValues={{ name: project?.name }}
        onFinish={(v) => rename.mutate(v.name)}
      >
        <Form.Item name="name" label="New name" rules={NAME_RULES}>
          <Input autoComplete="off" />
        </Form.Item>
      </Form>
      <ErrorAlert error={rename.error} />
    </Modal>
  );
}

/** Deleting a project: a plain confirmation, or, while it holds registries, typing its name to delete them too. */
function DeleteProject({ project, onClose }: { project?: Project; onClose(): void }) {
  const client = useClient();
  const me = useIdentity();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const [typed, setTyped] = useState('');
  const force = (project?.registries ?? 0) > 0;
  const remove = useMutation({
    mutationFn: (p: Project) => client.send<void>('DELETE', `/api/v1/projects/${p.id}${force ? '?force=true' : ''}`),
    onSuccess: async (_, p) => {
      await queries.invalidateQueries({ queryKey: ['projects'] });
      await me.refresh();
      message.success(`Project ${p.name} deleted`);
      close();
    },
  });
  const close = () => {
    setTyped('');
    remove.reset();
    onClose();
  };
  return (
    <Modal
      open={project !== undefined}
      title={`Delete project ${project?.name ?? ''}?`}
      okText={force ? 'Delete project and its registries' : 'Delete project'}
      okButtonProps={{ danger: true, disabled: force && typed !== project?.name }}
      onOk={() => project && remove.mutate(project)}
      confirmLoading={remove.isPending}
      onCancel={close}
      destroyOnHidden
    >
      {project && force ? (
        <>
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={`It still holds ${project.registries} ${project.registries === 1 ? 'registry' : 'registries'}`}
            description="Deleting it deletes them too, with their image inventory, rules, tasks, members' roles, service accounts and keys. This cannot be undone."
          />
          <Typography.Paragraph>
            Type <Typography.Text code>{project.name}</Typography.Text> to confirm.
          </Typography.Paragraph>
          <Input aria-label="Project name to confirm" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </>
      ) : (
        <Typography.Paragraph>
          Its members lose their role in it, and its service accounts and keys stop working. This cannot be undone.
        </Typography.Paragraph>
      )}
      <ErrorAlert error={remove.error} />
    </Modal>
  );
}

function SetPassword({ person, onClose }: { person?: Person; onClose(): void }) {
  const client = useClient();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [form] = Form.useForm<{ password: string }>();
  const save = useMutation({
    mutationFn: (password: string | null) => client.send<Person>('PATCH', `/api/v1/users/${person!.id}`, { password }),
    onSuccess: async (p) => {
      await queries.invalidateQueries({ queryKey: ['users'] });
      message.success(
        p.sign_in === 'none' || p.sign_in === 'sso' ? `${p.name} has no password now` : `Password of ${p.name} set`,
      );
      save.reset();
      onClose();
    },
  });
  return (
    <Modal
      open={person !== undefined}
      title={`Password of ${person?.name ?? ''}`}
      okText="Set password"
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      onCancel={() => {
        save.reset();
        onClose();
      }}
      footer={(_, { OkBtn, CancelBtn }) => (
        <>
          <Button danger onClick={() => save.mutate(null)} disabled={save.isPending}>
            Remove password
          </Button>
          <CancelBtn />
          <OkBtn />
        </>
      )}
      destroyOnHidden
    >
      <Form
        form={form}
        name="set-password"
        layout="vertical"
        preserve={false}
        onFinish={(v) => save.mutate(v.password)}
      >
        <Form.Item name="password" label="New password" rules={[{ required: true, message: 'Enter a password' }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
      <ErrorAlert error={save.error} />
    </Modal>
  );
}

function Projects() {
  const client = useClient();
  const me = useIdentity();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string }>();
  const [renaming, setRenaming] = useState<Project>();
  const [deleting, setDeleting] = useState<Project>();
  const list = useQuery({ queryKey: ['projects'], queryFn: () => client.get<Project[]>('/api/v1/projects') });
  const create = useMutation({
    mutationFn: (name: string) => client.send<Project>('POST', '/api/v1/projects', { name }),
    onSuccess: async (p) => {
      form.resetFields();
      await queries.invalidateQueries({ queryKey: ['projects'] });
      // The header's project switcher lists it.
      await me.refresh();
      message.success(`Project ${p.name} created`);
    },
  });
  return (
    <section aria-labelledby="projects">
      <Typography.Title level={3} id="projects">
        Projects
      </Typography.Title>
      <Form
        form={form}
        name="new-project"
        layout="inline"
        onFinish={(v) => create.mutate(v.name)}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="name" label="Project name" rules={NAME_RULES}>
          <Input autoComplete="off" placeholder="e.g. team-payments" />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={create.isPending}>
          Create project
        </Button>
      </Form>
      <ErrorAlert error={create.error ?? list.error} />
      <Table<Project>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: 'Name',
            key: 'name',
            render: (_, p) => (
              <Space size={4}>
                <Typography.Text strong>{p.name}</Typography.Text>
                {p.id === me.projectId && <Tag color="processing">current</Tag>}
              </Space>
            ),
          },
          { title: 'Id', key: 'id', render: (_, p) => <Typography.Text code>{p.id}</Typography.Text> },
          { title: 'Registries', dataIndex: 'registries', align: 'right' },
          {
            title: 'Your role',
            key: 'role',
            render: (_, p) => (p.role ? (ROLE_LABELS[p.role as keyof typeof ROLE_LABELS] ?? p.role) : '—'),
          },
          { title: 'Created', key: 'created', render: (_, p) => when(p.created_at) },
          {
            title: 'Actions',
            key: 'actions',
            render: (_, p) => (
              <Space>
                <Button size="small" onClick={() => setRenaming(p)}>
                  Rename
                </Button>
                <Button size="small" danger onClick={() => setDeleting(p)}>
                  Delete
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <RenameProject project={renaming} onClose={() => setRenaming(undefined)} />
      <DeleteProject project={deleting} onClose={() => setDeleting(undefined)} />
    </section>
  );
}

interface NewPerson {
  name: string;
  password?: string;
  superadmin?: boolean;
}

const SIGN_IN: Record<Person['sign_in'], string> = {
  password: 'Password',
  sso: 'Single sign-on',
  'password+sso': 'Password or SSO',
  none: 'Cannot sign in',
};

function People() {
  const client = useClient();
  const me = useIdentity();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewPerson>();
  const [password, setPassword] = useState<Person>();
  const list = useQuery({ queryKey: ['users'], queryFn: () => client.get<Person[]>('/api/v1/users') });
  const refresh = () => queries.invalidateQueries({ queryKey: ['users'] });
  const add = useMutation({
    mutationFn: (v: NewPerson) =>
      client.send<Person>('POST', '/api/v1/users', {
        name: v.name,
        ...(v.password ? { password: v.password } : {}),
        superadmin: v.superadmin ?? false,
      }),
    onSuccess: async (p) => {
      form.resetFields();
      await refresh();
      message.success(`${p.name} added: give them a role on a project's Members page`);
    },
  });
  const update = useMutation({
    mutationFn: ({ person, change }: { person: Person; change: { superadmin?: boolean; disabled?: boolean } }) =>
      client.send<Person>('PATCH', `/api/v1/users/${person.id}`, change),
    onSuccess: async (p) => {
      await refresh();
      message.success(`${p.name} updated`);
    },
  });
  const remove = useMutation({
    mutationFn: (p: Person) => client.send<void>('DELETE', `/api/v1/users/${p.id}`),
    onSuccess: async (_, p) => {
      await refresh();
      message.success(`${p.name} deleted`);
    },
  });
  const busy = (p: Person) => update.isPending && update.variables?.person.id === p.id;
  return (
    <section aria-labelledby="people" style={{ marginTop: 32 }}>
      <Typography.Title level={3} id="people">
        People
      </Typography.Title>
      <Card size="small" title="Add a person" style={{ marginBottom: 16 }}>
        <Form<NewPerson>
          form={form}
          name="new-person"
          layout="inline"
          onFinish={(v) => add.mutate(v)}
          style={{ rowGap: 8 }}
        >
          <Form.Item name="name" label="Name" rules={NAME_RULES}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="password" label="Password" tooltip="Leave empty for a person who signs in only with SSO">
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="superadmin" valuePropName="checked">
            <Checkbox>Superadmin</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<UserAddOutlined />} loading={add.isPending}>
            Add person
          </Button>
        </Form>
        <ErrorAlert error={add.error} />
      </Card>
      <ErrorAlert error={list.error ?? update.error ?? remove.error} />
      <Table<Person>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: 'Name',
            key: 'name',
            render: (_, p) => (
              <Space size={4}>
                <Typography.Text strong>{p.name}</Typography.Text>
                {p.id === me.id && <Tag>you</Tag>}
              </Space>
            ),
          },
          { title: 'Signs in with', key: 'sign_in', render: (_, p) => SIGN_IN[p.sign_in] },
          {
            title: 'Superadmin',
            key: 'superadmin',
            render: (_, p) => (
              <Switch
                aria-label={`Superadmin ${p.name}`}
                size="small"
                checked={p.superadmin}
                loading={busy(p)}
                // A superadmin cannot demote itself (the server refuses too).
                disabled={p.id === me.id}
                onChange={(superadmin) => update.mutate({ person: p, change: { superadmin } })}
              />
            ),
          },
          {
            title: 'Status',
            key: 'status',
            render: (_, p) => (p.disabled ? <Tag color="error">Disabled</Tag> : <Tag color="success">Active</Tag>),
          },
          { title: 'Added', key: 'created', render: (_, p) => when(p.created_at) },
          {
            title: 'Actions',
            key: 'actions',
            render: (_, p) => (
              <Space>
                <Button size="small" onClick={() => setPassword(p)}>
                  Password
                </Button>
                {p.id !== me.id && (
                  <>
                    <Popconfirm
                      title={p.disabled ? `Enable ${p.name}?` : `Disable ${p.name}?`}
                      description={
                        p.disabled
                          ? 'Their credentials work again.'
                          : 'They cannot sign in, and their tokens and key pairs stop working.'
                      }
                      okText={p.disabled ? 'Enable' : 'Disable'}
                      onConfirm={() => update.mutate({ person: p, change: { disabled: !p.disabled } })}
                    >
                      <Button size="small" loading={busy(p)}>
                        {p.disabled ? 'Enable' : 'Disable'}
                      </Button>
                    </Popconfirm>
                    <Popconfirm
                      title={`Delete ${p.name}?`}
                      description="Their roles and credentials go too. This cannot be undone."
                      okText="Delete"
                      okButtonProps={{ danger: true }}
                      onConfirm={() => remove.mutate(p)}
                    >
                      <Button size="small" danger loading={remove.isPending && remove.variables?.id === p.id}>
                        Delete
                      </Button>
                    </Popconfirm>
                  </>
                )}
              </Space>
            ),
          },
        ]}
      />
      <SetPassword person={password} onClose={() => setPassword(undefined)} />
    </section>
  );
}

export function ProjectsPeople() {
  return (
    <>
      <Typography.Title level={2}>Projects &amp; people</Typography.Title>
      <Typography.Paragraph type="secondary">
        Server-wide, for superadmins. A person's role in a project is given on that project's Members page (choose the
        project in the header).
      </Typography.Paragraph>
      <Projects />
      <People />
    </>
  );
}
