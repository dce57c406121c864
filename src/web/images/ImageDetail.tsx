// The detail page of one image (/images/:id, id = the ListRegistryImages row id): its reference, facts, a notice
// when it has no current scan, a multi-arch image's platforms, and its scan results in tabs: of every platform
// together, or of the one picked (`platform`, its digest, in the URL like the open `tab`). The row comes from the
// Images page through the router state at once, and is read again by its id, so a reload or a shared link works.
import { Alert, Breadcrumb, Skeleton, Typography } from 'antd';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ImagePlatforms } from './ImagePlatforms';
import { ImageSummary } from './ImageSummary';
import { ImageTabs } from './ImageTabs';
import { detailStateOf, imageRef } from './imageRef';
import { PlatformSwitch } from './PlatformSwitch';
import { ScanNotice } from './ScanNotice';
import { useImageRow } from './useImageRow';

export function ImageDetail() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const handed = detailStateOf(location.state);
  const row = useImageRow(id, handed.row);
  const r = row.data ?? undefined;
  const title = r ? imageRef(r) : `Image ${id}`;
  const platforms = r?.is_multiple_arch ? (r.association_images ?? []) : [];
  const platform = platforms.find((p) => p.image_digest === params.get('platform'));
  const setParam = (key: string, value: string | undefined) =>
    setParams(
      (p) => {
        if (value) p.set(key, value);
        else p.delete(key);
        return p;
      },
      { replace: true, state: location.state },
    );
  const onPlatform = (digest: string | undefined) => setParam('platform', digest);
  return (
    <>
      <Breadcrumb
        style={{ marginTop: 8 }}
        items={[{ title: <Link to={`/images${handed.from ?? ''}`}>Images</Link> }, { title }]}
      />
      <Typography.Title level={3} style={{ wordBreak: 'break-all' }}>
        {title}
      </Typography.Title>
      <ErrorAlert error={row.error} />
      {row.isPending && <Skeleton active paragraph={{ rows: 3 }} />}
      {row.data === null && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="This image was not found in the inventory"
          description="It may have been deleted from its registry since. Its scan results, if any, are still shown below; find it again on the Images page."
        />
      )}
      {r && <ImageSummary row={r} />}
      {r && <ScanNotice row={r} />}
      {platforms.length > 0 && (
        <div style={{ marginBottom: 16 }}>
          <Typography.Title level={5}>Platforms</Typography.Title>
          <ImagePlatforms platforms={platforms} selected={platform?.image_digest} onSelect={onPlatform} />
        </div>
      )}
      {/* Once the row is known (or known missing): an unscanned image's tabs ask nothing. */}
      {r && platforms.length > 0 && (
        <PlatformSwitch row={r} platforms={platforms} selected={platform?.image_digest} onSelect={onPlatform} />
      )}
      {!row.isPending && (
        <ImageTabs id={id} row={r} platform={platform} tab={params.get('tab')} onTab={(tab) => setParam('tab', tab)} />
      )}
    </>
  );
}
