/**
 * meta=allmessages: MediaWiki's interface messages. The wiki has no local changes to them and speaks
 * English, so every message is MediaWiki 1.39's English default.
 */

import { fillMessage } from '../../help/wikitext.js';
import { MESSAGE_KEYS, MESSAGES } from '../../messages/index.js';
import { helpUrl } from '../../module.js';
import { defineQueryModule } from '../submodule.js';

const ALL_NAMES = [...MESSAGE_KEYS].sort();

/** MediaWiki's message key for a name: spaces as underscores, first letter lower-cased. */
const normalize = (name: string) => {
  const k = name.replace(/ /g, '_');
  return k.charAt(0).toLowerCase() + k.slice(1);
};

/**
 * A message as MediaWiki's `amenableparser` gives it (Message::text()): {{PLURAL:…}} chosen, and
 * character references such as `&#32;` decoded.
 */
function transformed(text: string): string {
  return decodeCharReferences(fillMessage(text, []));
}

/** `&#32;` (the separators' spaces) decoded, as MediaWiki's message cache hands messages out. */
function decodeCharReferences(text: string): string {
  return text.replaceAll('&#32;', ' ');
}

export const metaAllmessages = defineQueryModule({
  name: 'allmessages',
  kind: 'meta',
  prefix: 'am',
  doc: { classname: 'ApiQueryAllMessages', helpurls: [helpUrl('Allmessages')] },
  params: {
    messages: { type: 'multi', freeValues: true, default: '*' },
    prop: { type: 'multi', values: ['default'] },
    enableparser: { type: 'boolean' },
    nocontent: { type: 'boolean' },
    includelocal: { type: 'boolean' },
    args: { type: 'multi', freeValues: true, doc: { allowsduplicates: true } },
    filter: { type: 'string' },
    customised: { type: 'enum', values: ['all', 'modified', 'unmodified'], default: 'all' },
    lang: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    title: { type: 'string' },
    prefix: { type: 'string' },
  },
  async execute(q, p) {
    const { ctx } = q;
    let names = p.messages.includes('*') ? ALL_NAMES : p.messages;
    if (p.messages.includes('*')) {
      names = names.filter(
        (n) =>
          (p.from === undefined || n >= p.from) &&
          (p.to === undefined || n <= p.to) &&
          (p.prefix === undefined || n.startsWith(p.prefix)),
      );
    }
    if (p.filter !== undefined) names = names.filter((n) => n.includes(p.filter!));
    // No message is changed locally: `modified` lists none.
    if (p.customised === 'modified') names = [];
    const list = names.map((name) => {
      const key = normalize(name);
      const o: Record<string, unknown> = { name, normalizedname: key };
      const text = MESSAGES[key];
      if (text === undefined) ctx.flag(o, 'missing', true);
      else if (!p.nocontent) {
        const content = p.args.reduce((t, a, i) => t.replaceAll(`$${i + 1}`, a), text);
        o[ctx.contentKey('content')] = p.enableparser ? transformed(content) : decodeCharReferences(content);
      }
      return o;
    });
    q.query.allmessages = list;
  },
});
