// Sign-in, token refresh and sign-out for staff. Sign-in costs one argon2 verification whether or not
// the e-mail exists and fails with one answer; refresh rotates the opaque token inside its family and
// treats a spent token presented again as theft: the whole family is revoked.
import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { User } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import type { Deps } from '../lib/deps';
import { AppError, unauthorized } from '../lib/errors';
import { addressBucket } from '../lib/ip';
import { type AuditEntry, recordAudit } from '../repositories/audit-logs';
import {
  findRefreshTokenByHash,
  insertRefreshToken,
  revokeRefreshFamily,
  spendRefreshToken,
} from '../repositories/refresh-tokens';
import { findUserByEmail, findUserById, normalizeEmail, updateUser } from '../repositories/users';
import { clearLoginFailures, LOCKOUT_MAX_FAILURES, purgeStaleLoginAttempts, recordLoginAttempt } from './lockout';
import { hashPassword, verifyPassword } from './password';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from './refresh-token';
import { type StaffUser, staffUser } from './staff';

export type RequestMeta = Pick<AuditEntry, 'ip' | 'userAgent' | 'requestId'>;

export type TokenPair = {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Access-token lifetime in seconds. */
  expiresIn: number;
  user: StaffUser;
};

let dummyHash: Promise<string> | undefined;
/** A real argon2id hash of a random password with our parameters: unknown e-mails verify against it. */
const dummyPasswordHash = () => {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummyHash;
};

const invalidCredentials = () => new AppError('invalid_credentials', 'E-mail or password is incorrect');
const invalidRefresh = () => unauthorized('Invalid or expired refresh token');

let lastPurge = 0;

async function issuePair(
  deps: Deps,
  user: User,
  familyId: string,
  meta: RequestMeta,
  db: Executor = deps.db,
): Promise<Omit<TokenPair, 'accessToken' | 'expiresIn'>> {
  const refreshToken = newRefreshToken();
  await insertRefreshToken({
    db,
    tenantId: user.tenantId,
    values: {
      userId: user.id,
      familyId,
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt: new Date(deps.clock.now().getTime() + deps.env.REFRESH_TOKEN_TTL_SECONDS * 1000),
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
    },
  });
  return { refreshToken, tokenType: 'Bearer', user: staffUser(user) };
}

async function signFor(deps: Deps, user: User) {
  const { token, expiresIn } = await deps.tokens.signAccess({
    sub: user.id,
    tid: user.tenantId,
    role: user.role,
    email: user.email,
  });
  return { accessToken: token, expiresIn };
}

