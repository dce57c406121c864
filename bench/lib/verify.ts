// Correctness checks after a timed run, with skopeo as the independent client: every target tag's raw manifest
// bytes must hash to the source tag's digest, so no timing of a broken or re-encoded copy is ever reported.
import pLimit from 'p-limit';
import { sha256Hex, skopeo, skopeoInspectRaw } from '../../test/support/skopeo.js';

/** sha256 of the raw manifest bytes at `ref` (`HOST/REPO:TAG`), as skopeo reads them. */
export async function manifestDigest(ref: string): Promise<string> {
  return sha256Hex(await skopeoInspectRaw(ref));
}

/** The tags of `HOST/REPO`, sorted. */
export async function listTags(repo: string): Promise<string[]> {
  const out = await skopeo(['list-tags', '--tls-verify=false', `docker://${repo}`]);
  const tags = (JSON.parse(out.toString()) as { Tags?: string[] | null }).Tags ?? [];
  return [...tags].sort();
}

/**
 * Checks that `dstRepo` (`HOST/REPO`) holds exactly the tags of `expected` and that each names the same manifest
 * digest; throws listing the first mismatches otherwise.
 */
export async function verifyRepository(dstRepo: string, expected: Map<string, string>, parallel = 2): Promise<void> {
  const want = [...expected.keys()].sort();
  const have = await listTags(dstRepo);
  if (have.join(',') !== want.join(',')) {
    const missing = want.filter((t) => !have.includes(t));
    const extra = have.filter((t) => !expected.has(t));
    throw new Error(
      `${dstRepo}: ${have.length} tags, expected ${want.length} (missing ${missing.slice(0, 5).join(' ') || '-'}, extra ${extra.slice(0, 5).join(' ') || '-'})`,
    );
  }
  const limit = pLimit(parallel);
  const wrong: string[] = [];
  await Promise.all(
    want.map((tag) =>
      limit(async () => {
        const digest = await manifestDigest(`${dstRepo}:${tag}`);
        if (digest !== expected.get(tag)) wrong.push(`${tag}: ${digest} ≠ ${expected.get(tag)}`);
      }),
    ),
  );
  if (wrong.length > 0) throw new Error(`${dstRepo}: ${wrong.length} tags differ from the source: ${wrong[0]}`);
}

/** Source digests of `tags` in `srcRepo`, read with skopeo. */
export async function sourceDigests(srcRepo: string, tags: string[], parallel = 2): Promise<Map<string, string>> {
  const limit = pLimit(parallel);
  const entries = await Promise.all(
    tags.map((tag) => limit(async () => [tag, await manifestDigest(`${srcRepo}:${tag}`)] as const)),
  );
  return new Map(entries);
}
