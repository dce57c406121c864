// Every registry of the project, once, for the rule form's pickers and to show registry names where the native
// API gives ids (rules, tasks). ListRegistry pages by at most 200, so larger projects are read page by page.
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { hss } from '../api/client';
import type { Page, Registry } from '../api/types';
import { useClient } from '../auth';

const PAGE = 200;
/** A bound on the pages read: a picker of more than this many registries would be unusable anyway. */
const MAX_PAGES = 10;

export interface Registries {
  list: Registry[];
  loading: boolean;
  error: unknown;
  /** The registry's name, or a short id when it is unknown (e.g. deleted since). */
  nameOf(id: string | null | undefined): string;
}

export function useRegistries(): Registries {
  const client = useClient();
  const query = useQuery({
    queryKey: ['registries', 'all'],
    staleTime: 30_000,
    queryFn: async () => {
      const all: Registry[] = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const got = await client.get<Page<Registry>>(hss(client, '/image/registries'), {
          offset: page * PAGE,
          limit: PAGE,
        });
        all.push(...got.data_list);
        if (got.data_list.length < PAGE || all.length >= got.total_num) break;
      }
      return all;
    },
  });
  const list = query.data ?? [];
  const nameOf = useCallback(
    (id: string | null | undefined) => {
      if (!id) return '—';
      return list.find((r) => r.id === id)?.registry_name ?? `registry ${id.slice(0, 8)}`;
    },
    [list],
  );
  return { list, loading: query.isLoading, error: query.error, nameOf };
}