export async function login(
  deps: Deps,
  tenantId: string,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<TokenPair> {
  const now = deps.clock.now();
  // Started on every path, so the one-time cost of making the dummy hash does not single out unknown e-mails.
  const dummy = dummyPasswordHash();
  const email = normalizeEmail(input.email);
  const audit = (entry: Omit<AuditEntry, 'tenantId' | 'ip' | 'userAgent' | 'requestId' | 'at'>) =>
    recordAudit({ db: deps.db, entry: { tenantId, ...meta, at: now, ...entry } });

  // Counted before the password is checked, in one upsert: guesses sent all at once cannot each pass a lock
  // check made before any of them was recorded (the sixth and later are refused unchecked). A success
  // clears the count below.
  // Per client network too (src/auth/lockout.ts): a stranger's failures never lock the owner out.
  const network = addressBucket(meta.ip ?? null);
  const attempt = await recordLoginAttempt({ db: deps.db, tenantId, email, network, now });
  const until = attempt.failures > LOCKOUT_MAX_FAILURES ? attempt.lockedUntil : null;
  if (until && until > now) {
    await audit({ actor: { type: 'system' }, action: 'auth.login_failed', metadata: { email, reason: 'locked' } });
    const retryAfter = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    throw new AppError('too_many_attempts', 'Too many failed sign-ins for this account, try again later', {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }

  const user = await findUserByEmail({ db: deps.db, tenantId, email });
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await dummy));
  if (!user || !passwordOk || user.status !== 'active') {
    await audit({
      actor: { type: 'system' },
      action: 'auth.login_failed',
      targetType: 'user',
      targetId: user?.id ?? null,
      metadata: {
        email,
        reason: !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'account_disabled',
        failures: attempt.failures,
        locked: attempt.lockedUntil !== null,
      },
    });
    if (now.getTime() - lastPurge > 10 * 60_000) {
      lastPurge = now.getTime();
      await purgeStaleLoginAttempts({ db: deps.db, now });
    }
    throw invalidCredentials();
  }

  const pair = await deps.db.transaction(async (tx) => {
    await clearLoginFailures({ db: tx, tenantId, email, network });
    const updated = (await updateUser({ db: tx, tenantId, id: user.id, values: { lastLoginAt: now } })) ?? user;
    const issued = await issuePair(deps, updated, uuidv7(), meta, tx);
    await recordAudit({
      db: tx,
      entry: {
        tenantId,
        ...meta,
        at: now,
        actor: { type: 'user', id: user.id },
        action: 'auth.login',
        targetType: 'user',
        targetId: user.id,
      },
    });
    return issued;
  });
  return { ...(await signFor(deps, user)), ...pair };
}

export async function refresh(deps: Deps, tenantId: string, token: string, meta: RequestMeta): Promise<TokenPair> {
  const now = deps.clock.now();
  if (!looksLikeRefreshToken(token)) throw invalidRefresh();
  const row = await findRefreshTokenByHash({ db: deps.db, tenantId, tokenHash: hashRefreshToken(token) });
  if (!row) throw invalidRefresh();

  const reused = async () => {
    const revoked = await revokeRefreshFamily({ db: deps.db, tenantId, familyId: row.familyId, at: now });
    await recordAudit({
      db: deps.db,
      entry: {
        tenantId,
        ...meta,
        at: now,
        actor: { type: 'system' },
        action: 'auth.refresh_reused',
        targetType: 'user',
        targetId: row.userId,
        metadata: { familyId: row.familyId, sessionTokensRevoked: revoked },
      },
    });
    return new AppError('refresh_token_reused', 'This refresh token was already used; every session from it is ended');
  };

  if (row.usedAt) throw await reused();
  if (row.revokedAt || row.expiresAt <= now) throw invalidRefresh();
  const user = await findUserById({ db: deps.db, tenantId, id: row.userId });
  if (user?.status !== 'active') throw invalidRefresh();

  const pair = await deps.db.transaction(async (tx) => {
    // Conditional update: of two refreshes racing with one token, exactly one spends it.
    if (!(await spendRefreshToken({ db: tx, tenantId, id: row.id, at: now }))) return null;
    return issuePair(deps, user, row.familyId, meta, tx);
  });
  if (!pair) throw await reused();
  return { ...(await signFor(deps, user)), ...pair };
}

/** Ends the session (the token's whole family). Unknown or already-ended tokens are fine: logout is idempotent. */
export async function logout(deps: Deps, tenantId: string, token: string, meta: RequestMeta): Promise<void> {
  if (!looksLikeRefreshToken(token)) return;
  const row = await findRefreshTokenByHash({ db: deps.db, tenantId, tokenHash: hashRefreshToken(token) });
  if (!row) return;
  const now = deps.clock.now();
  const revoked = await revokeRefreshFamily({ db: deps.db, tenantId, familyId: row.familyId, at: now });
  if (revoked === 0) return;
  await recordAudit({
    db: deps.db,
    entry: {
      tenantId,
      ...meta,
      at: now,
      actor: { type: 'user', id: row.userId },
      action: 'auth.logout',
      targetType: 'user',
      targetId: row.userId,
    },
  });
}

export async function currentUser(deps: Deps, tenantId: string, userId: string): Promise<StaffUser> {
  const user = await findUserById({ db: deps.db, tenantId, id: userId });
  if (!user) throw unauthorized();
  return staffUser(user);
}
