// The "raw stream" a blob copy is measured against: the same bytes with plain HTTP and nothing else, curl GET of
// the blob from the source piped into curl's streamed upload at the target, the registry checking the digest as
// it does for any upload. Two upload shapes: one streamed PUT closing the session (monolithic), and one streamed
// PATCH then an empty PUT (what Regatta, skopeo and docker send: Distribution then reads the whole blob again to
// check its digest when the PUT closes the session, ~0.4 s per GiB here, which a single PUT hashes as it arrives).
// Also a plain GET to /dev/null, the source's read rate.
import { request } from 'undici';
import type { TestRegistry } from '../../test/support/registry.js';
import type { Command } from './tools.js';

/** Opens an upload session at `dst` for `repository`; returns the URL that finishes it with `digest`. */
export async function openUpload(dst: TestRegistry, repository: string, digest: string): Promise<string> {
  const res = await request(`${dst.url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await res.body.dump();
  const location = res.headers.location;
  if (res.statusCode !== 202 || typeof location !== 'string') throw new Error(`upload start → ${res.statusCode}`);
  const url = new URL(location, dst.url);
  url.searchParams.set('digest', digest);
  return url.toString();
}

const blobUrl = (src: TestRegistry, repository: string, digest: string) =>
  `${src.url}/v2/${repository}/blobs/${digest}`;

/** `curl GET | curl PUT`: fails when either side fails (pipefail), as the copy would. */
export function pipeCommand(src: TestRegistry, repository: string, digest: string, putUrl: string): Command {
  const script =
    'set -o pipefail; curl -sSf "$1" | curl -sSf -o /dev/null -T - -H "content-type: application/octet-stream" "$2"';
  return { cmd: 'bash', args: ['-c', script, 'raw-pipe', blobUrl(src, repository, digest), putUrl], env: process.env };
}

/** `curl GET | curl PATCH`, then `curl PUT ?digest=` on the Location the PATCH answered. */
export function patchCommand(src: TestRegistry, repository: string, digest: string, session: string): Command {
  const script = [
    'set -o pipefail',
    'headers=$(mktemp)',
    'trap \'rm -f "$headers"\' EXIT',
    'curl -sSf "$1" | curl -sSf -o /dev/null -D "$headers" -X PATCH -T - -H "content-type: application/octet-stream" "$2"',
    'next=$(grep -i "^location:" "$headers" | tr -d "\\r" | cut -d" " -f2)',
    'case "$next" in http*) ;; *) next="$3$next" ;; esac',
    'sep="?"; case "$next" in *\\?*) sep="&" ;; esac',
    'curl -sSf -o /dev/null -X PUT "$next""$sep""digest=$4"',
  ].join('\n');
  const origin = new URL(session).origin;
  return {
    cmd: 'bash',
    args: ['-c', script, 'raw-patch', blobUrl(src, repository, digest), session, origin, digest],
    env: process.env,
  };
}

/** An upload session at `dst` for `repository`, as opened (no digest yet: for PATCH). */
export async function openSession(dst: TestRegistry, repository: string): Promise<string> {
  const res = await request(`${dst.url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await res.body.dump();
  const location = res.headers.location;
  if (res.statusCode !== 202 || typeof location !== 'string') throw new Error(`upload start → ${res.statusCode}`);
  return new URL(location, dst.url).toString();
}

/** `curl GET > /dev/null`: how fast the source alone serves the blob. */
export function getCommand(src: TestRegistry, repository: string, digest: string): Command {
  return { cmd: 'curl', args: ['-sSf', '-o', '/dev/null', blobUrl(src, repository, digest)], env: process.env };
}

/** Size of `digest` in `repository` at `dst`, or undefined when it is not there. */
export async function blobSize(dst: TestRegistry, repository: string, digest: string): Promise<number | undefined> {
  const res = await request(blobUrl(dst, repository, digest), { method: 'HEAD' });
  await res.body.dump();
  return res.statusCode === 200 ? Number(res.headers['content-length']) : undefined;
}

/** The Docker-Content-Digest of a manifest at `dst`, read with a HEAD (the registry hashes what it stored). */
export async function manifestDigestAt(dst: TestRegistry, repository: string, tag: string): Promise<string> {
  const accept = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v2+json',
  ].join(', ');
  const res = await request(`${dst.url}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept } });
  await res.body.dump();
  return res.statusCode === 200 ? String(res.headers['docker-content-digest']) : `HTTP ${res.statusCode}`;
}
