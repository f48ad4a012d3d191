/**
 * MediaWiki's SVGReader and SvgHandler::getSizeAndMetadata: size (90 dpi units, viewBox aspect),
 * title, description, metadata, animation and systemLanguage translations of an SVG.
 */
import type { HandlerResult } from '../handler.js';
import { type PhpArray, php, phpKey } from '../items.js';
import { phpFloatval, phpIntval, phpRound, phpTrim } from '../php.js';
import type { MediaSource } from '../types.js';
import { type DecodedXml, decodeXml } from './decode.js';
import { ELEMENT, END_ELEMENT, parseNodes, TEXT } from './parse.js';
import { Reader } from './xml-reader.js';

/** $wgSVGMetadataCutoff: only this many bytes of a larger SVG are read for metadata. */
export const SVG_METADATA_CUTOFF = 262144;
const NS_SVG = 'http://www.w3.org/2000/svg';
const DEFAULT_SIZE = 512;
const LANG_PREFIX_MATCH = 1;
const LANG_FULL_MATCH = 2;

// ---------------------------------------------------------------------------------------------
// SVGReader

const UNITS: Record<string, number> = {
  px: 1.0,
  pt: 1.25,
  pc: 15.0,
  mm: 3.543307,
  cm: 35.43307,
  in: 90.0,
  em: 16.0,
  ex: 12.0,
  '': 1.0,
};
const LENGTH =
  /^[ \t\n\v\f\r]*([-+]?\d*(?:\.\d+|\d+)(?:[Ee][-+]?\d+)?)[ \t\n\v\f\r]*(em|ex|px|pt|pc|cm|mm|in|%|)[ \t\n\v\f\r]*$/;

/** SVGReader::scaleSVGUnit: a length in pixels (90 dpi; percentages of `viewportSize`). */
export function scaleSVGUnit(length: string, viewportSize = 512): number {
  const m = LENGTH.exec(length);
  if (m) {
    const v = Number.parseFloat(m[1]!);
    return m[2] === '%' ? v * 0.01 * viewportSize : v * UNITS[m[2]!]!;
  }
  return phpFloatval(length);
}

/** PHP truthiness of an attribute value ('' and '0' are false). */
export const truthy = (v: string | null): v is string => v !== null && v !== '' && v !== '0';

const BCP47 = (() => {
  const language = '[a-z]{2,8}|[a-z]{2,3}-[a-z]{3}';
  const script = '[a-z]{4}';
  const region = '(?:[a-z]{2}|[0-9]{3})';
  const variant = '(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3})';
  const extension = '[a-wy-z](?:-[a-z0-9]{2,8})+';
  const privateUse = 'x(?:-[a-z0-9]{1,8})+';
  const legacy =
    'en-GB-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)|no-(?:bok|nyn)|sgn-(?:BE-(?:fr|nl)|CH-de)|zh-min-nan';
  const variantList = `${variant}(?:-${variant})*`;
  const extensionList = `${extension}(?:-${extension})*`;
  const langtag = `(?:(${language})(?:-${script})?(?:-${region})?(?:-${variantList})?(?:-${extensionList})?(?:-${privateUse})?)`;
  return new RegExp(`^(?:${langtag}|${privateUse}|${legacy})\\n?$`);
})();

/** LanguageCode::isWellFormedLanguageTag (strict mode). */
export function isWellFormedLanguageTag(code: string): boolean {
  return BCP47.test(code.replace(/[A-Z]+/g, (c) => c.toLowerCase()));
}

/** What SVGReader computes; `userWidth`/`userHeight` are the unrounded sizes in pixels. */
export interface SvgInfo {
  metadata: PhpArray;
  userWidth: number;
  userHeight: number;
}

class SvgError extends Error {}

