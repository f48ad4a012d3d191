import { MwError } from '../../errors.js';

/**
 * English texts of the verification messages (languages/i18n/en.json), already in the plain-text
 * form the Action API reports them: `<code>…</code>` shown as quotes, `&lt;`/`&gt;` decoded.
 */
const TEXTS: Readonly<Record<string, string>> = {
  'filetype-mime-mismatch': 'File extension ".$1" does not match the detected MIME type of the file ($2).',
  'filetype-badmime': 'Files of the MIME type "$1" are not allowed to be uploaded.',
  'filetype-bad-ie-mime':
    'Cannot upload this file because Internet Explorer would detect it as "$1", which is a disallowed and potentially dangerous file type.',
  uploadscripted:
    'This file contains HTML or script code that may be erroneously interpreted by a web browser.',
  'upload-scripted-pi-callback': 'Cannot upload a file that contains XML-stylesheet processing instruction.',
  'upload-scripted-dtd': 'Cannot upload SVG files that contain a non-standard DTD declaration.',
  'uploaded-script-svg': 'Found scriptable element "$1" in the uploaded SVG file.',
  'uploaded-hostile-svg': 'Found unsafe CSS in the style element of uploaded SVG file.',
  'uploaded-event-handler-on-svg': 'Setting event-handler attributes "$1="$2"" is not allowed in SVG files.',
  'uploaded-href-attribute-svg':
    'href attributes in SVG files are only allowed to link to http:// or https:// targets, found "<$1 $2="$3">".',
  'uploaded-href-unsafe-target-svg':
    'Found href to unsafe data: URI target "<$1 $2="$3">" in the uploaded SVG file.',
  'uploaded-animate-svg':
    'Found "animate" tag that might be changing href, using the "from" attribute "<$1 $2="$3">" in the uploaded SVG file.',
  'uploaded-setting-event-handler-svg':
    'Setting event-handler attributes is blocked, found "<$1 $2="$3">" in the uploaded SVG file.',
  'uploaded-setting-href-svg': 'Using the "set" tag to add "href" attribute to parent element is blocked.',
  'uploaded-wrong-setting-svg':
    'Using the "set" tag to add a remote/data/script target to any attribute is blocked. Found "<set to="$1">" in the uploaded SVG file.',
  'uploaded-setting-handler-svg':
    'SVG that sets the "handler" attribute with remote/data/script is blocked. Found "$1="$2"" in the uploaded SVG file.',
  'uploaded-remote-url-svg':
    'SVG that sets any style attribute with remote URL is blocked. Found "$1="$2"" in the uploaded SVG file.',
  'uploaded-image-filter-svg': 'Found image filter with URL: "<$1 $2="$3">" in the uploaded SVG file.',
  uploadscriptednamespace: 'This SVG file contains an illegal namespace "$1".',
  uploadinvalidxml: 'The XML in the uploaded file could not be parsed.',
  uploadvirus: 'The file contains a virus!\nDetails: $1',
};

/** A verification failure as MediaWiki details it: message key first, then its parameters. */
export type VerificationDetails = [key: string, ...params: string[]];

/** The English text of a verification message with its parameters filled in. */
export function verificationText(key: string, params: readonly string[]): string {
  const template = TEXTS[key];
  if (template === undefined) return key;
  return template.replace(/\$(\d)/g, (m, n: string) => params[Number(n) - 1] ?? m);
}

/** The `verification-error` API error for a failed check, e.g. `['filetype-badmime', 'text/html']`. */
export function verificationError(details: VerificationDetails): MwError {
  const [key, ...params] = details;
  return new MwError('verification-error', verificationText(key, params), { details: [key, ...params] });
}
