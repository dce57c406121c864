// The Images list: one server page of ListRegistryImages rows. Paging and the "Last scanned" sort are the
// server's (reported through onChange); each image links to its detail page, multi-arch rows expand to their
// platforms (each linking to its own findings). Counts read "—" for images never scanned, so "0" always means
// "scanned, nothing found"; an artifact the scanner cannot read says so.
import { Table, type TableProps, Tag, Tooltip, Typography } from 'antd';
import { Link } from 'react-router';
import type { ImageRow } from '../api/types';
import { ago, bytes, shortDigest, when } from '../ui/format';
import { RiskBadge } from '../ui/tags';
import { ImagePlatforms } from './ImagePlatforms';
import { detailLink, imageRef } from './imageRef';
import { PAGE_SIZES, type SortDir } from './listParams';
import { RowScanState } from './ScanStateTags';

interface Props {
  rows: ImageRow[];
  total: number;
  loading: boolean;
  page: number;
  size: number;
  sortDir?: SortDir;
  /** The list's search string, handed to the detail page for its way back. */
  from: string;
  onChange(page: number, size: number, sortDir: SortDir | undefined): void;
}

/** total_num is exact up to 10 000 matching rows, an estimate above. */
const totalText = (total: number) =>
  total > 10_000
    ? `About ${total.toLocaleString()} images`
    : `${total.toLocaleString()} ${total === 1 ? 'image' : 'images'}`;

const count = (r: ImageRow, n: number) => (r.latest_scan_time || r.scan_status === 'success' ? n : '—');

/** Its risk once scanned; else its scan state (not scannable, queued, failed…) and the previous risk, if any. */
function Risk({ row }: { row: ImageRow }) {
  if (row.scannable && row.scan_status === 'success') return <RiskBadge level={row.severity_level} />;
  return (
    <>
      <RowScanState row={row} />
      {row.severity_level && <RiskBadge level={row.severity_level} />}
    </>
  );
}

function Time({ t }: { t: number | undefined }) {
  return (
    <Tooltip title={when(t)}>
      <span>{ago(t)}</span>
    </Tooltip>
  );
}

export function ImageTable({ rows, total, loading, page, size, sortDir, from, onChange }: Props) {
  const change: TableProps<ImageRow>['onChange'] = (p, _filters, sorter, extra) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const dir = s?.order === 'ascend' ? 'asc' : s?.order === 'descend' ? 'desc' : undefined;
    const newSize = p.pageSize ?? size;
    // A new order or page size starts again at the first page.
    onChange(extra.action === 'sort' || newSize !== size ? 1 : (p.current ?? 1), newSize, dir);
  };
  return (
    <Table<ImageRow>
      size="small"
      rowKey="id"
      loading={loading}
      dataSource={rows}
      onChange={change}
      scroll={{ x: 'max-content' }}
      pagination={{
        current: page,
        pageSize: size,
        total,
        showSizeChanger: true,
        pageSizeOptions: PAGE_SIZES,
        showTotal: totalText,
      }}
      locale={{ emptyText: 'No image matches these filters' }}
      expandable={{
        rowExpandable: (r) => r.is_multiple_arch && (r.association_images?.length ?? 0) > 0,
        expandedRowRender: (r) => (
          <ImagePlatforms platforms={r.association_images ?? []} linkOf={(p) => detailLink(r, from, p)} />
        ),
      }}
      columns={[
        {
          title: 'Image',
          key: 'image',
          render: (_, r) => {
            const link = detailLink(r, from);
            return (
              <>
                <Link to={link.to} state={link.state}>
                  {imageRef(r)}
                </Link>
                {r.is_multiple_arch && <Tag style={{ marginLeft: 8 }}>multi-arch</Tag>}
              </>
            );
          },
        },
        { title: 'Registry', dataIndex: 'registry_name', key: 'registry' },
        {
          title: 'Digest',
          dataIndex: 'image_digest',
          key: 'digest',
          render: (d: string) => (
            <Tooltip title={d}>
              <Typography.Text code>{shortDigest(d)}</Typography.Text>
            </Tooltip>
          ),
        },
        { title: 'Size', dataIndex: 'image_size', key: 'size', align: 'right', render: (n: number) => bytes(n) },
        { title: 'Risk', key: 'risk', render: (_, r) => <Risk row={r} /> },
        {
          title: <abbr title="Vulnerabilities">Vulns</abbr>,
          key: 'vul',
          align: 'right',
          render: (_, r) => count(r, r.vul_num),
        },
        { title: 'Malicious', key: 'mal', align: 'right', render: (_, r) => count(r, r.malicious_file_num) },
        { title: 'Unsafe', key: 'unsafe', align: 'right', render: (_, r) => count(r, r.unsafe_setting_num) },
        { title: 'Last synced', key: 'synced', render: (_, r) => <Time t={r.latest_sync_time} /> },
        {
          title: 'Last scanned',
          key: 'latest_scan_time',
          sorter: true,
          sortDirections: ['descend', 'ascend'],
          sortOrder: sortDir === 'asc' ? 'ascend' : sortDir === 'desc' ? 'descend' : null,
          render: (_, r) => <Time t={r.latest_scan_time} />,
        },
      ]}
    />
  );
}
