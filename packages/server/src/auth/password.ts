import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt parameters: N=2^15, r=8, p=1 (32 MiB, tens of milliseconds per hash). */
const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

/**
 * Each hash takes 32 MiB; they run one at a time so that a burst of logins cannot make memory grow
 * (and so that logins cannot starve uploads of CPU).
 */
let kdfQueue: Promise<unknown> = Promise.resolve();

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const run = () =>
    new Promise<Buffer>((resolve, reject) => {
      scrypt(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) =>
        err ? reject(err) : resolve(key),
      );
    });
  const result = kdfQueue.then(run, run);
  kdfQueue = result.catch(() => {});
  return result;
}

/** Hash a password with scrypt. The result is self-describing: `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Check a password against a stored hash, in constant time. Unknown formats never match. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A random password of `length` characters from [a-z0-9] (bot passwords are 32). */
export function generatePassword(length = 32): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 252) out += alphabet[b % 36];
  }
  return out.length === length ? out : generatePassword(length);
}
