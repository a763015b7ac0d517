/**
 * API key format: `ask_<prefix>_<secret>`: `prefix` is 8 base62 characters (public: stored, shown in
 * listings and logs), `secret` is 32 base64url characters (192 random bits, never stored). The
 * database keeps SHA-256 of the whole key; with that much entropy a slow password hash adds nothing.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PATTERN = /^ask_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{32})$/;

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: Buffer;
}

export function generateApiKey(): GeneratedKey {
  let prefix = '';
  for (let i = 0; i < 8; i++) prefix += BASE62[randomInt(BASE62.length)];
  const key = `ask_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The public prefix of a well-formed key, or undefined for anything else. */
export function parseApiKey(key: string): { prefix: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1]! } : undefined;
}

export function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
