// The `filter` query parameter of ShowSyncJob: `limit::{n}|offset::{n}|order::{asc|desc}`. limit and offset are
// required together, order is optional (default desc, newest first); each key once, nothing else. Anything else is
// refused with 400 rather than guessed at.
import { invalidParameter } from './errors.js';

export interface SyncJobFilter {
  limit: number;
  offset: number;
  order: 'asc' | 'desc';
}

/** Most jobs one page may hold. */
export const MAX_LIMIT = 1000;
const MAX_OFFSET = 2_000_000;
const KEYS = new Set(['limit', 'offset', 'order']);

export function parseSyncJobFilter(filter: string): SyncJobFilter {
  const fail = (why: string) =>
    invalidParameter(`filter ${JSON.stringify(filter)}: ${why} (expected limit::{n}|offset::{n}[|order::asc|desc])`);
  const seen = new Map<string, string>();
  for (const part of filter.split('|')) {
    const at = part.indexOf('::');
    if (at <= 0) throw fail(`"${part}" is not key::value`);
    const key = part.slice(0, at);
    const value = part.slice(at + 2);
    if (!KEYS.has(key)) throw fail(`unknown key "${key}"`);
    if (seen.has(key)) throw fail(`"${key}" given twice`);
    seen.set(key, value);
  }
  const limit = seen.get('limit');
  const offset = seen.get('offset');
  if (limit === undefined || offset === undefined) throw fail('limit and offset are both required');
  const order = seen.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw fail(`order must be asc or desc, not "${order}"`);
  return {
    limit: integer(limit, 1, MAX_LIMIT, () => fail(`limit must be an integer from 1 to ${MAX_LIMIT}`)),
    offset: integer(offset, 0, MAX_OFFSET, () => fail(`offset must be an integer from 0 to ${MAX_OFFSET}`)),
    order,
  };
}

function integer(text: string, min: number, max: number, fail: () => Error): number {
  if (!/^\d{1,9}$/.test(text)) throw fail();
  const n = Number(text);
  if (n < min || n > max) throw fail();
  return n;
}
