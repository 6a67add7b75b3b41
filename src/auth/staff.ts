// How a staff account looks in responses (never its password hash) and who may manage whom:
// owners manage everyone, admins manage sales staff, sales manage nobody.
import type { User, UserRole } from '../../drizzle/schema';
import { roleAtLeast } from '../middleware/require-role';

export type StaffUser = {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  status: User['status'];
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export function staffUser(user: User): StaffUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.status,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** May an actor of role `actor` create, change or remove an account of role `target`? */
export function canManage(actor: UserRole, target: UserRole): boolean {
  if (actor === 'owner') return true;
  if (actor === 'admin') return target === 'sales';
  return false;
}

/** Roles an actor may hand out (on create or role change). */
export function assignableRoles(actor: UserRole): UserRole[] {
  return (['owner', 'admin', 'sales'] as const).filter((r) => canManage(actor, r) && roleAtLeast(actor, r));
}
