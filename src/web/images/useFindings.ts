// One server page of a per-image scan result list (vulnerabilities, malwares, sensitive, baseline/risk-configs).
// The image is named by its row id, which the HSS per-image APIs accept besides the Docker image id, or, for one
// platform of a multi-arch tag, by that platform's image id (narrowed to the tag); the scan time is part of the
// key, so a finished rescan reads the lists again. Paging keeps the previous page on screen.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type Client, hss, type Query, urlOf } from '../api/client';
import type { Page } from '../api/types';
import { useClient } from '../auth';

export type FindingKind = 'vulnerabilities' | 'malwares' | 'sensitive' | 'baseline/risk-configs';

export interface FindingsTarget {
  /** The image row's id (from the route), or a platform's image_id. */
  id: string;
  /** latest_scan_time of the row, when known. */
  scannedAt?: number;
  /** namespace, image_name and tag_name of the tag, for a platform's image id (it may be in other tags too). */
  scope?: Query;
}

/** The path of one of the target's per-image APIs, with its scope. */
export const findingsUrl = (client: Client, target: FindingsTarget, kind: FindingKind | 'sbom', query: Query = {}) =>
  urlOf(hss(client, `/image/${encodeURIComponent(target.id)}/${kind}`), { ...target.scope, ...query });

export const FINDING_PAGE_SIZES = [10, 20, 50, 100];

export function useFindings<T>(target: FindingsTarget, kind: FindingKind, filters: Query = {}) {
  const client = useClient();
  const [paging, setPaging] = useState({ page: 1, size: 10 });
  const query: Query = { ...filters, offset: (paging.page - 1) * paging.size, limit: paging.size };
  const result = useQuery({
    queryKey: ['image-findings', client.projectId, target.id, target.scope, kind, target.scannedAt, query],
    queryFn: () => client.get<Page<T>>(findingsUrl(client, target, kind, query)),
    placeholderData: keepPreviousData,
  });
  const pagination = {
    current: paging.page,
    pageSize: paging.size,
    total: result.data?.total_num ?? 0,
    showSizeChanger: true,
    pageSizeOptions: FINDING_PAGE_SIZES,
    showTotal: (n: number) => `${n} found`,
    onChange: (page: number, size: number) => setPaging({ page: size === paging.size ? page : 1, size }),
  };
  /** Back to the first page (when a filter changes). */
  const restart = () => setPaging((p) => ({ ...p, page: 1 }));
  /** Loading a first or a new page (a background refresh keeps the table as it is). */
  const loading = result.isFetching && (result.isPending || result.isPlaceholderData);
  return { result, loading, pagination, restart };
}
