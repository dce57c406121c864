// The command table main.ts builds stubs from says what the command modules define: same names, aliases and
// descriptions, in full, for every command.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { COMMANDS } from './index.js';

test('the table matches the commands the modules define', async () => {
  const program = new Command('regatta');
  for (const register of new Set(await Promise.all(COMMANDS.map((c) => c.load())))) register(program);
  const defined = program.commands.map((c) => ({ name: c.name(), aliases: c.aliases(), description: c.description() }));
  const table = COMMANDS.map((c) => ({ name: c.name, aliases: c.aliases ?? [], description: c.description }));
  assert.deepEqual(
    [...defined].sort((a, b) => a.name.localeCompare(b.name)),
    [...table].sort((a, b) => a.name.localeCompare(b.name)),
  );
});
