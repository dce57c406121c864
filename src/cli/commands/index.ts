// The commands of `regatta`, as the top-level help lists them, each with the module that defines it in full.
// `main.ts` loads only the module of the command being run (and every module for `completion`): `regatta
// --help` or `regatta copy …` then parse a fraction of the bundle (esbuild splits each module into its own
// chunk). `index.test.ts` checks this table against what the modules define, so the two cannot drift apart.
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  aliases?: string[];
  description: string;
  /** The module's register function (it may define several commands: serve defines serve and worker). */
  load: () => Promise<(program: Command) => void>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: 'ls',
    description: 'list the repositories of a registry (its /v2/_catalog, every page)',
    load: async () => (await import('./list.js')).registerList,
  },
  {
    name: 'tags',
    description: 'list the tags of a repository (every page)',
    load: async () => (await import('./list.js')).registerList,
  },
  {
    name: 'inspect',
    description: 'show an image or index: media type, digest, platforms, layers, config',
    load: async () => (await import('./inspect.js')).registerInspect,
  },
  {
    name: 'copy',
    aliases: ['cp'],
    description: 'copy an image or a whole index between registries, digest-identical',
    load: async () => (await import('./copy.js')).registerCopy,
  },
  {
    name: 'sync',
    description: 'copy every repository and tag under a namespace to another registry, or run a rules file',
    load: async () => (await import('./sync.js')).registerSync,
  },
  {
    name: 'verify',
    description: "check an image's cosign signatures against public keys or a keyless identity",
    load: async () => (await import('./verify.js')).registerVerify,
  },
  {
    name: 'scan',
    description: 'scan an image: packages, vulnerabilities, malicious files, unsafe settings, sensitive files',
    load: async () => (await import('./scan.js')).registerScan,
  },
  {
    name: 'registry',
    description: 'connected registries (on a running server)',
    load: async () => (await import('./registry.js')).registerRegistry,
  },
  {
    name: 'inventory',
    description: 'image inventory (on a running server)',
    load: async () => (await import('./inventory.js')).registerInventory,
  },
  {
    name: 'images',
    description: 'the image inventory (on a running server)',
    load: async () => (await import('./inventory.js')).registerInventory,
  },
  {
    name: 'rule',
    description: 'sync rules (on a running server)',
    load: async () => (await import('./rule.js')).registerRule,
  },
  {
    name: 'task',
    description: 'sync tasks (on a running server)',
    load: async () => (await import('./task.js')).registerTask,
  },
  {
    name: 'trust',
    description: 'keys and keyless identities the project trusts for image signatures (on a running server)',
    load: async () => (await import('./trust.js')).registerTrust,
  },
  {
    name: 'project',
    description: 'projects (on a running server)',
    load: async () => (await import('./project.js')).registerProject,
  },
  {
    name: 'user',
    description: 'people who sign in (on a running server; superadmin)',
    load: async () => (await import('./user.js')).registerUser,
  },
  {
    name: 'member',
    description: "a project's people and service accounts, with their roles (on a running server)",
    load: async () => (await import('./member.js')).registerMember,
  },
  {
    name: 'token',
    description: 'API tokens (on a running server)',
    load: async () => (await import('./credential.js')).registerCredentials,
  },
  {
    name: 'key',
    description: 'AK/SK key pairs for the Huawei and Alibaba SDKs (on a running server)',
    load: async () => (await import('./credential.js')).registerCredentials,
  },
  {
    name: 'login',
    description: 'sign in with a name and password (on a running server): keeps a session token for the commands',
    load: async () => (await import('./session.js')).registerSession,
  },
  {
    name: 'logout',
    description: 'sign out: revoke the session token and forget it (on a running server)',
    load: async () => (await import('./session.js')).registerSession,
  },
  {
    name: 'whoami',
    description: 'who the token is, with which role in which project (on a running server)',
    load: async () => (await import('./session.js')).registerSession,
  },
  {
    name: 'audit',
    description: 'the audit log (on a running server; project admin)',
    load: async () => (await import('./audit.js')).registerAudit,
  },
  {
    name: 'vulndb',
    description: 'the advisory database scans match against',
    load: async () => (await import('./vulndb.js')).registerVulndb,
  },
  {
    name: 'completion',
    description: 'print a shell completion script (bash, zsh)',
    load: async () => (await import('./completion.js')).registerCompletion,
  },
  {
    name: 'serve',
    description: 'run the API and the workers (embedded database under --data-dir, or PostgreSQL from DATABASE_URL)',
    load: async () => (await import('./serve.js')).registerServe,
  },
  {
    name: 'worker',
    description: 'run workers only: any number of them share one PostgreSQL (DATABASE_URL)',
    load: async () => (await import('./serve.js')).registerServe,
  },
];
