// The image inventory, written by inventory syncs: one row per tag (HSS RegistryImagesInfo) and one row per
// platform of a multi-arch tag (association_images). Reads for the API are in images-query.ts.
import type { Insertable, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Schema } from './schema.js';
import { inScope, type Scope } from './scope.js';

export type ImageInsert = Omit<Insertable<Schema['images']>, 'id'>;
/** One platform image of a multi-arch tag, as scans see it. */
export interface PlatformOfIndex {
  digest: string;
  /** os/architecture[/variant] */
  label: string;
  scannable: boolean;
}

export type PlatformInsert = Omit<Insertable<Schema['image_platforms']>, 'id' | 'image_row_id'>;

/** One repository of one registry: the unit a sync writes. */
export interface RepositoryKey {
  registryId: string;
  namespace: string;
  imageName: string;
}

export class ImageStore {
  constructor(private readonly db: Kysely<Schema>) {}

  /** True when the inventory of `registryId` holds a tag under `namespace` (and in `repository`, when given). */
  async holds(scope: Scope, registryId: string, namespace: string, repository?: string): Promise<boolean> {
    let q = this.db
      .selectFrom('images')
      .select('id')
      .where(inScope(scope, 'images'))
      .where('registry_id', '=', registryId)
      .where('namespace', '=', namespace);
    if (repository !== undefined) q = q.where('image_name', '=', repository);
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  }

  /** Tag → digest of the rows a repository has now: an unchanged tag then costs the sync one HEAD. */
  async digests(repo: RepositoryKey): Promise<Map<string, { id: number; digest: string }>> {
    const rows = await this.db
      .selectFrom('images')
      .select(['id', 'image_version', 'image_digest'])
      .where('registry_id', '=', repo.registryId)
      .where('namespace', '=', repo.namespace)
      .where('image_name', '=', repo.imageName)
      .execute();
    return new Map(rows.map((r) => [r.image_version, { id: Number(r.id), digest: r.image_digest }]));
  }

  /** Inserts or replaces a tag's row and its platform rows. */
  async upsert(image: ImageInsert, platforms: PlatformInsert[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('images')
        .values(image)
        .onConflict((oc) =>
          oc.columns(['registry_id', 'namespace', 'image_name', 'image_version']).doUpdateSet({
            image_digest: image.image_digest,
            image_id: image.image_id,
            media_type: image.media_type,
            image_size: image.image_size,
            is_multiple_arch: image.is_multiple_arch,
            scannable: image.scannable ?? true,
            unscannable_reason: image.unscannable_reason ?? null,
            subject_digest: image.subject_digest ?? null,
            referrer_kinds: image.referrer_kinds ?? null,
            latest_update_time: image.latest_update_time,
            latest_sync_time: image.latest_sync_time,
            // A new digest is a new image: its old scan no longer applies.
            scan_status: image.scan_status ?? 'unscan',
            scan_failed_code: image.scan_failed_code ?? null,
            latest_scan_time: null,
            vul_num: 0,
            unsafe_setting_num: 0,
            malicious_file_num: 0,
            severity_level: null,
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.deleteFrom('image_platforms').where('image_row_id', '=', id).execute();
      if (platforms.length > 0) {
        await trx
          .insertInto('image_platforms')
          .values(platforms.map((p) => ({ ...p, image_row_id: id })))
          .execute();
      }
    });
  }

  /** Marks unchanged rows as seen by this sync. */
  async touch(ids: number[], syncTime: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('images').set({ latest_sync_time: syncTime }).where('id', 'in', ids).execute();
  }

  /** Deletes the repository's rows for tags that are gone, then flags its newest tag as latest_version. */
  async finishRepository(repo: RepositoryKey, tags: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      let gone = trx
        .deleteFrom('images')
        .where('registry_id', '=', repo.registryId)
        .where('namespace', '=', repo.namespace)
        .where('image_name', '=', repo.imageName);
      if (tags.length > 0) gone = gone.where('image_version', 'not in', tags);
      await gone.execute();
      // The newest tag by update time (then by name, for ties) is the repository's latest version.
      await sql`
        update images set latest_version = (id = (
          select id from images
          where registry_id = ${repo.registryId} and namespace = ${repo.namespace} and image_name = ${repo.imageName}
          order by latest_update_time desc, image_version desc limit 1))
        where registry_id = ${repo.registryId} and namespace = ${repo.namespace} and image_name = ${repo.imageName}`.execute(
        trx,
      );
    });
  }

