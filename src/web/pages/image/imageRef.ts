// How an image row is named and linked. The list API cannot be filtered by row id, so the link to the detail page
// carries the row's name fields in its search params (enough to find the row again after a reload) and the row
// itself in the navigation state (to show it at once).
import type { ImageRow } from '../../api/types';

/** `namespace/name:tag`, as the console names an image everywhere. */
export const imageRef = (r: Pick<ImageRow, 'namespace' | 'image_name' | 'image_version'>) =>
  `${r.namespace}/${r.image_name}:${r.image_version}`;

/** The ListRegistryImages filters that narrow the list down to the row a detail page shows. */
export const LOOKUP_KEYS = ['namespace', 'image_name', 'image_version', 'registry_name'] as const;
export type Lookup = Partial<Record<(typeof LOOKUP_KEYS)[number], string>>;

/** What the Images page hands the detail page through the router. */
export interface DetailState {
  row?: ImageRow;
  /** The list's search string, so "back to Images" returns to the same filtered page. */
  from?: string;
}

export function detailLink(row: ImageRow, from: string) {
  const search = new URLSearchParams();
  for (const k of LOOKUP_KEYS) if (row[k]) search.set(k, row[k]);
  const state: DetailState = { row, from };
  return { to: { pathname: `/images/${row.id}`, search: `?${search}` }, state };
}

export function lookupOf(params: URLSearchParams): Lookup {
  const lookup: Lookup = {};
  for (const k of LOOKUP_KEYS) {
    const v = params.get(k);
    if (v) lookup[k] = v;
  }
  return lookup;
}

/** The state a Link put there, checked (history state survives reloads, but may be from another version). */
export function detailStateOf(state: unknown): DetailState {
  if (!state || typeof state !== 'object') return {};
  const s = state as Record<string, unknown>;
  const row = s.row && typeof s.row === 'object' && 'id' in s.row ? (s.row as ImageRow) : undefined;
  return { row, from: typeof s.from === 'string' ? s.from : undefined };
}

/** A file name for the image's SBOM: `<image>-<tag>.cdx.json`, path separators made safe. */
export const sbomFileName = (r: Pick<ImageRow, 'image_name' | 'image_version'>) =>
  `${r.image_name}-${r.image_version}.cdx.json`.replace(/[/\\:]/g, '_');
