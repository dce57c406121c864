// The Images page (/images): the registry inventory, filtered and paged by the server (ListRegistryImages), so it
// stays quick at a million images. Filters, page, page size and sort live in the URL: a view can be linked and
// Back returns to it. The previous page stays on screen while the next one loads.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Typography } from 'antd';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { hss, type Query } from '../api/client';
import type { ImageRow, Page } from '../api/types';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ImageFilters } from './ImageFilters';
import { ImageTable } from './ImageTable';
import { apiQueryOf, paramsOf, type SortDir, viewOf } from './listParams';

export function Images() {
  const client = useClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const view = useMemo(() => viewOf(searchParams), [searchParams]);
  const query = apiQueryOf(view);
  const images = useQuery({
    queryKey: ['images', client.projectId, query],
    queryFn: () => client.get<Page<ImageRow>>(hss(client, '/image/registries/images'), query),
    placeholderData: keepPreviousData,
  });
  const applyFilters = (filters: Query) => setSearchParams(paramsOf(filters, 1, view.size, view.sortDir));
  const turn = (page: number, size: number, sortDir: SortDir | undefined) =>
    setSearchParams(paramsOf(view.filters, page, size, sortDir));
  const search = searchParams.toString();
  return (
    <>
      <Typography.Title level={3}>Images</Typography.Title>
      <ImageFilters filters={view.filters} onApply={applyFilters} />
      <ErrorAlert error={images.error} />
      <ImageTable
        rows={images.data?.data_list ?? []}
        total={images.data?.total_num ?? 0}
        // A spinner for a first load or a new page, not for a background refresh.
        loading={images.isFetching && (images.isPending || images.isPlaceholderData)}
        page={view.page}
        size={view.size}
        sortDir={view.sortDir}
        from={search ? `?${search}` : ''}
        onChange={turn}
      />
    </>
  );
}
