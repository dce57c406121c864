// The image row a detail page shows, read by its id (GET /api/v1/images/{id}: scoped, and the same shape as a
// ListRegistryImages row); the row the Images page handed over in the navigation state shows meanwhile. While a scan
// is queued or running the row is polled, so the page moves on by itself when the results are in.
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import type { ImageRow } from '../api/types';
import { useClient } from '../auth';

const BUSY = new Set(['waiting_for_scan', 'scanning']);

export function useImageRow(id: string, handed: ImageRow | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: ['image-row', client.projectId, id],
    queryFn: async (): Promise<ImageRow | null> => {
      try {
        return await client.get<ImageRow>(`/api/v1/images/${encodeURIComponent(id)}`);
      } catch (err) {
        // Gone from the inventory (deleted at its registry since): the page says so.
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    initialData: handed && String(handed.id) === id ? handed : undefined,
    // The handed row is a snapshot of the list: read the row again at once.
    initialDataUpdatedAt: 0,
    refetchInterval: (q) => (q.state.data && BUSY.has(q.state.data.scan_status) ? 5_000 : false),
  });
}
