// Opaque refresh tokens: 32 random bytes, base64url. Only their SHA-256 is stored, so a database
// leak does not hand out sessions; they are not JWTs, so they can never pass as access tokens.
import { createHash, randomBytes } from 'node:crypto';

export const newRefreshToken = () => randomBytes(32).toString('base64url');

export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Shape check before touching the database: exactly 43 base64url characters. */
export const looksLikeRefreshToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);
