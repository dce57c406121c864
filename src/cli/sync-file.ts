// `regatta sync -f rules.yaml`: the rules file, parsed with `yaml` and checked with zod before anything runs, so a
// typo fails at once with the file and the path inside it (`rules.yaml: rules[1].tags: …`), exit code 2.
//
//   defaults: { override: false, jobs: 8 }       # optional: every rule field but src/dst, plus jobs
//   rules:
//     - src: 127.0.0.1:5000/corpus               # HOST[:PORT]/NAMESPACE
//       dst: 127.0.0.1:5001/mirror
//       tags: '^v?\d+\.\d+'                      # optional, a regex matching the whole tag
//       repos: 'team/.*'                         # optional, on the path below the namespace
//       platform: linux/amd64                    # optional; default every platform
//       override: true                           # optional; default false
//       referrers: false                         # optional; default true (signatures, SBOMs travel along)
//       srcCreds: user:password                  # optional; default Docker config.json
//       destCreds: user:password
//       insecure: false
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { RegattaError } from '../oci/errors.js';

const RuleFields = {
  tags: z.string().optional(),
  repos: z.string().optional(),
  platform: z.string().optional(),
  override: z.boolean().optional(),
  referrers: z.boolean().optional(),
  srcCreds: z.string().optional(),
  destCreds: z.string().optional(),
  insecure: z.boolean().optional(),
};

const FileSchema = z.strictObject({
  defaults: z.strictObject({ ...RuleFields, jobs: z.number().int().positive().optional() }).optional(),
  rules: z.array(z.strictObject({ src: z.string(), dst: z.string(), ...RuleFields })).min(1),
});

type RuleFile = z.infer<typeof FileSchema>;
export type FileRule = RuleFile['rules'][number];

export interface LoadedRules {
  jobs?: number;
  /** Each rule with the defaults filled in. */
  rules: FileRule[];
}

/** Reads and validates `path`; every problem is a USAGE error naming the file and where in it. */
export async function loadRulesFile(path: string): Promise<LoadedRules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new RegattaError('USAGE', `${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError)
    throw new RegattaError('USAGE', `${path}: invalid YAML: ${yamlError.message.split('\n')[0]!.replace(/:$/, '')}`);
  const parsed = FileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RegattaError('USAGE', `${path}: ${formatPath(issue.path) || '(top level)'}: ${issue.message}`);
  }
  const { defaults = {}, rules } = parsed.data;
  const { jobs, ...ruleDefaults } = defaults;
  return { jobs, rules: rules.map((rule) => ({ ...ruleDefaults, ...stripUndefined(rule) })) };
}

/** `rules[0].dst`, as a reader looks for it in the file. */
export function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
