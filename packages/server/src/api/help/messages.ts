/** MediaWiki's English API help messages (messages-en.json), with their $n parameters filled. */
import messagesData from './messages-en.json' with { type: 'json' };
import { fillMessage } from './wikitext.js';

const MESSAGES: Readonly<Record<string, string>> = messagesData.messages;

/** The message `key` with `params` filled in, or undefined when MediaWiki has no such message. */
export function helpMessage(key: string, params: readonly (string | number)[] = []): string | undefined {
  const t = MESSAGES[key];
  return t === undefined ? undefined : fillMessage(t, params);
}
