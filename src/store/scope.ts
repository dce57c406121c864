// Project isolation, enforced here rather than in routes: every store function that reads or writes a caller's
// data takes a Scope and filters by it, so no route can forget to.
import { type RawBuilder, sql } from 'kysely';

/** Whose data a call may touch. `enterpriseProjectId` 'all_granted_eps' means every enterprise project. */
export interface Scope {
  projectId: string;
  enterpriseProjectId: string;
}

export const ALL_ENTERPRISE_PROJECTS = 'all_granted_eps';
export const DEFAULT_ENTERPRISE_PROJECT = '0';

/** The enterprise project a new row goes into: the caller's, or the default when it asked for all. */
export function writableEnterpriseProject(scope: Scope): string {
  return scope.enterpriseProjectId === ALL_ENTERPRISE_PROJECTS ? DEFAULT_ENTERPRISE_PROJECT : scope.enterpriseProjectId;
}

/** A where-condition restricting `table` (which has project_id and enterprise_project_id) to `scope`. */
export function inScope(scope: Scope, table: string): RawBuilder<boolean> {
  const project = sql`${sql.ref(`${table}.project_id`)} = ${scope.projectId}`;
  if (scope.enterpriseProjectId === ALL_ENTERPRISE_PROJECTS) return sql<boolean>`${project}`;
  return sql<boolean>`${project} and ${sql.ref(`${table}.enterprise_project_id`)} = ${scope.enterpriseProjectId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a UUID as the store's ids are: anything else names no row (and must not reach a uuid column). */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}
