// `regatta ls HOST` and `regatta tags HOST/REPO`: the catalog and the tag list, all pages.
import type { Command } from 'commander';
import { parseRepository } from '../../oci/reference.js';
import { connect } from '../connect.js';
import { print } from '../output.js';

interface ListFlags {
  creds?: string;
  insecure?: boolean;
  json?: boolean;
  limit?: string;
}

export function registerList(program: Command): void {
  program
    .command('ls')
    .description('list the repositories of a registry (its /v2/_catalog, every page)')
    .argument('<host>', 'registry, HOST[:PORT]')
    .option('--creds <user:password>', 'credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to a non-loopback registry')
    .option('--limit <n>', 'stop after n repositories')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  regatta ls 127.0.0.1:5000')
    .action(async (host: string, flags: ListFlags) => {
      const client = await connect(host, flags);
      try {
        const repositories = await client.catalogList({ limit: flags.limit ? Number(flags.limit) : undefined });
        print(flags, { registry: host, repositories }, () => repositories.join('\n'));
      } finally {
        await client.close();
      }
    });

  program
    .command('tags')
    .description('list the tags of a repository (every page)')
    .argument('<repository>', 'HOST[:PORT]/REPO')
    .option('--creds <user:password>', 'credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to a non-loopback registry')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  regatta tags 127.0.0.1:5000/library/alpine')
    .action(async (repository: string, flags: ListFlags) => {
      const repo = parseRepository(repository);
      const client = await connect(repo.registry, flags);
      try {
        const tags = await client.tagList(repo.repository);
        print(flags, { repository, tags }, () => tags.join('\n'));
      } finally {
        await client.close();
      }
    });
}
