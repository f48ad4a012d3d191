/**
 * What a new wiki gets on its first start, as MediaWiki's installer makes it: the first
 * administrator (with a bot password, printed once) and the Main Page, written by the system user
 * "MediaWiki default" with the installer's English text.
 */
import type { Services } from '../api/services.js';
import { generatePassword } from '../auth/password.js';
import { isoNow } from '../util/timestamp.js';

export interface BootstrapInfo {
  admin: string;
  password: string | null;
  botName: string;
  botPassword: string;
}

/** What a bot password may do unless told otherwise: read, edit and upload (the admin CLI's default). */
export const UPLOAD_GRANTS = [
  'basic',
  'highvolume',
  'editpage',
  'createeditmovepage',
  'uploadfile',
  'uploadeditmovefile',
];

/** Grants of the bot password created for the first administrator: uploads, deletion, the watchlist. */
export const BOOTSTRAP_GRANTS = [...UPLOAD_GRANTS, 'delete', 'viewmywatchlist', 'editmywatchlist'];

/** The installer's Main Page text (`mainpagetext` and `mainpagedocfooter` of MediaWiki 1.39). */
const MAIN_PAGE_TEXT =
  "<strong>MediaWiki has been installed.</strong>\n\nConsult the [https://www.mediawiki.org/wiki/Special:MyLanguage/Help:Contents User's Guide] for information on using the wiki software.\n\n== Getting started ==\n* [https://www.mediawiki.org/wiki/Special:MyLanguage/Manual:Configuration_settings Configuration settings list]\n* [https://www.mediawiki.org/wiki/Special:MyLanguage/Manual:FAQ MediaWiki FAQ]\n* [https://lists.wikimedia.org/postorius/lists/mediawiki-announce.lists.wikimedia.org/ MediaWiki release mailing list]\n* [https://www.mediawiki.org/wiki/Special:MyLanguage/Localisation#Translation_resources Localise MediaWiki for your language]\n* [https://www.mediawiki.org/wiki/Special:MyLanguage/Manual:Combating_spam Learn how to combat spam on your wiki]";

/** Create the first administrator and the Main Page when the wiki has no users. */
export async function bootstrap(services: Services): Promise<BootstrapInfo | null> {
  const { users, config } = services;
  if ((await users.count()) > 0) return null;
  const password = config.admin.password ?? generatePassword(20);
  let admin: Awaited<ReturnType<typeof users.create>>;
  try {
    admin = await users.create(config.admin.name, password, ['sysop', 'bureaucrat', 'interface-admin']);
  } catch (e) {
    // Another process on the same database created it first (SQLite has no start-up lock).
    if ((await users.count()) > 0) return null;
    throw e;
  }
  const botPassword = await users.createBotPassword(admin.id, 'bot', BOOTSTRAP_GRANTS);
  const system = await users.create('MediaWiki default', null);
  await services.pages.save({
    ns: 0,
    dbKey: 'Main_Page',
    text: MAIN_PAGE_TEXT,
    comment: '',
    actor: { id: system.id, name: system.name },
    timestamp: isoNow(),
    tags: [],
  });
  return {
    admin: admin.name,
    password: config.admin.password ? null : password,
    botName: `${admin.name}@bot`,
    botPassword,
  };
}
