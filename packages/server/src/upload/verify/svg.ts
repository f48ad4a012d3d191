/**
 * UploadBase::detectScriptInSvg: parse an SVG as XML and apply MediaWiki's element, attribute,
 * processing-instruction and DTD filters. Like XmlTypeCheck, every filter hit replaces the previous
 * one (elements are judged when they close), and a namespace outside the allow-list anywhere wins
 * over everything else. Streaming, bounded memory (see XmlChecker).
 */
import { XmlChecker, type XmlDoctype } from '../../mime/xml.js';
import { checkCssFragment, normalizeCss } from './css.js';
import type { VerificationDetails } from './messages.js';

const VALID_NAMESPACES = new Set([
  '',
  'adobe:ns:meta/',
  'http://creativecommons.org/ns#',
  'http://inkscape.sourceforge.net/dtd/sodipodi-0.dtd',
  'http://ns.adobe.com/adobeillustrator/10.0/',
  'http://ns.adobe.com/adobesvgviewerextensions/3.0/',
  'http://ns.adobe.com/extensibility/1.0/',
  'http://ns.adobe.com/flows/1.0/',
  'http://ns.adobe.com/illustrator/1.0/',
  'http://ns.adobe.com/imagereplacement/1.0/',
  'http://ns.adobe.com/pdf/1.3/',
  'http://ns.adobe.com/photoshop/1.0/',
  'http://ns.adobe.com/saveforweb/1.0/',
  'http://ns.adobe.com/variables/1.0/',
  'http://ns.adobe.com/xap/1.0/',
  'http://ns.adobe.com/xap/1.0/g/',
  'http://ns.adobe.com/xap/1.0/g/img/',
  'http://ns.adobe.com/xap/1.0/mm/',
  'http://ns.adobe.com/xap/1.0/rights/',
  'http://ns.adobe.com/xap/1.0/stype/dimensions#',
  'http://ns.adobe.com/xap/1.0/stype/font#',
  'http://ns.adobe.com/xap/1.0/stype/manifestitem#',
  'http://ns.adobe.com/xap/1.0/stype/resourceevent#',
  'http://ns.adobe.com/xap/1.0/stype/resourceref#',
  'http://ns.adobe.com/xap/1.0/t/pg/',
  'http://purl.org/dc/elements/1.1/',
  'http://purl.org/dc/elements/1.1',
  'http://schemas.microsoft.com/visio/2003/svgextensions/',
  'http://sodipodi.sourceforge.net/dtd/sodipodi-0.dtd',
  'http://taptrix.com/inkpad/svg_extensions',
  'http://web.resource.org/cc/',
  'http://www.freesoftware.fsf.org/bkchem/cdml',
  'http://www.inkscape.org/namespaces/inkscape',
  'http://www.opengis.net/gml',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  'http://www.w3.org/2000/svg',
  'http://www.w3.org/tr/rec-rdf-syntax/',
  'http://www.w3.org/2000/01/rdf-schema#',
  'http://www.w3.org/2000/02/svg/testsuite/description/',
]);

const ALLOWED_DTDS = new Set([
  'http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd',
  'http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd',
  'http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-basic.dtd',
  'http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-tiny.dtd',
  'http://www.w3.org/TR/2001/PR-SVG-20010719/DTD/svg10.dtd',
]);

const SCRIPTABLE_ELEMENTS = new Set(['script', 'handler', 'stylesheet', 'iframe']);
const CSS_ATTRIBUTES = new Set([
  'font',
  'clip-path',
  'fill',
  'filter',
  'marker',
  'marker-end',
  'marker-mid',
  'marker-start',
  'mask',
  'stroke',
]);

/** Longest attribute value kept in a pending error (absurdly long values are cut). */
const MAX_REPORTED_VALUE = 65536;

