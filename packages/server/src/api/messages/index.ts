/**
 * MediaWiki 1.39's English interface messages (mediawiki-1.39-en.json): what meta=allmessages lists
 * and where action=help and paraminfo take their texts. The wiki has no local changes to them.
 */
import data from './mediawiki-1.39-en.json' with { type: 'json' };

/** Every message by key, in MediaWiki's own order (per-value help lists follow it). */
export const MESSAGES: Readonly<Record<string, string>> = data.messages;

/** The keys in MediaWiki's order. */
export const MESSAGE_KEYS: readonly string[] = Object.keys(MESSAGES);
