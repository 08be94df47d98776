import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'tb_';
/** `tb_` + 32 random bytes as base64url (43 characters). */
const TOKEN_PATTERN = /^tb_[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens are stored only as this hash; a stolen database does not yield working tokens. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}
