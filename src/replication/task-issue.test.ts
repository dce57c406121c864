import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegattaError } from '../errors.js';
import { InvalidResponseError, NetworkError, RegistryError, UnsupportedFormatError } from '../oci/errors.js';
import { TASK_ISSUES, taskIssueOf } from './task-issue.js';

const registryError = (status: number, code?: string) =>
  new RegistryError({ status, method: 'GET', url: 'http://r/v2/', errors: code ? [{ code }] : [] });

test('each failure maps to the TaskIssue an operator can act on', () => {
  const cases: Array<[unknown, string]> = [
    [new RegattaError('TAG_CONFLICT', 'x'), 'TAG_CONFLICT'],
    [
      new UnsupportedFormatError('application/vnd.docker.distribution.manifest.v1+json', 'schema1'),
      'UNSUPPORTED_FORMAT',
    ],
    [new InvalidResponseError('manifest', 'larger than 4194304 bytes'), 'DATA_LENGTH_EXCEEDED'],
    [new NetworkError('GET', 'http://r/v2/', new Error('ECONNRESET')), 'NETWORK_ERROR'],
    [registryError(503), 'NETWORK_ERROR'],
    [registryError(429), 'RATE_LIMITED'],
    [registryError(401, 'UNAUTHORIZED'), 'AUTH_FAILED'],
    [registryError(403, 'DENIED'), 'AUTH_FAILED'],
    [registryError(404, 'MANIFEST_UNKNOWN'), 'SOURCE_NOT_FOUND'],
    [new RegattaError('DIGEST_INVALID', 'x'), 'DIGEST_INVALID'],
    [new Error('boom'), 'INTERNAL_ERROR'],
  ];
  for (const [err, issue] of cases) assert.equal(taskIssueOf(err), issue, String(err));
});

test('every TaskIssue has a description', () => {
  for (const [code, text] of Object.entries(TASK_ISSUES)) assert.ok(text.length > 10, code);
});
