// Drift: every rule against its target, from the inventories as last crawled (no registry is asked): a matrix of
// rules × states, and a cell's images below it. The cell drilled into (rule, state) and the page are kept in the
// URL, so `/drift?rule=…&state=conflict` links (from a rule's row or drawer) open it. "Refresh" reads the
// inventories again; "Crawl inventories" (operators) crawls the rules' registries, after which a refresh shows
// what they hold now.
import { ReloadOutlined } from '@ant-design/icons';
import { useIsFetching, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Segmented, Space, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { hss } from '../api/client';
import type { SyncRule } from '../api/types';
import { useClient } from '../auth';
import { useIdentity } from '../identity/useIdentity';
import { useRegistries } from '../registries/useRegistries';
import { ErrorAlert } from '../ui/ErrorAlert';
import { CrawlTimes, DriftMatrix, RuleRoute } from './DriftMatrix';
import { DRIFT_LOOK } from './DriftStateTag';
import { DriftTable } from './DriftTable';
import { DRIFT_STATES, isDriftState, useDriftCounts, useRuleDrift } from './useDrift';

const ALL = 'all';

export function Drift() {
  const client = useClient();
  const mayCrawl = useIdentity().can('write');
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const registries = useRegistries();
  const [params, setParams] = useSearchParams();
  const ruleId = params.get('rule') || undefined;
  const wanted = params.get('state');
  const state = isDriftState(wanted) ? wanted : undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const pageSize = Math.min(200, Math.max(1, Number(params.get('size')) || 20));

  /** Changes search params; any change but the page's goes back to the first page. */
  const update = (changes: Record<string, string | undefined>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(changes)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      if (!('page' in changes)) next.delete('page');
      return next;
    });

  const rules = useQuery({
    queryKey: ['rules'],
    queryFn: () => client.get<{ total: number; rules: SyncRule[] }>('/api/v1/rules'),
  });
  const list = rules.data?.rules ?? [];
  const counts = useDriftCounts(list.map((r) => r.id));
  const drill = useRuleDrift(ruleId, state, page, pageSize);
  const rule = list.find((r) => r.id === ruleId || r.rule_id === ruleId);
  const fetching = useIsFetching({ queryKey: ['drift'] }) > 0;

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['drift'] });
  const crawl = useMutation({
    mutationFn: () => {
      const ids = [...new Set(list.flatMap((r) => [r.source.registry_id, r.target.registry_id]))];
      return client.send<{ task_id: string }>('POST', hss(client, '/image/image-sync/tasks'), {
        registry_info: ids.map((registry_id) => ({ registry_id })),
      });
    },
    onSuccess: () => message.success('Inventory crawl started: refresh once it has finished'),
    onError: (err) => message.error(`Could not start the crawl: ${err.message}`),
  });

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={2}>Drift</Typography.Title>
        <Space>
          {mayCrawl && (
            <Button onClick={() => crawl.mutate()} loading={crawl.isPending} disabled={list.length === 0}>
              Crawl inventories
            </Button>
          )}
          <Button icon={<ReloadOutlined />} onClick={refresh} loading={fetching}>
            Refresh
          </Button>
        </Space>
      </Flex>
      <Typography.Paragraph type="secondary">
        Where each image a rule replicates stands at its target, read from the source and target inventories as last
        crawled (no registry is asked): what the next run of the rule would copy, replace, or leave alone. Click a count
        to list those images.
      </Typography.Paragraph>
      <ErrorAlert error={rules.error ?? registries.error} />
      <DriftMatrix
        rules={list}
        loading={rules.isLoading}
        counts={counts}
        nameOf={registries.nameOf}
        selected={ruleId ? { rule: rule?.id ?? ruleId, state } : undefined}
        onPick={(r, s) => update({ rule: r.id, state: s })}
      />
      {ruleId && (
        <Card
          style={{ marginTop: 24 }}
          title={`Rule "${rule?.name ?? ruleId}": ${state ? DRIFT_LOOK[state].label.toLowerCase() : 'every'} image${state ? 's' : ''}`}
          extra={
            <Button type="link" onClick={() => update({ rule: undefined, state: undefined, size: undefined })}>
              Close
            </Button>
          }
        >
          <Flex wrap gap={16} align="center" justify="space-between" style={{ marginBottom: 16 }}>
            <Segmented<string>
              aria-label="State"
              value={state ?? ALL}
              onChange={(v) => update({ state: v === ALL ? undefined : v })}
              options={[
                { value: ALL, label: 'All' },
                ...DRIFT_STATES.map((s) => ({
                  value: s,
                  label: `${DRIFT_LOOK[s].label}${drill.data ? ` (${drill.data.counts[s]})` : ''}`,
                })),
              ]}
            />
            <Space size="large">
              {rule && <RuleRoute rule={rule} nameOf={registries.nameOf} />}
              <CrawlTimes source={drill.data?.source_synced_at} target={drill.data?.target_synced_at} />
            </Space>
          </Flex>
          <ErrorAlert error={drill.error} />
          <DriftTable
            items={drill.data?.items ?? []}
            total={drill.data?.total ?? 0}
            loading={drill.isLoading}
            page={page}
            pageSize={pageSize}
            onPage={(p, size) =>
              update({ page: p > 1 ? String(p) : undefined, size: size !== 20 ? String(size) : undefined })
            }
          />
        </Card>
      )}
    </>
  );
}
