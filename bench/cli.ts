// `npm run bench:cli`: start-up of the `regatta` command as users meet it (bin/regatta.js over the built bundle):
// `--version`, `--help`, and `<command> --help` for every command, each a fresh process timed by GNU time (wall,
// peak RSS); min / median / max of --runs (default 10). Beside it, `node -e 0`, the floor any Node CLI stands on,
// and `skopeo --version`, the peer. Nothing touches the network. Builds first unless --no-build.
// Options: --runs N  --no-build
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COMMANDS } from '../src/cli/commands/index.js';
import { installKillHook, timed } from './lib/processes.js';
import { median } from './lib/report.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, 'no-build': { type: 'boolean' } } });
const runs = Number(values.runs);

async function main(): Promise<void> {
  installKillHook();
  const work = await mkdtemp(join(tmpdir(), 'regatta-bench-cli-'));
  try {
    const env = { ...process.env };
    if (!values['no-build'])
      await timed('npm', ['run', 'build:server', '--silent'], { env, cwd: ROOT, timeFile: join(work, 'b') });
    const bin = join(ROOT, 'bin', 'regatta.js');
    const cases: [string, string, string[]][] = [
      ['node -e 0', process.execPath, ['-e', '0']],
      ['skopeo --version', 'skopeo', ['--version']],
      ['regatta --version', process.execPath, [bin, '--version']],
      ['regatta --help', process.execPath, [bin, '--help']],
      ...COMMANDS.map((c): [string, string, string[]] => [
        `regatta ${c.name} --help`,
        process.execPath,
        [bin, c.name, '--help'],
      ]),
    ];
    console.log(`Node ${process.version}, ${runs} runs each: wall ms min / median / max, peak RSS MiB (median)`);
    for (const [name, cmd, args] of cases) {
      const ms: number[] = [];
      const rss: number[] = [];
      for (let i = 0; i < runs; i++) {
        const m = await timed(cmd, args, { env, timeFile: join(work, 't'), timeoutMs: 30_000 });
        ms.push(m.wallS * 1000);
        rss.push(m.maxRssKiB / 1024);
      }
      const [min, med, max] = [Math.min(...ms), median(ms), Math.max(...ms)].map((v) => v.toFixed(0).padStart(4));
      console.log(`${name.padEnd(28)} ${min} / ${med} / ${max} ms   ${median(rss).toFixed(0).padStart(4)} MiB`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
