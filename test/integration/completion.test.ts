// Shell completion, run by bash itself: the script `regatta completion bash` prints is sourced, bash's completion
// variables are set as for a user who typed `regatta rule <TAB>` and `regatta scan --f<TAB>`, and the function
// offers the program's own subcommands and options.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { runCli } from './cli.js';

function complete(script: string, words: string[]): string[] {
  const setup = `COMP_WORDS=(${words.map((w) => `"${w}"`).join(' ')}); COMP_CWORD=${words.length - 1}; _regatta; echo "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', `${script}\n${setup}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split(/\s+/).filter(Boolean).sort();
}

test('bash completes commands, subcommands and options from the program itself', async () => {
  const r = await runCli(['completion', 'bash']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /complete -F _regatta regatta/);
  assert.deepEqual(complete(r.stdout, ['regatta', 'rule', '']), ['add', 'ls', 'prune', 'rm', 'run']);
  assert.deepEqual(complete(r.stdout, ['regatta', 'scan', '--f']), ['--fail-on']);
  assert.deepEqual(complete(r.stdout, ['regatta', 'member', '']), ['add', 'add-service', 'ls', 'rm', 'set']);
  assert.deepEqual(complete(r.stdout, ['regatta', 'token', 'create', '--a']), ['--all-projects']);
  assert.ok(complete(r.stdout, ['regatta', 's']).includes('serve'), 'serve is offered too');
  const zsh = await runCli(['completion', 'zsh']);
  assert.match(zsh.stdout, /^autoload -U \+X bashcompinit/);
  const bad = await runCli(['completion', 'fish']);
  assert.equal(bad.code, 2);
});
