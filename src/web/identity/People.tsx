// The server's people, for a superadmin: add one with a password, make or unmake a superadmin, set a new
// password, disable (their credentials stop working) or delete. Roles in a project are given on its Members page.
import { UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Form, Input, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { Person } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { when } from '../ui/format';
import { PrincipalName } from './PrincipalName';
import { NAME_RULES, SetPassword } from './ProjectDialogs';
import { SIGN_IN_LABELS, useIdentity } from './useIdentity';

interface NewPerson {
  name: string;
  password?: string;
  superadmin?: boolean;
}

export function People() {
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
            render: (_, p) => <PrincipalName name={p.name} you={p.id === me.id} />,
          },
          { title: 'Signs in with', key: 'sign_in', render: (_, p) => SIGN_IN_LABELS[p.sign_in] },
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
