/**
 * An SVG prepared for rasterising at a given size.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { decodeXml } from './decode.js';
import { internalEntities, StopParsing } from './parse.js';
import { readSvg, truthy } from './reader.js';

// ---------------------------------------------------------------------------------------------
// Rendering support

/**
 * The document with its root <svg> start tag rewritten to render at exactly `width`×`height`
 * pixels (a viewBox is added from the original size when there is none), as UTF-8 without an
 * encoding declaration. Used so the rasteriser never allocates the declared size, however large.
 */
export function svgForRender(bytes: Buffer, width: number, height: number): Buffer {
  const { text } = decodeXml(bytes);
  const parser = new SaxesParser({ xmlns: true, position: true });
  let tagStart = -1;
  let tagEnd = -1;
  let root: SaxesTagNS | null = null;
  parser.on('error', (err) => {
    if (/namespace|prefix|xmlns|undefined entity/i.test(err.message)) return;
    throw new StopParsing(err.message);
  });
  parser.on('doctype', (dt) => {
    for (const [k, v] of internalEntities(dt)) if (!(k in parser.ENTITIES)) parser.ENTITIES[k] = v;
  });
  parser.on('opentagstart', () => {
    if (tagStart < 0) tagStart = text.lastIndexOf('<', parser.position - 1);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    root = tag;
    tagEnd = parser.position;
    throw new StopParsing('root');
  });
  try {
    for (let i = 0; i < text.length && !root; i += 65536) parser.write(text.slice(i, i + 65536));
  } catch (e) {
    if (!(e instanceof StopParsing)) throw e;
  }
  const tag = root as SaxesTagNS | null;
  if (!tag || tagStart < 0) throw new Error('SVG has no root element');
  const info = readSvg(
    decodeXml(Buffer.from(`${text.slice(0, Math.min(text.length, tagEnd))}</${tag.name}>`, 'utf8')),
  );
  const esc = (s: string) => s.replace(/[&<"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;' })[c]!);
  let attrs = '';
  let hasViewBox = false;
  for (const a of Object.values(tag.attributes)) {
    if (a.name === 'width' || a.name === 'height') continue;
    if (a.name === 'viewBox' && truthy(a.value)) hasViewBox = true;
    attrs += ` ${a.name}="${esc(a.value)}"`;
  }
  if (!hasViewBox) attrs += ` viewBox="0 0 ${info.userWidth} ${info.userHeight}"`;
  attrs += ` width="${width}" height="${height}"`;
  const newTag = `<${tag.name}${attrs}${tag.isSelfClosing ? '/>' : '>'}`;
  const prolog = text.slice(0, tagStart).replace(/^\s*<\?xml[^?]*\?>/, '');
  return Buffer.from(prolog + newTag + text.slice(tagEnd), 'utf8');
}
