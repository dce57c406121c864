// A malware hash list or secret-rule feed brought up to date inside a generation being built: one file (URL or
// path, fetched conditionally) or every matching file of a local folder. Each file is checked before it is
// kept: a hash list must hold at least one `HASH;COMMENT` line, a rule file must parse as gitleaks TOML with
// at least one rule that compiles.
import { link, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RegattaError } from '../../errors.js';
import { parseSecretRules } from '../checks/secret-rules.js';
import { parseHashList } from '../malware.js';
import { isLocal, localFiles, localPath } from './fetch.js';
import { type FeedState, linkTree } from './generations.js';
import type { FeedContext, FeedResult } from './update.js';

const EXTENSION = { malware: ['.txt', '.csv'], rules: ['.toml'] } as const;

export async function updateFileFeed(ctx: FeedContext): Promise<FeedResult> {
  const { feed, prev } = ctx;
  const kind = feed.kind === 'rules' ? 'rules' : 'malware';
  await mkdir(ctx.dir, { recursive: true, mode: 0o700 });
  const folder = isLocal(feed.source) && (await stat(localPath(feed.source)).catch(() => undefined))?.isDirectory();
  const files = folder
    ? (await localFiles(localPath(feed.source), [...EXTENSION[kind]])).map((n) => join(localPath(feed.source), n))
    : [feed.source];
  if (files.length === 0) throw new RegattaError('VULNDB_INVALID', `${feed.source} holds no ${kind} files`);
  // One set of validators for the whole feed: a folder's are its files', joined.
  const prevTags = prev?.validators?.etag?.split('|');
  let changed = !prev || !ctx.prevDir || prevTags?.length !== files.length;
  const tags: string[] = [];
  for (const [i, file] of files.entries()) {
    const name = `${String(i).padStart(3, '0')}-${safeName(file, kind)}`;
    const dest = join(ctx.dir, name);
    const prevTag = changed ? undefined : prevTags?.[i];
    const got = await ctx.fetch(file, dest, validatorsOf(prevTag));
    if (got.status === 'missing') throw new RegattaError('VULNDB_FETCH_FAILED', `${file}: not found`);
    if (got.status === 'unchanged') {
      tags.push(prevTags?.[i] ?? '');
      continue;
    }
    changed = true;
    tags.push(tagOf(got.validators));
    countEntries(kind, await readFile(dest, 'utf8'), file);
  }
  if (!changed) {
    await linkTree(ctx.prevDir!, ctx.dir);
    return { state: { ...prev!, checkedAt: ctx.now }, status: 'unchanged' };
  }
  // Files that were unchanged in a changed feed come from the previous generation; the count is the whole feed's.
  await carryUnchanged(ctx, files.length);
  let records = 0;
  for (const name of await readdir(ctx.dir))
    records += countEntries(kind, await readFile(join(ctx.dir, name), 'utf8'), name);
  const state: FeedState = {
    name: feed.name,
    kind: feed.kind,
    source: feed.source,
    validators: { etag: tags.join('|') },
    records,
    fetchedAt: ctx.now,
    checkedAt: ctx.now,
  };
  return { state, status: 'updated' };
}

/** A file's validators as one string (`lm:` marks a Last-Modified date), and back. */
const tagOf = (v: { etag?: string; lastModified?: string }) => v.etag ?? (v.lastModified ? `lm:${v.lastModified}` : '');
function validatorsOf(tag: string | undefined) {
  if (!tag) return undefined;
  return tag.startsWith('lm:') ? { lastModified: tag.slice(3) } : { etag: tag };
}

function countEntries(kind: 'malware' | 'rules', text: string, file: string): number {
  if (kind === 'malware') {
    const n = parseHashList(text, basename(file)).size;
    if (n === 0) throw new RegattaError('VULNDB_INVALID', `${file}: no "HASH;COMMENT" line`);
    return n;
  }
  let rules: number;
  try {
    rules = parseSecretRules(text).rules.length;
  } catch (err) {
    throw new RegattaError('VULNDB_INVALID', `${file}: not a gitleaks rule file: ${(err as Error).message}`);
  }
  if (rules === 0) throw new RegattaError('VULNDB_INVALID', `${file}: no rule that compiles`);
  return rules;
}

/** A file name kept in the generation; the extension the loader looks for is kept. */
function safeName(source: string, kind: 'malware' | 'rules'): string {
  const stem =
    basename(source.replace(/[?#].*$/, ''))
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 80) || kind;
  if (kind === 'rules') return stem.endsWith('.toml') ? stem : `${stem}.toml`;
  return stem.endsWith('.txt') ? stem.replace(/\.txt$/, '.hashes.txt') : `${stem}.hashes.txt`;
}

async function carryUnchanged(ctx: FeedContext, count: number): Promise<void> {
  if (!ctx.prevDir) return;
  const have = new Set(await readdir(ctx.dir));
  for (const name of await readdir(ctx.prevDir).catch(() => [] as string[])) {
    const index = Number(name.slice(0, 3));
    if (!have.has(name) && index < count) await link(join(ctx.prevDir, name), join(ctx.dir, name));
  }
}
