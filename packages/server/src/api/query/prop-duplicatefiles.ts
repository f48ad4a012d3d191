/** prop=duplicatefiles: the other current files with the same bytes (SHA-1) as each file page. */
import { MwError } from '../../errors.js';
import { NS_FILE } from '../../files/repo.js';
import type { ForeignFile } from '../../upload/foreign/group.js';
import { helpUrl } from '../module.js';
import { defineQueryModule } from './submodule.js';

export const propDuplicatefiles = defineQueryModule({
  name: 'duplicatefiles',
  kind: 'prop',
  prefix: 'df',
  doc: { classname: 'ApiQueryDuplicateFiles', helpurls: [helpUrl('Duplicatefiles')], generator: true },
  params: {
    limit: { type: 'limit', default: 10, max: 500, highMax: 5000 },
    continue: { type: 'string' },
    dir: { type: 'enum', values: ['ascending', 'descending'], default: 'ascending' },
    localonly: { type: 'boolean' },
  },
  async execute(q, p) {
    const { ctx } = q;
    const files = ctx.services.files;
    const asc = p.dir === 'ascending';
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0) * (asc ? 1 : -1);
    let from: [string, string] | undefined;
    if (p.continue !== undefined) {
      const parts = p.continue.split('|');
      if (parts.length !== 2)
        throw new MwError(
          'badcontinue',
          'Invalid continue param. You should pass the original value returned by the previous query.',
        );
      from = [parts[0]!, parts[1]!];
    }
    const pages = q.pages.real.filter((pg) => pg.ns === NS_FILE).sort((a, b) => order(a.dbKey, b.dbKey));
    const foreign = p.localonly ? null : ctx.services.foreign;
    let count = 0;
    for (const page of pages) {
      if (from && order(page.dbKey, from[0]) < 0) continue;
      const file = await files.current(page.dbKey);
      // RepoGroup::findFiles: a name no local file has may be a shared repository's file.
      const shared = file || !foreign?.any ? null : await foreign.findFile(page.dbKey);
      const sha1 = file?.sha1 ?? shared?.info.sha1;
      if (sha1 === undefined) continue;
      if (shared && page.pageId === null) ctx.flag(page.data, 'known', true);
      const dupes: { name: string; shared?: ForeignFile }[] = (await files.namesBySha1(sha1))
        .filter((n) => n !== page.dbKey)
        .map((name) => ({ name }));
      if (foreign?.any) {
        // The local files and each repository's, by name (RepoGroup::findBySha1s).
        dupes.push(...(await foreign.findBySha1(sha1)).map((f) => ({ name: f.name, shared: f })));
      }
      dupes.sort((a, b) => order(a.name, b.name));
      const list: Record<string, unknown>[] = [];
      for (const { name, shared: dupeShared } of dupes) {
        if (from && page.dbKey === from[0] && order(name, from[1]) < 0) continue;
        if (count >= p.limit) {
          q.continuation.dfcontinue = `${page.dbKey}|${name}`;
          q.propIncomplete = true;
          break;
        }
        if (dupeShared) {
          const o: Record<string, unknown> = { name, timestamp: dupeShared.info.timestamp ?? '' };
          ctx.flag(o, 'shared', true);
          if (typeof dupeShared.info.user === 'string') o.user = `${dupeShared.repo}>${dupeShared.info.user}`;
          list.push(o);
          count++;
          continue;
        }
        const dupe = await files.current(name);
        if (!dupe) continue;
        const o: Record<string, unknown> = { name, timestamp: dupe.timestamp };
        ctx.flag(o, 'shared', false);
        o.user = dupe.userText;
        list.push(o);
        count++;
      }
      if (list.length) page.data.duplicatefiles = list;
      if (q.propIncomplete) break;
    }
  },
});
