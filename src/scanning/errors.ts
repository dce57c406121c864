// Why a scan failed, in the seed's own codes (003 ListRegistryImages `scan_failed_desc`), so an image row can say
// it as HSS does. Messages carry the detail (which layer, which limit).
import { RegattaError } from '../errors.js';

export const SCAN_FAILURES = {
  unknown_error: 'Unknown error.',
  authentication_failed: 'Authentication failed.',
  download_failed: 'The image download failed.',
  image_over_sized: 'The image is too large and cannot be scanned.',
  get_detail_info_not_found: 'Image details failed to be obtained: the image is not found in the repository.',
  image_layer_over_sized: 'An image layer is too large and cannot be scanned.',
  schema_v1_not_support: 'Schema V1 images cannot be scanned.',
  failed_to_scan_vulnerability: 'The vulnerability scan failed.',
  failed_to_scan_file: 'The file scan failed.',
  failed_to_scan_software: 'The software scan failed.',
  failed_to_check_sensitive_information: 'Failed to check sensitive information.',
  failed_to_check_baseline: 'Baseline check failed.',
} as const;

export type ScanFailure = keyof typeof SCAN_FAILURES;

export class ScanError extends RegattaError {
  declare readonly code: ScanFailure;
  constructor(code: ScanFailure, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
