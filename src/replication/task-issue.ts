// ACR TaskIssue for a failed sync task: the seed's codes (002 ListRepoSyncTask: TAG_CONFLICT, UNSUPPORTED_FORMAT,
// INTERNAL_ERROR, NETWORK_ERROR, DATA_LENGTH_EXCEEDED, OSS_POLICY_UNAUTHORIZED) and finer causes of Regatta's own,
// so an operator knows what to fix without reading logs (anchors.md §4: "why did this image fail?").
import { RegattaError } from '../errors.js';
import { RegistryError } from '../oci/errors.js';

export const TASK_ISSUES = {
  TAG_CONFLICT: 'the target tag holds another image and override is off, or the target refuses the overwrite',
  UNSUPPORTED_FORMAT: 'the manifest or config format is not supported (e.g. Docker schema 1)',
  DATA_LENGTH_EXCEEDED: 'the manifest or config is larger than Regatta reads',
  NETWORK_ERROR: 'the registry stayed unreachable or failing (5xx, resets, timeouts) after every retry',
  INTERNAL_ERROR: 'an unexpected failure inside Regatta',
  // Regatta's own, finer than the seed's:
  AUTH_FAILED: 'a registry refused the credentials or denied the pull or push',
  RATE_LIMITED: 'a registry kept answering 429 Too Many Requests after every retry',
  SOURCE_NOT_FOUND: 'the source repository or tag does not exist (any more)',
  DIGEST_INVALID: 'content did not match its digest',
  NO_MATCHING_PLATFORM: 'the source index has none of the platforms the rule asks for',
  REGISTRY_DELETED: 'the source or target registry was removed from Regatta',
  POLICY_BLOCKED:
    'a replication gate of the rule refused the image (the detail names the gate); it runs again once the reason may be gone',
} as const;

export type TaskIssue = keyof typeof TASK_ISSUES;

/** The TaskIssue of an error a copy ended with. */
export function taskIssueOf(err: unknown): TaskIssue {
  if (!(err instanceof RegattaError)) return 'INTERNAL_ERROR';
  if (err instanceof RegistryError) {
    if (err.code === 'TOOMANYREQUESTS' || err.status === 429) return 'RATE_LIMITED';
    if (err.isAuth) return 'AUTH_FAILED';
    if (err.isNotFound || err.code === 'MANIFEST_UNKNOWN' || err.code === 'NAME_UNKNOWN') return 'SOURCE_NOT_FOUND';
    if (err.retryable) return 'NETWORK_ERROR';
  }
  switch (err.code) {
    case 'TAG_CONFLICT':
    case 'UNSUPPORTED_FORMAT':
    case 'NO_MATCHING_PLATFORM':
    case 'REGISTRY_DELETED':
    case 'DIGEST_INVALID':
    case 'NETWORK_ERROR':
      return err.code;
    case 'INVALID_DIGEST':
      return 'DIGEST_INVALID';
    case 'INVALID_RESPONSE':
      return /larger than/.test(err.message) ? 'DATA_LENGTH_EXCEEDED' : 'INTERNAL_ERROR';
    case 'AUTH_FAILED':
    case 'AUTH_CHALLENGE_INVALID':
      return 'AUTH_FAILED';
    default:
      return 'INTERNAL_ERROR';
  }
}