  /** Deletes rows of repositories the registry no longer lists (not seen since `syncStart`); returns the row count left. */
  async finishRegistry(registryId: string, syncStart: number): Promise<number> {
    await this.db
      .deleteFrom('images')
      .where('registry_id', '=', registryId)
      .where('latest_sync_time', '<', syncStart)
      .execute();
    const row = await this.db
      .selectFrom('images')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('registry_id', '=', registryId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * The repositories a registry holds in the inventory (ACR ListRepository), by namespace then name, with their tag
   * count and newest update. Served by the (registry_id, namespace, image_name, image_version) unique index.
   */
  async repositories(
    scope: Scope,
    registryId: string,
    f: { namespace?: string; name?: string; offset?: number; limit?: number } = {},
  ): Promise<{ total: number; rows: InventoryRepository[] }> {
    let q = this.db.selectFrom('images').where(inScope(scope, 'images')).where('registry_id', '=', registryId);
    if (f.namespace !== undefined) q = q.where('namespace', '=', f.namespace);
    if (f.name !== undefined) q = q.where('image_name', '=', f.name);
    const grouped = q
      .select((eb) => [
        'namespace',
        'image_name',
        eb.fn.countAll<number>().as('tags'),
        eb.fn.max('latest_update_time').as('updated'),
      ])
      .groupBy(['namespace', 'image_name']);
    const { total } = await this.db
      .selectFrom(grouped.as('r'))
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const rows = await grouped
      .orderBy('namespace')
      .orderBy('image_name')
      .offset(f.offset ?? 0)
      .limit(f.limit ?? 100)
      .execute();
    return {
      total: Number(total),
      rows: rows.map((r) => ({
        namespace: r.namespace,
        name: r.image_name,
        tags: Number(r.tags),
        updated: Number(r.updated),
      })),
    };
  }
  /**
   * Every tag of a registry the caller holds, as the last crawl saw it: full repository path, tag, digest. The
   * drift view compares a rule's source and target with these, without asking the registries.
   */
  async tagsOfRegistry(scope: Scope, registryId: string): Promise<{ path: string; tag: string; digest: string }[]> {
    const rows = await this.db
      .selectFrom('images')
      .select(['namespace', 'image_name', 'image_version', 'image_digest'])
      .where(inScope(scope, 'images'))
      .where('registry_id', '=', registryId)
      .execute();
    return rows.map((r) => ({
      path: r.namespace ? `${r.namespace}/${r.image_name}` : r.image_name,
      tag: r.image_version,
      digest: r.image_digest,
    }));
  }

  /**
   * The platforms of the multi-arch tags whose index has one of `digests`: index digest → its platform images
   * (digest, platform label, whether the scanner can read it), as the last crawl described them.
   */
  async platformsOfIndexes(digests: readonly string[]): Promise<Map<string, PlatformOfIndex[]>> {
    const out = new Map<string, PlatformOfIndex[]>();
    if (digests.length === 0) return out;
    const rows = await this.db
      .selectFrom('images as i')
      .innerJoin('image_platforms as p', 'p.image_row_id', 'i.id')
      .select([
        'i.image_digest as index',
        'p.image_digest as digest',
        'p.scannable',
        'p.os',
        'p.architecture',
        'p.variant',
      ])
      .where('i.image_digest', 'in', [...new Set(digests)])
      .where('i.is_multiple_arch', '=', true)
      .distinctOn(['i.image_digest', 'p.image_digest'])
      .orderBy('i.image_digest')
      .orderBy('p.image_digest')
      .execute();
    for (const r of rows) {
      const label = [r.os, r.architecture, r.variant].filter(Boolean).join('/');
      out.set(r.index, [...(out.get(r.index) ?? []), { digest: r.digest, label, scannable: r.scannable }]);
    }
    return out;
  }

  /** Digests of the multi-arch tags that hold the platform image `digest`. */
  async indexesOf(digest: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('image_platforms as p')
      .innerJoin('images as i', 'i.id', 'p.image_row_id')
      .select('i.image_digest')
      .distinct()
      .where('p.image_digest', '=', digest)
      .execute();
    return rows.map((r) => r.image_digest);
  }

  /** Those of `digests` whose rows are all unscannable (artifacts, oversized images): never queued. */
  async unscannable(digests: readonly string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('images')
      .select('image_digest')
      .where('image_digest', 'in', [...new Set(digests)])
      .groupBy('image_digest')
      .having((eb) => eb.fn('bool_or', [eb.ref('scannable')]), '=', false)
      .execute();
    return new Set(rows.map((r) => r.image_digest));
  }

  /**
   * The caller's image row an HSS per-image call names: by Docker image id (`image_id`), narrowed by namespace,
   * name and tag when given (one image id can stand in several repositories), else by the row's numeric id.
   */
  async findRow(scope: Scope, imageId: string, f: { namespace?: string; image_name?: string; tag_name?: string } = {}) {
    let q = this.db
      .selectFrom('images')
      .select(['id', 'image_digest', 'image_id', 'namespace', 'image_name', 'image_version', 'scan_status'])
      .where(inScope(scope, 'images'));
    q = /^\d{1,15}$/.test(imageId)
      ? q.where((eb) => eb.or([eb('image_id', '=', imageId), eb('id', '=', Number(imageId))]))
      : q.where('image_id', '=', imageId);
    if (f.namespace !== undefined) q = q.where('namespace', '=', f.namespace);
    if (f.image_name !== undefined) q = q.where('image_name', '=', f.image_name);
    if (f.tag_name !== undefined) q = q.where('image_version', '=', f.tag_name);
    return (await q.orderBy('id').limit(1).executeTakeFirst()) ?? this.findPlatform(scope, imageId, f);
  }

  /**
   * A platform image of one of the caller's multi-arch tags, named by its image id (config digest hex) or its
   * digest: the scan detail APIs show that platform's own findings. The row is the tag's, the digest the platform's.
   */
  private async findPlatform(
    scope: Scope,
    imageId: string,
    f: { namespace?: string; image_name?: string; tag_name?: string },
  ) {
    let q = this.db
      .selectFrom('image_platforms as p')
      .innerJoin('images', 'images.id', 'p.image_row_id')
      .select(['images.id', 'p.image_digest', 'p.image_id', 'images.namespace', 'images.image_name'])
      .select(['images.image_version', 'images.scan_status'])
      .where(inScope(scope, 'images'))
      .where((eb) => eb.or([eb('p.image_id', '=', imageId), eb('p.image_digest', '=', imageId)]));
    if (f.namespace !== undefined) q = q.where('images.namespace', '=', f.namespace);
    if (f.image_name !== undefined) q = q.where('images.image_name', '=', f.image_name);
    if (f.tag_name !== undefined) q = q.where('images.image_version', '=', f.tag_name);
    return q.orderBy('images.id').limit(1).executeTakeFirst();
  }

  /**
   * One image row of the caller matching every field given (CreateManualImageScanTask's image_info, BatchScan's
   * image_info_list), as a scan target; undefined when none does.
   */
  async scanTargetOf(
    scope: Scope,
    f: {
      id?: number;
      image_id?: string;
      image_digest?: string;
      registry_id?: string;
      namespace?: string;
      image_name?: string;
      image_version?: string;
    },
  ) {
    return this.db
      .selectFrom('images')
      .select(['image_digest', 'registry_id', 'namespace', 'image_name'])
      .where(inScope(scope, 'images'))
      .$if(f.id !== undefined, (q) => q.where('id', '=', f.id!))
      .$if(f.image_id !== undefined, (q) => q.where('image_id', '=', f.image_id!))
      .$if(f.image_digest !== undefined, (q) => q.where('image_digest', '=', f.image_digest!))
      .$if(f.registry_id !== undefined, (q) => q.where('registry_id', '=', f.registry_id!))
      .$if(f.namespace !== undefined, (q) => q.where('namespace', '=', f.namespace!))
      .$if(f.image_name !== undefined, (q) => q.where('image_name', '=', f.image_name!))
      .$if(f.image_version !== undefined, (q) => q.where('image_version', '=', f.image_version!))
      .limit(1)
      .executeTakeFirst();
  }

  /** Rows of a registry never scanned (scan_status unscan): one per digest, with where to pull it from. */
  async unscanned(registryId: string, max = 100_000) {
    return this.db
      .selectFrom('images')
      .select(['image_digest', 'registry_id', 'namespace', 'image_name'])
      .where('registry_id', '=', registryId)
      .where('scan_status', '=', 'unscan')
      .where('scannable', '=', true)
      .distinctOn('image_digest')
      .orderBy('image_digest')
      .limit(max)
      .execute();
  }
}

export interface InventoryRepository {
  namespace: string;
  name: string;
  tags: number;
  /** Newest latest_update_time of its tags (ms). */
  updated: number;
}
