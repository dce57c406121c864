// The filter form's values and their two-way mapping to the URL's filters: booleans as Any/Yes/No selects,
// time ranges as dayjs pairs (sent as epoch ms), the minimum size in MiB (sent in bytes).
import dayjs, { type Dayjs } from 'dayjs';
import type { Query } from '../api/client';
import { BOOL_FILTERS, ENUM_FILTERS, endKey, startKey, TEXT_FILTERS, TIME_RANGES, type TimeRange } from './listParams';

type Text = (typeof TEXT_FILTERS)[number];
type Bool = (typeof BOOL_FILTERS)[number];
type Enum = keyof typeof ENUM_FILTERS;
export type YesNo = 'true' | 'false';
export type DayRange = [Dayjs | null, Dayjs | null] | null;

export type FilterValues = Partial<Record<Text | Enum, string>> &
  Partial<Record<Bool, YesNo>> &
  Partial<Record<TimeRange, DayRange>> & { image_size_mib?: number | null };

const MIB = 1024 * 1024;

export function formOf(filters: Query): FilterValues {
  const v: FilterValues = {};
  for (const k of TEXT_FILTERS) if (typeof filters[k] === 'string') v[k] = filters[k];
  for (const k of Object.keys(ENUM_FILTERS) as Enum[]) if (typeof filters[k] === 'string') v[k] = filters[k];
  for (const k of BOOL_FILTERS) if (typeof filters[k] === 'boolean') v[k] = filters[k] ? 'true' : 'false';
  for (const r of TIME_RANGES) {
    const start = filters[startKey(r)];
    const end = filters[endKey(r)];
    v[r] = typeof start === 'number' && typeof end === 'number' ? [dayjs(start), dayjs(end)] : null;
  }
  v.image_size_mib = typeof filters.image_size === 'number' ? filters.image_size / MIB : null;
  return v;
}

export function filtersOf(v: FilterValues): Query {
  const q: Query = {};
  for (const k of TEXT_FILTERS) if (v[k]?.trim()) q[k] = v[k].trim();
  for (const k of Object.keys(ENUM_FILTERS) as Enum[]) if (v[k]) q[k] = v[k];
  for (const k of BOOL_FILTERS) if (v[k]) q[k] = v[k];
  for (const r of TIME_RANGES) {
    const [start, end] = v[r] ?? [null, null];
    // A range picked by whole days covers the end day to its last millisecond.
    if (start || end) {
      q[startKey(r)] = start ? start.startOf('day').valueOf() : 0;
      q[endKey(r)] = (end ?? dayjs()).endOf('day').valueOf();
    }
  }
  if (typeof v.image_size_mib === 'number' && v.image_size_mib > 0) q.image_size = Math.round(v.image_size_mib * MIB);
  return q;
}
