// The server's projects, for a superadmin: create, rename, delete.
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { Project } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { when } from '../ui/format';
import { DeleteProject, NAME_RULES, RenameProject } from './ProjectDialogs';
import { ROLE_LABELS, useIdentity } from './useIdentity';

export function Projects() {
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
