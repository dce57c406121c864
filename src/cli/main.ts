// The `regatta` command line: thin commands over the client and engines. Exit code 0 on success, 1 on a
// failure (one line on stderr saying why), 2 on a usage error.
import { Command, CommanderError } from 'commander';
import { registerCompletion } from './commands/completion.js';
import { registerCopy } from './commands/copy.js';
import { registerInspect } from './commands/inspect.js';
import { registerInventory } from './commands/inventory.js';
import { registerList } from './commands/list.js';
import { registerRegistry } from './commands/registry.js';
import { registerRule } from './commands/rule.js';
import { registerScan } from './commands/scan.js';
import { registerSync } from './commands/sync.js';
import { registerTask } from './commands/task.js';
import { registerVulndb } from './commands/vulndb.js';
import { describeError, ReportedError } from './output.js';

/**
 * The program with every command. `serve` brings the server along (Fastify, PostgreSQL, the job queue), whose
 * start-up a copy or sync would pay on every run (~0.15 s): its module is loaded only when `argv` may run it
 * (`serve`, help, or no known command).
 */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('regatta')
    .description('Keep container images in sync and safe across many registries')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerList(program);
  registerInspect(program);
  registerCopy(program);
  registerSync(program);
  registerScan(program);
  registerRegistry(program);
  registerInventory(program);
  registerRule(program);
  registerTask(program);
  registerVulndb(program);
  registerCompletion(program);
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const others = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  // completion lists serve and worker too.
  if (named === undefined || named === 'completion' || !others.has(named)) {
    (await import('./commands/serve.js')).registerServe(program);
  }
  return program;
}

/** Runs the CLI with `argv` (as process.argv); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const { code, message } = describeError(err);
    const json = argv.includes('--json');
    if (json && !(err instanceof ReportedError))
      process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    process.stderr.write(`regatta: ${code}: ${message}\n`);
    return code === 'USAGE' ? 2 : 1;
  }
}
