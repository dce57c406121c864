// What refers to an image at its registry (issue 15), from the inventory: a signature (cosign, notation), an SBOM
// (or an SBOM attestation), and whether a signature checked against the project's trusted keys verified (nothing
// said when none was ever checked).
import { Space, Tag, Tooltip } from 'antd';
import type { ImageRow } from '../api/types';

type Referrers = Pick<ImageRow, 'signed' | 'has_sbom' | 'signature_verified'>;

function Verified({ verified }: { verified: boolean | undefined }) {
  if (verified === undefined) return null;
  return verified ? (
    <Tooltip title="A signature of this digest verified with a trusted key of the project">
      <Tag color="success">Signature verified</Tag>
    </Tooltip>
  ) : (
    <Tooltip title="No signature of this digest verified with a trusted key of the project">
      <Tag color="error">Signature not verified</Tag>
    </Tooltip>
  );
}

export function ReferrerTags({ row }: { row: Referrers }) {
  return (
    <Space size={4} wrap>
      {row.signed ? (
        <Tooltip title="A signature (cosign, notation) refers to this digest at its registry">
          <Tag color="blue">Signed</Tag>
        </Tooltip>
      ) : (
        <Tag>Not signed</Tag>
      )}
      {row.has_sbom ? (
        <Tooltip title="An SBOM (or an SBOM attestation) refers to this digest at its registry">
          <Tag color="blue">SBOM</Tag>
        </Tooltip>
      ) : (
        <Tag>No SBOM</Tag>
      )}
      <Verified verified={row.signature_verified} />
    </Space>
  );
}
