/** The MediaWiki release whose Action API this server speaks, and our own version. */
export const MW_VERSION = '1.39.17';
export const MWUP_VERSION = '0.1.0';
/** What meta=siteinfo reports as `generator` (clients parse the MediaWiki version out of it). */
export const GENERATOR = `MediaWiki ${MW_VERSION} (mwup ${MWUP_VERSION})`;
