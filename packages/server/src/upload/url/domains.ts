import { domainToASCII } from 'node:url';

/**
 * The copy-upload domain allow-list ($wgCopyUploadsDomains), with MediaWiki's matching rules:
 *
 * - An empty list allows every host.
 * - The host and each entry are split on `.` and compared label by label; `*` in an entry matches
 *   exactly one label of any content (`*.flickr.com` matches `farm1.flickr.com`, not `flickr.com`
 *   nor `a.b.flickr.com`; `upload.*.gov.uk` matches `upload.example.gov.uk`).
 *   The number of labels must be the same; `*` never spans several labels.
 * - Only the host counts: scheme, port, userinfo, path and query are ignored (MediaWiki compares the
 *   `host` part of the parsed URL, which has no port).
 * - IP literals are compared as text like any host: `*.*.*.*` matches every IPv4 literal, and an IPv6
 *   literal is a single label written with its brackets (`[2001:db8::1]`).
 *
 * Differences from MediaWiki, all on the side of normalisation: the host compared is the one the
 * WHATWG URL parser produces (lower case, IDNs in punycode, IPv4 literals in dotted-quad form, so
 * `http://2130706433/` is compared as `127.0.0.1`), and entries are normalised the same way
 * (lower case, IDN labels to punycode). MediaWiki compares the raw strings case-sensitively, which
 * can only refuse hosts that DNS would treat as equal.
 */
export function isAllowedCopyUploadDomain(url: URL, domains: readonly string[]): boolean {
  if (domains.length === 0) return true;
  const hostLabels = url.hostname.split('.');
  for (const entry of domains) {
    const labels = normaliseEntry(entry);
    if (labels.length !== hostLabels.length) continue;
    if (labels.every((label, i) => label === '*' || label === hostLabels[i])) return true;
  }
  return false;
}

/** An allow-list entry as labels in the form the URL parser gives hosts (lower case, punycode). */
function normaliseEntry(entry: string): string[] {
  return entry
    .trim()
    .split('.')
    .map((label) => {
      if (label === '*') return label;
      const lower = label.toLowerCase();
      const ascii = [...lower].every((c) => c.charCodeAt(0) < 0x80);
      return ascii ? lower : domainToASCII(lower) || lower;
    });
}
