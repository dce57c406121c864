// The SBOM tab of an image: Regatta's CycloneDX 1.5 JSON of the packages the last scan found, downloaded with the
// signed-in token (the API answers JSON, so the browser saves it as `<image>-<tag>.cdx.json`).
import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Button, Typography } from 'antd';
import { hss } from '../api/client';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { sbomFileName } from './imageRef';

interface Props {
  id: string;
  /** For the file name; the route id when the row is unknown. */
  image?: { image_name: string; image_version: string };
}

export function SbomTab({ id, image }: Props) {
  const client = useClient();
  const download = useMutation({
    mutationFn: () =>
      client.download(
        hss(client, `/image/${encodeURIComponent(id)}/sbom`),
        image ? sbomFileName(image) : `image-${id}.cdx.json`,
      ),
  });
  return (
    <>
      <Typography.Paragraph>
        A CycloneDX 1.5 JSON software bill of materials: every package the last scan found, with its package URL and the
        file it was read from.
      </Typography.Paragraph>
      <ErrorAlert error={download.error} />
      <Button icon={<DownloadOutlined />} loading={download.isPending} onClick={() => download.mutate()}>
        Download SBOM
      </Button>
    </>
  );
}
