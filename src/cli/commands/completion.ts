// `regatta completion bash|zsh`: a completion script for the shell, made from the program's own commands and
// options (so it never drifts from them). Install: `source <(regatta completion bash)` in ~/.bashrc, or for zsh
// `source <(regatta completion zsh)` in ~/.zshrc (it uses zsh's bash completion emulation).
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';

/** Words that may follow each command path: its subcommands and long options. */
export function completionTable(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const walk = (cmd: Command, path: string) => {
    const words = [...cmd.commands.map((c) => c.name()), ...cmd.options.map((o) => o.long ?? '').filter(Boolean)];
    table.set(path, words);
    for (const sub of cmd.commands) walk(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  walk(program, '');
  return table;
}

function bashScript(program: Command): string {
  const cases = [...completionTable(program)]
    .map(([path, words]) => `    "${path}") words="${words.join(' ')}" ;;`)
    .join('\n');
  return `# regatta completion for bash (and zsh through bashcompinit)
_regatta() {
  local cur path="" i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) path="\${path:+$path }\${COMP_WORDS[i]}" ;; esac
  done
  local words=""
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _regatta regatta
`;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh)')
    .argument('<shell>', 'bash or zsh')
    .addHelpText(
      'after',
      '\nExamples:\n  source <(regatta completion bash)\n  regatta completion zsh > ~/.zsh/regatta.zsh',
    )
    .action((shell: string) => {
      if (shell === 'bash') process.stdout.write(bashScript(program));
      else if (shell === 'zsh')
        process.stdout.write(`autoload -U +X bashcompinit && bashcompinit\n${bashScript(program)}`);
      else throw new RegattaError('USAGE', `no completion for ${shell}: bash or zsh`);
    });
}
