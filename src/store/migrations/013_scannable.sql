-- Scannable (issue 17): a tag that names an artifact (a Helm chart, a signature, an SBOM) or an image over the
-- scanner's limits is never queued for a scan; `unscannable_reason` says why (not_a_container_image, or the
-- seed's image_over_sized / image_layer_over_sized). Each platform of a multi-arch tag is scanned by its own
-- digest: image_platforms.image_digest is looked up when a platform's scan ends (which tags it belongs to).
ALTER TABLE images ADD COLUMN scannable boolean NOT NULL DEFAULT true;
ALTER TABLE images ADD COLUMN unscannable_reason text;
ALTER TABLE image_platforms ADD COLUMN scannable boolean NOT NULL DEFAULT true;
CREATE INDEX image_platforms_digest ON image_platforms (image_digest);
