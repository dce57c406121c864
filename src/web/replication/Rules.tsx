// Replication rules: the project's sync rules with "Run now", "Edit" and "Delete", and "New rule" (a drawer with a
// dry run before saving). A run answers a batch; the page links to its tasks.
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import type { SyncRule } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';
import { useRegistries } from '../registries/useRegistries';
import { ErrorAlert } from '../ui/ErrorAlert';
import { RuleDrawer } from './RuleDrawer';
import { RuleTable } from './RuleTable';

interface Run {
  rule: string;
  batch_id: string;
}

const tasksOf = (batchId: string) => `/tasks?batch_id=${encodeURIComponent(batchId)}`;

export function Rules() {
  const client = useClient();
  const mayChange = useIdentity().can('write');
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const registries = useRegistries();
  // The drawer: closed, a new rule, or a rule being edited.
  const [drawer, setDrawer] = useState<false | 'new' | SyncRule>(false);
  const [lastRun, setLastRun] = useState<Run>();

  const rules = useQuery({
    queryKey: ['rules'],
    queryFn: () => client.get<{ total: number; rules: SyncRule[] }>('/api/v1/rules'),
  });

  const run = useMutation({
    mutationFn: async (rule: SyncRule): Promise<Run> => {
      const r = await client.send<{ batch_id: string }>('POST', `/api/v1/rules/${rule.id}/run`);
      return { rule: rule.name, batch_id: r.batch_id };
    },
    onSuccess: async (r) => {
      setLastRun(r);
      await queryClient.invalidateQueries({ queryKey: ['tasks'] });
      // The message lives outside the router: a plain hash link.
      message.success({
        content: (
          <span>
            Rule "{r.rule}" started batch {r.batch_id.slice(0, 8)}: its images are being selected.{' '}
            <a href={`#${tasksOf(r.batch_id)}`}>See its tasks</a>
          </span>
        ),
        duration: 6,
      });
    },
    onError: (err, rule) => message.error(`Could not run "${rule.name}": ${err.message}`),
  });

  const remove = useMutation({
    mutationFn: (rule: SyncRule) => client.send<void>('DELETE', `/api/v1/rules/${rule.id}`),
    onSuccess: async (_, rule) => {
      await queryClient.invalidateQueries({ queryKey: ['rules'] });
      message.success(`Rule "${rule.name}" deleted`);
    },
    onError: (err, rule) => message.error(`Could not delete "${rule.name}": ${err.message}`),
  });

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={2}>Replication rules</Typography.Title>
        {mayChange && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer('new')}>
            New rule
          </Button>
        )}
      </Flex>
      <Typography.Paragraph type="secondary">
        A rule copies the images it selects at a source registry to a target: on every push (PASSIVE) or when run by
        hand (INITIATIVE). Each run makes a batch of sync tasks, one per image.
      </Typography.Paragraph>
      {lastRun && (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => setLastRun(undefined) }}
          style={{ marginBottom: 16 }}
          title={
            <span>
              Rule "{lastRun.rule}" started batch <Typography.Text code>{lastRun.batch_id}</Typography.Text>; its images
              are selected in the background. <Link to={tasksOf(lastRun.batch_id)}>View its tasks</Link>
            </span>
          }
        />
      )}
      <ErrorAlert error={rules.error ?? registries.error} />
      <RuleTable
        rules={rules.data?.rules ?? []}
        loading={rules.isLoading}
        mayChange={mayChange}
        nameOf={registries.nameOf}
        running={run.isPending ? run.variables?.id : undefined}
        deleting={remove.isPending ? remove.variables?.id : undefined}
        onRun={(r) => run.mutate(r)}
        onEdit={(r) => setDrawer(r)}
        onDelete={(r) => remove.mutate(r)}
      />
      <RuleDrawer
        open={drawer !== false}
        editing={typeof drawer === 'object' ? drawer : undefined}
        onClose={() => setDrawer(false)}
      />
    </>
  );
}
