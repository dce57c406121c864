import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import type { Person, Project } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useIdentity } from './useIdentity';

export const NAME_RULES = [
  { required: true, message: 'Give a name' },
  { pattern: /^[A-Za-z0-9][A-Za-z0-9._@-]*$/, message: 'Letters, digits and . _ @ - only' },
  { max: 64 },
];

export function RenameProject({ project, onClose }: { project?: Project; onClose(): void }) {
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
export function DeleteProject({ project, onClose }: { project?: Project; onClose(): void }) {
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

export function SetPassword({ person, onClose }: { person?: Person; onClose(): void }) {
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
