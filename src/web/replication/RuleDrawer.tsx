// "New rule" or "Edit rule": the rule form in a drawer, with a dry run ("Preview", nothing saved) and "Create rule"
// (POST) or "Save rule" (PUT, the whole rule). Server errors (an invalid pattern, an unknown registry) show inside
// the drawer, next to the fields they concern. A saved rule's drawer links to its drift and, for a role that may
// change rules, prunes the target tags whose source tag was deleted.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Divider, Drawer, Form, Space } from 'antd';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { SyncRule } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PruneTags } from './PruneTags';
import { RuleForm } from './RuleForm';
import { RulePreview } from './RulePreview';
import { formValuesOf, type RulePreview as Preview, type RuleFormValues, ruleBodyOf } from './rule-body';
import { driftOf } from './useDrift';

export function RuleDrawer({ open, editing, onClose }: { open: boolean; editing?: SyncRule; onClose(): void }) {
  const client = useClient();
  const mayChange = useIdentity().can('write');
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<RuleFormValues>();
  const planRef = useRef<HTMLDivElement>(null);

  const preview = useMutation({
    mutationFn: (v: RuleFormValues) => client.send<Preview>('POST', '/api/v1/rules/preview', ruleBodyOf(v)),
  });
  const create = useMutation({
    mutationFn: (v: RuleFormValues) =>
      editing
        ? client.send<SyncRule>('PUT', `/api/v1/rules/${encodeURIComponent(editing.id)}`, ruleBodyOf(v))
        : client.send<SyncRule>('POST', '/api/v1/rules', ruleBodyOf(v)),
    onSuccess: async (rule) => {
      await queryClient.invalidateQueries({ queryKey: ['rules'] });
      // Saved gates decide the rule's blocked tasks again, and what its drift calls blocked.
      if (editing)
        void queryClient.invalidateQueries({ predicate: (q) => ['tasks', 'drift'].includes(String(q.queryKey[0])) });
      message.success(`Rule "${rule.name}" ${editing ? 'saved' : 'created'}`);
      close();
    },
  });

  // Editing: the form starts from the saved rule.
  useEffect(() => {
    if (open && editing) form.setFieldsValue(formValuesOf(editing));
  }, [open, editing, form]);

  // The plan shows below a long form: bring it into view when it arrives.
  const planned = preview.data ?? preview.error;
  useEffect(() => {
    if (planned) planRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [planned]);

  function close() {
    form.resetFields();
    preview.reset();
    create.reset();
    onClose();
  }

  const submit = (run: (v: RuleFormValues) => void) => () => {
    form.validateFields().then(run, () => undefined);
  };

  return (
    <Drawer
      title={editing ? `Edit rule "${editing.name}"` : 'New rule'}
      open={open}
      onClose={close}
      size={640}
      destroyOnHidden
      // A saved rule: where its images stand at the target, from the inventories.
      extra={
        editing && (
          <Space>
            {mayChange && <PruneTags rule={editing} />}
            <Link to={driftOf(editing.id)}>Drift</Link>
          </Space>
        )
      }
      footer={
        <Space>
          <Button onClick={submit((v) => preview.mutate(v))} loading={preview.isPending}>
            Preview
          </Button>
          <Button type="primary" onClick={submit((v) => create.mutate(v))} loading={create.isPending}>
            {editing ? 'Save rule' : 'Create rule'}
          </Button>
          <Button onClick={close}>Cancel</Button>
        </Space>
      }
    >
      <RuleForm
        form={form}
        onChange={() => {
          // A plan of other values would mislead: it is dropped as soon as a field changes.
          if (preview.data || preview.error) preview.reset();
        }}
      />
      <ErrorAlert error={create.error} />
      <div ref={planRef} />
      {(preview.isPending || preview.data || preview.error) && <Divider />}
      {preview.isPending && <p aria-live="polite">Listing the source and planning against the target…</p>}
      <ErrorAlert error={preview.error} />
      {preview.data && <RulePreview preview={preview.data} />}
    </Drawer>
  );
}