/** ASCII-only lower-casing (PHP's strtolower). */
const lower = (s: string) => (/[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s);

/** Names repeat a lot in SVGs; remember how they split. */
const splitCache = new Map<string, [string, string]>();

/** 'http://www.w3.org/2000/svg:script' → ['http://www.w3.org/2000/svg', 'script'] (lower-cased). */
function splitXmlNamespace(name: string): [string, string] {
  const cached = splitCache.get(name);
  if (cached) return cached;
  const l = lower(name);
  const i = l.lastIndexOf(':');
  const parts: [string, string] = i < 0 ? ['', l] : [l.slice(0, i), l.slice(i + 1)];
  if (name.length <= 256) {
    if (splitCache.size >= 4096) splitCache.clear();
    splitCache.set(name, parts);
  }
  return parts;
}

/** RFC 2397 data: URL of a plain bitmap image type (the only data: targets allowed). */
const SAFE_DATA_URL =
  /^data:[ \t\n\x0b\f\r]*image\/(?:gif|jpeg|jpg|png)(?:;[a-zA-Z0-9!#$&'*+.^_`{|}~-]+=(?:[a-zA-Z0-9!#$&'*+.^_`{|}~-]+|"(?:[\x00-\x0c\x0e-\x21\x23-\x5b\x5d-\x7f]|\\[\x00-\x7f])*"))*(?:;base64)?,/i;

const clip = (v: string) => (v.length > MAX_REPORTED_VALUE ? v.slice(0, MAX_REPORTED_VALUE) : v);

/** What a single element contributes when it closes. */
interface Frame {
  /** A namespace outside the allow-list. */
  badNamespace: string | null;
  /** The element-name and attribute verdict (the style element's text is judged at close). */
  verdict: VerificationDetails | null;
  isStyle: boolean;
}

/** The element/attribute filter (UploadBase::checkSvgScriptCallback), minus the style text. */
function judgeElement(name: string, attrs: ReadonlyArray<readonly [string, string]>): Frame {
  const [namespace, element] = splitXmlNamespace(name);
  const buggyInkscape = /^&(#38;)*ns_[a-z_]+;$/.test(namespace);
  if (!buggyInkscape && !VALID_NAMESPACES.has(namespace)) {
    return { badNamespace: namespace, verdict: null, isStyle: false };
  }
  if (SCRIPTABLE_ELEMENTS.has(element))
    return { badNamespace: null, verdict: ['uploaded-script-svg', element], isStyle: false };
  return {
    badNamespace: null,
    verdict: judgeAttributes(namespace, element, attrs),
    isStyle: element === 'style',
  };
}

function judgeAttributes(
  namespace: string,
  element: string,
  attrs: ReadonlyArray<readonly [string, string]>,
): VerificationDetails | null {
  for (const [attrib, rawValue] of attrs) {
    const [attributeNamespace, stripped] = splitXmlNamespace(attrib);
    const value = lower(rawValue);
    const inkscapeOwn =
      namespace === 'http://www.inkscape.org/namespaces/inkscape' && attributeNamespace === '';
    if (!inkscapeOwn && stripped.startsWith('on')) {
      return ['uploaded-event-handler-on-svg', attrib, clip(value)];
    }
    if (
      stripped === 'href' &&
      value !== '' &&
      !value.startsWith('data:') &&
      !value.startsWith('#') &&
      !(element === 'a' && /^https?:\/\//i.test(value))
    ) {
      return ['uploaded-href-attribute-svg', element, attrib, clip(value)];
    }
    if (stripped === 'href' && value.startsWith('data:') && !SAFE_DATA_URL.test(value)) {
      return ['uploaded-href-unsafe-target-svg', element, attrib, clip(value)];
    }
    if (stripped === 'attributename' && element === 'animate' && splitXmlNamespace(value)[1] === 'href') {
      return ['uploaded-animate-svg', element, attrib, clip(value)];
    }
    if (
      (element === 'set' || element === 'animate') &&
      stripped === 'attributename' &&
      value.startsWith('on')
    ) {
      return ['uploaded-setting-event-handler-svg', element, stripped, clip(value)];
    }
    if (element === 'set' && stripped === 'attributename' && value.includes('href')) {
      return ['uploaded-setting-href-svg'];
    }
    if (element === 'set' && stripped === 'to' && /(?:http|https|data|script):/.test(value)) {
      return ['uploaded-wrong-setting-svg', clip(value)];
    }
    if (stripped === 'handler' && /(?:http|https|data|script):/.test(value)) {
      return ['uploaded-setting-handler-svg', attrib, clip(value)];
    }
    if (stripped === 'style' && checkCssFragment(normalizeCss(value))) {
      return ['uploaded-remote-url-svg', attrib, clip(value)];
    }
    if (CSS_ATTRIBUTES.has(stripped) && checkCssFragment(value)) {
      return ['uploaded-remote-url-svg', attrib, clip(value)];
    }
    if (
      element === 'image' &&
      stripped === 'filter' &&
      /url[ \t\n\x0b\f\r]*\([ \t\n\x0b\f\r]*["']?[^#]/.test(value)
    ) {
      return ['uploaded-image-filter-svg', element, stripped, clip(value)];
    }
  }
  return null;
}

/** UploadBase::checkSvgPICallback: no external style sheets. */
function judgePi(target: string): VerificationDetails | null {
  return /xml-stylesheet/i.test(target) ? ['upload-scripted-pi-callback'] : null;
}

/** UploadBase::checkSvgExternalDTD: only the standard SVG 1.0/1.1 DTDs. */
function judgeDoctype(dt: XmlDoctype): VerificationDetails | null {
  if (!dt.type) return null;
  if (
    dt.type !== 'PUBLIC' ||
    !ALLOWED_DTDS.has(dt.systemId ?? '') ||
    !(dt.publicId ?? '').startsWith('-//W3C//')
  ) {
    return ['upload-scripted-dtd'];
  }
  return null;
}

/** Outcome of an SVG scan. */
export interface SvgScanResult {
  wellFormed: boolean;
  /** The filter verdict MediaWiki would report for a well-formed file, or null. */
  verdict: VerificationDetails | null;
  /** Why the XML is not well-formed, when it is not (diagnostics only). */
  reason?: string;
}

/** Incremental SVG scanner: {@link write} the file's bytes, then {@link end}. */
export class SvgScanner {
  private last: VerificationDetails | null = null;
  private badNamespace: string | null = null;
  private readonly xml: XmlChecker<Frame>;

  constructor() {
    this.xml = new XmlChecker<Frame>({
      open: (name, attrs) => judgeElement(name, attrs),
      wantsData: (name) => splitXmlNamespace(name)[1] === 'style',
      close: (frame, _name, data) => {
        if (frame.badNamespace !== null) {
          this.badNamespace = frame.badNamespace;
          return;
        }
        let verdict = frame.verdict;
        if (frame.isStyle && verdict?.[0] !== 'uploaded-script-svg' && checkCssFragment(normalizeCss(data))) {
          verdict = ['uploaded-hostile-svg'];
        }
        if (verdict) this.last = verdict;
      },
      pi: (target) => {
        const v = judgePi(target);
        if (v) this.last = v;
      },
      doctype: (dt) => {
        const v = judgeDoctype(dt);
        if (v) this.last = v;
      },
    });
  }

  /** Whether no more input is needed (the XML turned out malformed). */
  get done(): boolean {
    return this.xml.done;
  }

  write(chunk: Uint8Array): void {
    this.xml.write(chunk);
  }

  end(): SvgScanResult {
    const r = this.xml.end();
    const verdict: VerificationDetails | null =
      this.badNamespace !== null ? ['uploadscriptednamespace', this.badNamespace] : this.last;
    const out: SvgScanResult = { wellFormed: r.wellFormed, verdict };
    if (r.reason !== undefined) out.reason = r.reason;
    return out;
  }
}

/** Scan a complete SVG held in memory. */
export function scanSvg(content: Uint8Array): SvgScanResult {
  const s = new SvgScanner();
  for (let off = 0; off < content.length && !s.done; off += 65536)
    s.write(content.subarray(off, off + 65536));
  return s.end();
}
