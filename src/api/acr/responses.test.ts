// The ACR route's response schemas (documentation: the route sends with JSON.stringify) against what the actions
// build: every action has one, and every field a view makes is declared with its type, and nothing more.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncRuleRow } from '../../store/sync-rules.js';
import type { SyncTaskRow } from '../../store/sync-tasks.js';
import { ACR_ACTIONS, ACR_RESPONSES } from './index.js';
import { repositoryResponses, repositoryView } from './repositories.js';
import { ruleResponses } from './rules.js';
import { taskResponses } from './tasks.js';
import { ruleView, taskDetail, taskView } from './views.js';

type Schema = {
  type?: string;
  enum?: readonly unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
};

/** Where `value` and `schema` disagree: undeclared or missing fields, wrong types, values outside an enum. */
function mismatches(value: unknown, schema: Schema, at = '$'): string[] {
  const out: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} not in the enum`);
  switch (schema.type) {
    case 'string':
    case 'boolean':
      if (typeof value !== schema.type) out.push(`${at}: ${typeof value}, not ${schema.type}`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) out.push(`${at}: ${JSON.stringify(value)}, not an integer`);
      break;
    case 'array':
      if (!Array.isArray(value)) out.push(`${at}: not an array`);
      else out.push(...value.flatMap((v, i) => mismatches(v, schema.items ?? {}, `${at}[${i}]`)));
      break;
    case 'object': {
      const props = schema.properties ?? {};
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        if (props[k]) out.push(...mismatches(obj[k], props[k], `${at}.${k}`));
        else out.push(`${at}.${k}: not declared`);
      }
      for (const k of Object.keys(props)) if (!(k in obj)) out.push(`${at}.${k}: declared, never sent`);
      break;
    }
  }
  return out;
}

const fields = (properties: object): Schema => ({ type: 'object', properties: properties as Schema['properties'] });
const labels = (id: string) => ({ instanceId: `cri-${id}`, regionId: 'cn-a' });
const at = new Date('2024-05-01T00:00:00Z');

const rule = {
  rule_id: 'crsr-1',
  name: 'r',
  source_registry_id: 'a',
  source_namespace: 'corp',
  source_repository: null,
  repository_filter: null,
  tag_filter: '.*',
  target_registry_id: 'b',
  target_namespace: 'dst',
  target_repository: null,
  sync_trigger: 'PASSIVE',
  created_at: at,
  updated_at: at,
} as unknown as SyncRuleRow;

const task = {
  task_id: 'rst-1',
  batch_id: 'rsb-1',
  rule_id: null,
  sync_trigger: 'INITIATIVE',
  source_registry_id: 'a',
  source_namespace: 'corp',
  source_repository: 'app',
  source_tag: '1.0',
  target_registry_id: 'b',
  target_namespace: 'dst',
  target_repository: 'app',
  target_tag: '1.0',
  status: 'SYNCHRONIZING',
  issue: null,
  issue_detail: null,
  retrying: null,
  total_size: 100,
  synced_size: 40,
  layers: [{ digest: 'sha256:00', size: 100, synced: 40, status: 'SYNCHRONIZING' }],
  created_at: at,
  updated_at: at,
} as unknown as SyncTaskRow;

test('every ACR action has a response schema, and no schema names an action that is not served', () => {
  assert.deepEqual(Object.keys(ACR_RESPONSES).sort(), [...ACR_ACTIONS].sort());
});

test('the response schemas declare every field the views send, with its type', () => {
  const page = { PageNo: 1, PageSize: 30 };
  const ruleOf = (uuid: string | null) => (uuid ? 'crsr-1' : '');
  const cases: [string, Record<string, unknown>, Record<string, object>][] = [
    ['CreateRepoSyncRule', { SyncRuleId: 'crsr-1' }, ruleResponses],
    ['ListRepoSyncRule', { ...page, TotalCount: 1, SyncRules: [ruleView(rule, labels, 'a')] }, ruleResponses],
    ['DeleteRepoSyncRule', {}, ruleResponses],
    ['CreateRepoSyncTask', { SyncTaskId: 'rst-1' }, taskResponses],
    ['CreateRepoSyncTaskByRule', { SyncTaskId: 'rst-1' }, taskResponses],
    ['GetRepoSyncTask', taskDetail(task, labels, ruleOf), taskResponses],
    ['CancelRepoSyncTask', {}, taskResponses],
    ['ListRepoSyncTask', { ...page, TotalCount: '1', SyncTasks: [taskView(task, labels, ruleOf)] }, taskResponses],
  ];
  const registry = { id: 'a', instance_id: 'cri-a' } as Parameters<typeof repositoryView>[0];
  const repo = repositoryView(registry, { namespace: 'corp', name: 'app', tags: 2, updated: at.getTime() });
  cases.push(['ListRepository', { ...page, TotalCount: '1', Repositories: [repo] }, repositoryResponses]);
  cases.push(['GetRepository', repo, repositoryResponses]);
  assert.deepEqual(cases.map(([action]) => action).sort(), [...ACR_ACTIONS].sort(), 'a case per action');
  for (const [action, body, responses] of cases) {
    assert.deepEqual(mismatches(body, fields(responses[action]!)), [], action);
  }
});
