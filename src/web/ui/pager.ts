// The server-side pager every list uses: page and size from the URL, the server's total, a size changer and the
// total in words ("3 tasks").
import type { TablePaginationConfig } from 'antd';
import { countOf } from './format';

export interface PagerOptions {
  page: number;
  size: number;
  total: number;
  onChange(page: number, size: number): void;
  /** The thing counted, singular and (when not just an added s) plural. */
  noun: [string, string?];
  sizes?: number[];
}

export function pager(o: PagerOptions): TablePaginationConfig {
  return {
    current: o.page,
    pageSize: o.size,
    total: o.total,
    showSizeChanger: true,
    pageSizeOptions: o.sizes ?? [10, 20, 50, 100, 200],
    showTotal: countOf(...o.noun),
    onChange: o.onChange,
  };
}
