/** SHA-1 in MediaWiki's base-36 form (31 characters, zero-padded), as stored in img_sha1 and log params. */
export function sha1Base36(hex: string): string {
  return BigInt(`0x${hex}`).toString(36).padStart(31, '0');
}

export function sha1FromBase36(b36: string): string {
  let n = 0n;
  for (const ch of b36.toLowerCase()) n = n * 36n + BigInt(Number.parseInt(ch, 36));
  return n.toString(16).padStart(40, '0');
}
