// Staff password rules: at least 12 characters, at most 256 (hashing cost), not a common password,
// and not the account's own e-mail or name. Problems come back as validation details.
import { isCommonPassword } from '../lib/common-passwords';
import type { ErrorDetail } from '../lib/errors';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export function passwordProblems(
  password: string,
  context: { email?: string | undefined; name?: string | undefined } = {},
  path = 'password',
): ErrorDetail[] {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return [{ path, message: `Must be at least ${PASSWORD_MIN_LENGTH} characters` }];
  if (length > PASSWORD_MAX_LENGTH) return [{ path, message: `Must be at most ${PASSWORD_MAX_LENGTH} characters` }];
  if (isCommonPassword(password))
    return [{ path, message: 'Too common: choose a password that is not on breach lists' }];
  const lower = password.toLowerCase();
  const personal = [
    context.email?.toLowerCase(),
    context.email?.split('@')[0]?.toLowerCase(),
    context.name?.toLowerCase(),
  ];
  if (personal.some((p) => p && p.length >= 4 && lower.includes(p)))
    return [{ path, message: 'Must not contain your e-mail address or name' }];
  return [];
}
