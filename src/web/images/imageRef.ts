// How an image row is named and linked. The link to the detail page is the row's id (read again there, so a reload
// or a shared link works) and carries the row itself in the navigation state, to show it at once.
import type { ImageRow, Platform } from '../api/types';
import { platformName } from './platform';

/** `namespace/name:tag`, as the console names an image everywhere. */
export const imageRef = (r: Pick<ImageRow, 'namespace' | 'image_name' | 'image_version'>) =>
  `${r.namespace}/${r.image_name}:${r.image_version}`;

/** What the Images page hands the detail page through the router. */
export interface DetailState {
  row?: ImageRow;
  /** The list's search string, so "back to Images" returns to the same filtered page. */
  from?: string;
}

/** The detail page of a row; with a platform, showing that platform's findings. */
export function detailLink(row: ImageRow, from: string, platform?: Pick<Platform, 'image_digest'>) {
  const state: DetailState = { row, from };
  const search = platform ? `?${new URLSearchParams({ platform: platform.image_digest })}` : '';
  return { to: { pathname: `/images/${row.id}`, search }, state };
}

/** The state a Link put there, checked (history state survives reloads, but may be from another version). */
export function detailStateOf(state: unknown): DetailState {
  if (!state || typeof state !== 'object') return {};
  const s = state as Record<string, unknown>;
  const row = s.row && typeof s.row === 'object' && 'id' in s.row ? (s.row as ImageRow) : undefined;
  return { row, from: typeof s.from === 'string' ? s.from : undefined };
}

/** A file name for the image's SBOM: `<image>-<tag>[-<platform>].cdx.json`, path separators made safe. */
export const sbomFileName = (r: Pick<ImageRow, 'image_name' | 'image_version'>, platform?: Platform) =>
  `${r.image_name}-${r.image_version}${platform ? `-${platformName(platform)}` : ''}.cdx.json`.replace(/[/\\:]/g, '_');
