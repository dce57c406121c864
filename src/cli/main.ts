// The `regatta` command line: thin commands over the client and engines. Exit code 0 on success, 1 on a
// failure (one line on stderr saying why), 2 on a usage error.
import { Command, CommanderError } from 'commander';
import { registerCopy } from './commands/copy.js';
import { registerInspect } from './commands/inspect.js';
import { registerInventory } from './commands/inventory.js';
import { registerList } from './commands/list.js';
import { registerRegistry } from './commands/registry.js';
import { registerServe } from './commands/serve.js';
import { registerSync } from './commands/sync.js';
import { describeError, ReportedError } from './output.js';

export function buildProgram(): Command {
  const program = new Command('regatta')
    .description('Keep container images in sync and safe across many registries')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerList(program);
  registerInspect(program);
  registerCopy(program);
  registerSync(program);
  registerServe(program);
  registerRegistry(program);
  registerInventory(program);
  return program;
}

/** Runs the CLI with `argv` (as process.argv); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