export function readSvg(doc: DecodedXml): SvgInfo {
  const declaredEncoding = doc.declaredEncoding;
  const r = new Reader(parseNodes(doc));
  const meta: PhpArray = php([
    ['width', DEFAULT_SIZE],
    ['height', DEFAULT_SIZE],
    ['originalWidth', '100%'],
    ['originalHeight', '100%'],
  ]);
  const languages = new Map<string, number>();
  const prefixes = new Map<string, number>();
  let userWidth = DEFAULT_SIZE;
  let userHeight = DEFAULT_SIZE;

  let keep = r.read();
  while (keep && r.type() !== ELEMENT) keep = r.read();
  if (r.localName() !== 'svg' || r.ns() !== NS_SVG) {
    throw new SvgError(`Expected <svg> tag, got ${r.localName()} in NS ${r.ns()}`);
  }

  // handleSVGAttribs()
  {
    const defaultWidth = DEFAULT_SIZE;
    let defaultHeight = DEFAULT_SIZE;
    let aspect = 1.0;
    let width: number | null = null;
    let height: number | null = null;
    const vb = r.attr('viewBox');
    if (truthy(vb)) {
      const parts = phpTrim(vb).split(/[ \t\n\v\f\r]*[ \t\n\v\f\r,][ \t\n\v\f\r]*/);
      if (parts.length === 4) {
        const vw = scaleSVGUnit(parts[2]!);
        const vh = scaleSVGUnit(parts[3]!);
        if (vw > 0 && vh > 0) {
          aspect = vw / vh;
          defaultHeight = defaultWidth / aspect;
        }
      }
    }
    const w = r.attr('width');
    if (truthy(w)) {
      width = scaleSVGUnit(w, defaultWidth);
      meta.set('originalWidth', w);
    }
    const h = r.attr('height');
    if (truthy(h)) {
      height = scaleSVGUnit(h, defaultHeight);
      meta.set('originalHeight', h);
    }
    if (width === null && height === null) {
      width = defaultWidth;
      height = width / aspect;
    } else if (width !== null && height === null) {
      height = width / aspect;
    } else if (height !== null && width === null) {
      width = height * aspect;
    }
    if (width! > 0 && height! > 0) {
      meta.set('width', phpIntval(phpRound(width!)));
      meta.set('height', phpIntval(phpRound(height!)));
      userWidth = width!;
      userHeight = height!;
    }
  }

  const readField = (name: string, field: string) => {
    if (r.type() !== ELEMENT) return;
    let k = r.read();
    while (k) {
      if (r.localName() === name && r.ns() === NS_SVG && r.type() === END_ELEMENT) break;
      if (r.type() === TEXT) meta.set(field, phpTrim(r.node!.value));
      k = r.read();
    }
  };
  const animateFilterAndLang = (name: string) => {
    if (r.type() !== ELEMENT) return;
    if (r.node!.isEmpty) return;
    const exitDepth = r.depth();
    let k = r.read();
    while (k) {
      if (r.localName() === name && r.depth() <= exitDepth && r.type() === END_ELEMENT) break;
      if (r.ns() === NS_SVG && r.type() === ELEMENT) {
        const sys = r.attr('systemLanguage');
        if (sys !== null && sys !== '') {
          for (const raw of sys.split(',')) {
            const item = phpTrim(raw);
            if (isWellFormedLanguageTag(item)) languages.set(item, LANG_FULL_MATCH);
            const dash = item.indexOf('-');
            if (dash > 0) {
              const p = item.slice(0, dash);
              if (isWellFormedLanguageTag(p)) prefixes.set(p, LANG_PREFIX_MATCH);
            }
          }
        }
        if (
          ['script', 'animate', 'set', 'animateMotion', 'animateColor', 'animateTransform'].includes(
            r.localName(),
          )
        ) {
          meta.set('animated', true);
        }
      }
      k = r.read();
    }
  };

  const exitDepth = r.depth();
  keep = r.read();
  while (keep) {
    const tag = r.localName();
    const type = r.type();
    const isSvg = r.ns() === NS_SVG;
    if (isSvg && tag === 'svg' && type === END_ELEMENT && r.depth() <= exitDepth) break;
    if (isSvg && tag === 'title') readField(tag, 'title');
    else if (isSvg && tag === 'desc') readField(tag, 'description');
    else if (isSvg && tag === 'metadata' && type === ELEMENT) {
      meta.set('metadata', phpTrim(r.innerXml(declaredEncoding)));
      r.next();
    } else if (isSvg && tag === 'script') meta.set('animated', true);
    else if (tag !== '#text') animateFilterAndLang(tag);
    keep = r.next();
  }

  const translations: PhpArray = new Map();
  for (const [k, v] of languages) translations.set(phpKey(k), v);
  for (const [k, v] of prefixes) if (!translations.has(phpKey(k))) translations.set(phpKey(k), v);
  meta.set('translations', translations);
  return { metadata: meta, userWidth, userHeight };
}

/** The first bytes MediaWiki reads of an SVG for metadata. */
export function svgMetadataBytes(src: MediaSource): Buffer {
  return src.head.subarray(0, Math.min(src.size, SVG_METADATA_CUTOFF, src.head.length));
}

/** SVGReader on bytes (already cut to the metadata cutoff). Throws SvgError for a non-SVG root. */
export function readSvgInfo(bytes: Buffer): SvgInfo {
  return readSvg(decodeXml(bytes));
}

/** SvgHandler::getSizeAndMetadata. */
export function svgHandler(src: MediaSource): HandlerResult {
  const meta: PhpArray = php([['version', 2]]);
  try {
    const info = readSvgInfo(svgMetadataBytes(src));
    for (const [k, v] of info.metadata) meta.set(k, v);
  } catch (e) {
    if (!(e instanceof SvgError)) throw e;
    meta.set(
      'error',
      php([
        ['message', e.message],
        ['code', 0],
      ]),
    );
  }
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return { width: num(meta.get('width')), height: num(meta.get('height')), bits: 0, metadata: meta };
}
