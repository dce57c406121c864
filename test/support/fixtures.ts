// Test fixtures in one import: images built in code (small, multi-platform, big) and pushing them to a test
// registry without src/.
export { buildBigImage } from './big-image.js';
export { sha256Hex } from './digest.js';
export {
  type BlobRef,
  type BuiltImage,
  type BuiltIndex,
  blobOf,
  buildImage,
  buildIndex,
  buildMultiArch,
  finishImage,
  type ImageFormat,
  type ImageOptions,
  MEDIA_TYPES,
  type Platform,
} from './oci-builder.js';
export { pushBlob, pushImage, pushManifest, startUpload } from './push.js';
export { authorization, fetchToken, type RegistryTarget } from './registry-auth.js';
