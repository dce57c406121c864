// SWR's naming rules (seed 001, path parameters), checked in code so a refusal says which rule was broken:
// - organization (namespace): 1–64 characters, a lowercase letter first, a lowercase letter or digit last, only
//   lowercase letters, digits, `.`, `_` and `-`; no two of `.`/`_`/`-` side by side except `__`.
// - repository: 1–128 characters, a lowercase letter or digit first and last, only lowercase letters, digits, `.`,
//   `/`, `_` and `-`; the same adjacency rule with `/` among the separators. In a URL `$` stands for `/`.
import { invalidParameter } from './errors.js';

/** Runs of lowercase letters and digits joined by single separators (or `__`). */
const NAMESPACE = /^[a-z][a-z0-9]*(?:(?:[.-]|_{1,2})[a-z0-9]+)*$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[./-]|_{1,2})[a-z0-9]+)*$/;

/** Throws 400 SVCSTG.SWR.4000014 unless `name` is a valid SWR organization name. */
export function checkNamespace(name: string, what = 'namespace'): void {
  const why = namespaceProblem(name);
  if (why) throw invalidParameter(`${what} ${JSON.stringify(name)} ${why}`);
}

/** The repository path from its URL form (`$` for `/`); throws 400 unless it is a valid SWR repository name. */
export function repositoryFromUrl(param: string): string {
  const name = param.replaceAll('$', '/');
  const why = repositoryProblem(name);
  if (why) throw invalidParameter(`repository ${JSON.stringify(param)} ${why}`);
  return name;
}

function namespaceProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 64) return 'must be 1 to 64 characters long';
  if (!/^[a-z0-9._-]+$/.test(name)) return 'may contain only lowercase letters, digits, ".", "_" and "-"';
  if (!/^[a-z]/.test(name)) return 'must start with a lowercase letter';
  if (!/[a-z0-9]$/.test(name)) return 'must end with a lowercase letter or digit';
  if (!NAMESPACE.test(name)) return separatorProblem(name, '".", "_" and "-"');
  return undefined;
}

function repositoryProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 128) return 'must be 1 to 128 characters long';
  if (!/^[a-z0-9._/-]+$/.test(name))
    return 'may contain only lowercase letters, digits, ".", "/" (sent as "$"), "_" and "-"';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must start and end with a lowercase letter or digit';
  if (!REPOSITORY.test(name)) return separatorProblem(name, '".", "/", "_" and "-"');
  return undefined;
}

function separatorProblem(name: string, separators: string): string {
  return /_{3,}/.test(name)
    ? 'may not contain more than two consecutive underscores'
    : `may not have ${separators} next to each other (except "__")`;
}
