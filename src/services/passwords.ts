// Password hashing for people who sign in with one: scrypt from node:crypto at OWASP's recommended cost
// (N=2^15, r=8, p=3: 32 MiB, ~100 ms on one core), stored as `scrypt$N$r$p$salt$hash` so the cost can rise later
// without invalidating what is stored. Verification is constant-time, and a name with no password still costs a
// hash, so that timing does not tell which names exist.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { RegattaError } from '../errors.js';

const COST = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;
/** Passwords shorter than this are refused when set (NIST SP 800-63B's minimum for chosen secrets is 8). */
export const MIN_PASSWORD_LENGTH = 12;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 1024)
    throw new RegattaError('INVALID_PARAMETER', `a password has ${MIN_PASSWORD_LENGTH} to 1024 characters`);
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** A stored hash nobody's password matches, for names without one (same work as a real check). */
const DECOY = `scrypt$${COST.N}$${COST.r}$${COST.p}$${randomBytes(16).toString('base64')}$${randomBytes(KEY_LENGTH).toString('base64')}`;

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = (stored ?? DECOY).split('$');
  if (scheme !== 'scrypt' || !salt || !key || password.length > 1024) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return (
    actual.length === expected.length && timingSafeEqual(actual, expected) && stored !== undefined && stored !== null
  );
}
