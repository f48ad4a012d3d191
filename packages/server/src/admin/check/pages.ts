/** Files and their description pages, as the file repository keeps them. */
import { NS_FILE } from '../../title/namespaces.js';
import type { CheckContext } from './context.js';

/**
 * A current file has its page (publishing and undeleting make it); old versions belong to a current
 * file (deletion moves them all out together). A file page needs no file — editing makes such
 * pages, as in MediaWiki — unless an upload or an undeletion made it: a file leaves its page only
 * by deletion, and that removes the page too.
 */
export async function checkPages(cx: CheckContext): Promise<void> {
  const { db, problems } = cx;
  const pages = await db
    .selectFrom('pages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('namespace', '=', NS_FILE)
    .executeTakeFirst();
  cx.counts.filePages = Number(pages?.n ?? 0);

  const withoutPage = await db
    .selectFrom('images')
    .leftJoin('pages', (j) => j.onRef('pages.title', '=', 'images.name').on('pages.namespace', '=', NS_FILE))
    .select('images.name')
    .where('pages.id', 'is', null)
    .orderBy('images.name')
    .execute();
  for (const r of withoutPage) {
    problems.push({
      kind: 'file-without-page',
      subject: { table: 'images', name: r.name },
      message: 'no description page',
    });
  }

  const oldWithoutCurrent = await db
    .selectFrom('oldimages')
    .leftJoin('images', 'images.name', 'oldimages.name')
    .select('oldimages.name')
    .distinct()
    .where('images.name', 'is', null)
    .orderBy('oldimages.name')
    .execute();
  for (const r of oldWithoutCurrent) {
    problems.push({
      kind: 'old-version-without-file',
      subject: { table: 'oldimages', name: r.name },
      message: 'old versions of a file that has no current version',
    });
  }

  const pageWithoutFile = await db
    .selectFrom('pages')
    .leftJoin('images', 'images.name', 'pages.title')
    .select(['pages.id', 'pages.title'])
    .where('pages.namespace', '=', NS_FILE)
    .where('images.name', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('logging')
          .select('logging.id')
          .whereRef('logging.page_id', '=', 'pages.id')
          .where('logging.namespace', '=', NS_FILE)
          // The title too (pages are never moved here): the log's page index then finds the rows,
          // where the page id alone would read the log once per page.
          .whereRef('logging.title', '=', 'pages.title')
          .where((l) =>
            l.or([
              l('logging.type', '=', 'upload'),
              l.and([l('logging.type', '=', 'delete'), l('logging.action', '=', 'restore')]),
            ]),
          ),
      ),
    )
    .orderBy('pages.title')
    .execute();
  for (const r of pageWithoutFile) {
    problems.push({
      kind: 'page-without-file',
      subject: { table: 'pages', name: r.title, id: r.id },
      message: 'a file page made by an upload, without a current file',
    });
  }
}
