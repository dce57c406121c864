// The image row a detail page shows. ListRegistryImages has no id filter, so the row is looked up by the name
// fields the link put in the URL (namespace, name, tag, registry) and picked by id; the row the Images page handed
// over in the navigation state shows meanwhile. While a scan is queued or running the row is polled, so the page
// moves on by itself when the results are in.
import { useQuery } from '@tanstack/react-query';
import { hss } from '../../api/client';
import type { ImageRow, Page } from '../../api/types';
import { useClient } from '../../auth';
import type { Lookup } from './imageRef';

const BUSY = new Set(['waiting_for_scan', 'scanning']);

export function useImageRow(id: string, lookup: Lookup, handed: ImageRow | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: ['image-row', client.projectId, id, lookup],
    queryFn: async (): Promise<ImageRow | null> => {
      const page = await client.get<Page<ImageRow>>(hss(client, '/image/registries/images'), {
        ...lookup,
        offset: 0,
        limit: 200,
      });
      // The route names a row by its id; a Docker image id (what HSS links use) is matched too.
      return page.data_list.find((r) => String(r.id) === id || r.image_id === id) ?? null;
    },
    initialData: handed && String(handed.id) === id ? handed : undefined,
    // The handed row is a snapshot of the list: read the row again at once.
    initialDataUpdatedAt: 0,
    refetchInterval: (q) => (q.state.data && BUSY.has(q.state.data.scan_status) ? 5_000 : false),
  });
}
