// Pushes built images to a test registry with raw Distribution API requests (undici), independent of src/:
// blobs by monolithic upload (POST, then PUT to the Location with ?digest=), skipping blobs that exist, then
// manifests (children of an index first) with their Content-Type.
import { createReadStream } from 'node:fs';
import { request } from 'undici';
import type { BlobRef, BuiltImage, BuiltIndex } from './oci-builder.js';
import { authorization, type RegistryTarget } from './registry-auth.js';

type Auth = string | undefined;

function headers(auth: Auth, extra: Record<string, string> = {}): Record<string, string> {
  return auth ? { authorization: auth, ...extra } : extra;
}

async function fail(what: string, statusCode: number, body: { text(): Promise<string> }): Promise<never> {
  throw new Error(`${what} → ${statusCode}: ${await body.text()}`);
}

async function blobExists(target: RegistryTarget, repo: string, digest: string, auth: Auth): Promise<boolean> {
  const res = await request(`${target.url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers: headers(auth) });
  await res.body.dump();
  return res.statusCode === 200;
}

/** Starts an upload session; returns its absolute Location URL (built by the registry from our Host header). */
export async function startUpload(target: RegistryTarget, repo: string, auth: Auth): Promise<URL> {
  const res = await request(`${target.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: headers(auth) });
  if (res.statusCode !== 202) return fail(`POST /v2/${repo}/blobs/uploads/`, res.statusCode, res.body);
  await res.body.dump();
  const location = res.headers.location;
  if (typeof location !== 'string') throw new Error('upload start: no Location header');
  return new URL(location, target.url);
}

/** Uploads one blob (from `data` or streamed from `path`) unless the registry already has it. */
export async function pushBlob(target: RegistryTarget, repo: string, blob: BlobRef, auth: Auth): Promise<void> {
  if (await blobExists(target, repo, blob.digest, auth)) return;
  const url = await startUpload(target, repo, auth);
  url.searchParams.set('digest', blob.digest);
  const body = blob.data ?? (blob.path ? createReadStream(blob.path) : undefined);
  if (!body) throw new Error(`blob ${blob.digest} has neither data nor path`);
  const extra = { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) };
  const res = await request(url, { method: 'PUT', headers: headers(auth, extra), body });
  if (res.statusCode !== 201) return fail(`PUT blob ${blob.digest}`, res.statusCode, res.body);
  await res.body.dump();
}

/** PUTs a manifest under `reference` (tag or digest) and checks the digest the registry computed. */
export async function pushManifest(
  target: RegistryTarget,
  repo: string,
  reference: string,
  image: { mediaType: string; manifest: Buffer; digest: string },
  auth: Auth,
): Promise<void> {
  const res = await request(`${target.url}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: headers(auth, { 'content-type': image.mediaType }),
    body: image.manifest,
  });
  if (res.statusCode !== 201) return fail(`PUT manifest ${repo}:${reference}`, res.statusCode, res.body);
  await res.body.dump();
  const digest = res.headers['docker-content-digest'];
  if (digest !== image.digest) throw new Error(`manifest ${repo}:${reference}: registry says ${digest}`);
}

async function pushSingle(target: RegistryTarget, repo: string, ref: string, image: BuiltImage, auth: Auth) {
  for (const blob of image.blobs) await pushBlob(target, repo, blob, auth);
  await pushManifest(target, repo, ref, image, auth);
}

/** Pushes an image, or an index with all its children (by digest) first, and tags it `tag`. */
export async function pushImage(
  target: RegistryTarget,
  repo: string,
  tag: string,
  image: BuiltImage | BuiltIndex,
): Promise<void> {
  const auth = await authorization(target, repo, 'pull,push');
  if ('children' in image) {
    for (const child of image.children) await pushSingle(target, repo, child.digest, child, auth);
    await pushManifest(target, repo, tag, image, auth);
  } else {
    await pushSingle(target, repo, tag, image, auth);
  }
}
