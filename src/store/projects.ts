// Projects: the `project_id` of every API. New ones get 32 lowercase hex characters as the clouds make them,
// with a human name beside the id. Deleting one that still holds registries needs `force`, which takes its
// registries, inventory, rules, tasks, members' roles and keys with it (the foreign keys cascade).
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { RegattaError } from '../errors.js';
import type { Schema } from './schema.js';

export interface Project {
  id: string;
  name: string;
  created_at: Date;
  /** Registries it holds. */
  registries: number;
}

export class ProjectStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(name: string): Promise<Project> {
    const id = randomBytes(16).toString('hex');
    try {
      await this.db.insertInto('projects').values({ id, name }).execute();
    } catch (err) {
      throw uniqueName(err, name);
    }
    return (await this.get(id))!;
  }

  /** Every project, or only those with these ids; by name. */
  async list(ids?: readonly string[]): Promise<Project[]> {
    if (ids && ids.length === 0) return [];
    let q = this.db
      .selectFrom('projects as p')
      .select(['p.id', 'p.name', 'p.created_at'])
      .select((eb) =>
        eb
          .selectFrom('registries as r')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('r.project_id', '=', 'p.id')
          .as('registries'),
      )
      .orderBy('p.name');
    if (ids) q = q.where('p.id', 'in', ids);
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, registries: Number(r.registries ?? 0) }));
  }

  async get(id: string): Promise<Project | undefined> {
    return (await this.list([id]))[0];
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.selectFrom('projects').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async rename(id: string, name: string): Promise<Project> {
    try {
      const r = await this.db.updateTable('projects').set({ name }).where('id', '=', id).executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw new RegattaError('NOT_FOUND', `no project ${id}`);
    } catch (err) {
      throw uniqueName(err, name);
    }
    return (await this.get(id))!;
  }

  /** Deletes the project; refused (CONFLICT) while it holds registries, unless forced. */
  async delete(id: string, force: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const project = await trx.selectFrom('projects').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
      if (!project) throw new RegattaError('NOT_FOUND', `no project ${id}`);
      const held = await trx
        .selectFrom('registries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', id)
        .executeTakeFirstOrThrow();
      if (Number(held.n) > 0 && !force) {
        throw new RegattaError(
          'CONFLICT',
          `project ${id} still holds ${held.n} registries: delete them first, or delete with force`,
        );
      }
      // Rows that reference the project without a foreign key (the image inventory keeps no FK for speed).
      await trx.deleteFrom('images').where('project_id', '=', id).execute();
      await trx.deleteFrom('projects').where('id', '=', id).execute();
    });
  }
}

function uniqueName(err: unknown, name: string): unknown {
  if ((err as { code?: string }).code === '23505')
    return new RegattaError('CONFLICT', `a project named ${name} exists`);
  return err;
}
