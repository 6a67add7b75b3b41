// Staff accounts of a tenant. E-mails are stored lower-cased; every query is scoped by tenant.
import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { type User, type UserRole, users } from '../../drizzle/schema';
import type { Executor } from '../db/client';

export type UserStatus = User['status'];

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function findUserById({
  db,
  tenantId,
  id,
}: {
  db: Executor;
  tenantId: string;
  id: string;
}): Promise<User | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .limit(1);
  return row ?? null;
}

export async function findUserByEmail({
  db,
  tenantId,
  email,
}: {
  db: Executor;
  tenantId: string;
  email: string;
}): Promise<User | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.email, normalizeEmail(email))))
    .limit(1);
  return row ?? null;
}

export async function listUsers({
  db,
  tenantId,
  page,
  limit,
  role,
  status,
}: {
  db: Executor;
  tenantId: string;
  page: number;
  limit: number;
  role?: UserRole | undefined;
  status?: UserStatus | undefined;
}): Promise<{ rows: User[]; total: number }> {
  const filters: SQL[] = [eq(users.tenantId, tenantId)];
  if (role) filters.push(eq(users.role, role));
  if (status) filters.push(eq(users.status, status));
  const where = and(...filters);
  const [rows, [totals]] = await Promise.all([
    db
      .select()
      .from(users)
      .where(where)
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ total: count() }).from(users).where(where),
  ]);
  return { rows, total: Number(totals?.total ?? 0) };
}

export async function insertUser({
  db,
  tenantId,
  values,
}: {
  db: Executor;
  tenantId: string;
  values: { email: string; name: string; role: UserRole; passwordHash: string; status?: UserStatus };
}): Promise<User> {
  const [row] = await db
    .insert(users)
    .values({ ...values, email: normalizeEmail(values.email), tenantId })
    .returning();
  return row!;
}

export async function updateUser({
  db,
  tenantId,
  id,
  values,
}: {
  db: Executor;
  tenantId: string;
  id: string;
  values: Partial<Pick<User, 'email' | 'name' | 'role' | 'status' | 'passwordHash' | 'lastLoginAt'>>;
}): Promise<User | null> {
  const patch = values.email ? { ...values, email: normalizeEmail(values.email) } : values;
  const [row] = await db
    .update(users)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .returning();
  return row ?? null;
}

export async function deleteUser({ db, tenantId, id }: { db: Executor; tenantId: string; id: string }) {
  const rows = await db
    .delete(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/**
 * Locks every active owner of the tenant, then the user `id` (owners in id order, the target last, so
 * concurrent callers queue instead of deadlocking), and returns the target as it is now with how many
 * active owners there are besides it. Called first inside the transaction that changes or deletes a user:
 * the decision (may this role change it? is it the last owner?) is then made on rows no one else can
 * change until the transaction ends, so two owners demoting each other, or a promotion racing a demotion,
 * can never leave the tenant without an active owner. FOR NO KEY UPDATE, not FOR UPDATE: a refresh
 * inserting a token for one of these users takes a KEY SHARE lock on the user through the foreign key,
 * and must not deadlock with a change that then waits to revoke that user's tokens.
 */
export async function lockUserAndOwners({
  db,
  tenantId,
  id,
}: {
  db: Executor;
  tenantId: string;
  id: string;
}): Promise<{ target: User | null; otherActiveOwners: number }> {
  const owners = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, 'owner'), eq(users.status, 'active')))
    .orderBy(asc(users.id))
    .for('no key update');
  const [target] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .for('no key update');
  return { target: target ?? null, otherActiveOwners: owners.filter((o) => o.id !== id).length };
}
