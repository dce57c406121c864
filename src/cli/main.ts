// The `regatta` command line: thin commands over the client and engines. Exit code 0 on success, 1 on a
// failure (one line on stderr saying why), 2 on a usage error.
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { describeError, ReportedError } from './output.js';

/**
 * The program for `argv`: the command being run defined in full by its module, every other command as a name
 * and description only (what the top-level help and a usage error list). `completion` needs every option of
 * every command, so it loads them all. A copy thus never loads the server, nor a `--help` the engines.
 */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('regatta')
    .description('Keep container images in sync and safe across many registries')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError()
    .exitOverride();
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const entry = COMMANDS.find((c) => c.name === named || c.aliases?.includes(named ?? ''));
  const full = entry?.name === 'completion' ? COMMANDS : entry ? [entry] : [];
  // The modules first (one may define several commands: list.ts defines ls and tags), then a stub for each
  // command none of them defined. With no command named, only stubs: the help lists them in the table's order.
  for (const register of new Set(await Promise.all(full.map((c) => c.load())))) register(program);
  for (const c of COMMANDS) {
    if (program.commands.some((defined) => defined.name() === c.name)) continue;
    const stub = program.command(c.name).description(c.description);
    for (const alias of c.aliases ?? []) stub.alias(alias);
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
