// A rule's drift (GET /api/v1/rules/{id}/drift): where each image it replicates stands against its target, from
// the two inventories as last crawled. The matrix reads every rule's counts (one small request a rule); the
// drill-down reads one rule's images in one state, a page at a time. Both are under the ['drift'] key, which
// "Refresh" invalidates.
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import type { paths } from '../api/openapi.js';
import { useClient } from '../auth';

/** The drift endpoint's answer. */
export type RuleDrift = paths['/api/v1/rules/{id}/drift']['get']['responses'][200]['content']['application/json'];
export type DriftItem = RuleDrift['items'][number];
export type DriftState = DriftItem['state'];
export type DriftCounts = RuleDrift['counts'];

/** The states in the order the console shows them. */
export const DRIFT_STATES: readonly DriftState[] = ['in_sync', 'missing', 'drifted', 'conflict', 'extra', 'blocked'];

export const isDriftState = (s: string | null | undefined): s is DriftState =>
  (DRIFT_STATES as readonly string[]).includes(s ?? '');

/** The console's drift page of a rule, in a state or in all of them. */
export const driftOf = (ruleId: string, state?: DriftState) =>
  `/drift?rule=${encodeURIComponent(ruleId)}${state ? `&state=${state}` : ''}`;

const driftPath = (ruleId: string) => `/api/v1/rules/${encodeURIComponent(ruleId)}/drift`;

export interface RuleCounts {
  counts?: DriftCounts;
  source_synced_at?: number | null;
  target_synced_at?: number | null;
  loading: boolean;
  error: unknown;
}

/** Every rule's counts by state and its inventories' crawl times, by rule id. */
export function useDriftCounts(ruleIds: readonly string[]): Map<string, RuleCounts> {
  const client = useClient();
  const results = useQueries({
    queries: ruleIds.map((id) => ({
      queryKey: ['drift', id, 'counts'],
      // The counts come with every page: the smallest one is enough.
      queryFn: () => client.get<RuleDrift>(driftPath(id), { limit: 1 }),
    })),
  });
  return new Map(
    ruleIds.map((id, i) => {
      const r = results[i]!;
      return [
        id,
        {
          counts: r.data?.counts,
          source_synced_at: r.data?.source_synced_at,
          target_synced_at: r.data?.target_synced_at,
          loading: r.isLoading,
          error: r.error,
        },
      ];
    }),
  );
}

/** One page of a rule's images, in one state or (state undefined) every one. */
export function useRuleDrift(ruleId: string | undefined, state: DriftState | undefined, page: number, size: number) {
  const client = useClient();
  return useQuery({
    queryKey: ['drift', ruleId, { state, page, size }],
    enabled: ruleId !== undefined,
    queryFn: () => client.get<RuleDrift>(driftPath(ruleId!), { state, offset: (page - 1) * size, limit: size }),
    placeholderData: keepPreviousData,
  });
}
