// The SBOM tab of an image: Regatta's CycloneDX 1.5 JSON of the packages the last scan found (of every platform, or
// of the one picked), downloaded with the signed-in token (the API answers JSON, so the browser saves it as
// `<image>-<tag>[-<platform>].cdx.json`).
import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Button, Typography } from 'antd';
import { useClient } from '../auth';
import { ErrorAlert } from '../ui/ErrorAlert';
import { type FindingsTarget, findingsUrl } from './useFindings';

interface Props {
  target: FindingsTarget;
  fileName: string;
}

export function SbomTab({ target, fileName }: Props) {
  const client = useClient();
  const download = useMutation({
    mutationFn: () => client.download(findingsUrl(client, target, 'sbom'), fileName),
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
