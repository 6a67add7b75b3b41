// Common passwords (the ~49k-entry list shipped by @zxcvbn-ts/language-common, built from breach
// corpora), loaded once on first use, plus the variants people make of them ("Password2024!").
import { dictionary } from '@zxcvbn-ts/language-common';

let common: Set<string> | undefined;

function list(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/** True when the password, or its core without leading/trailing digits and symbols, is a common password. */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  const set = list();
  if (set.has(lower)) return true;
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (core.length >= 4 && set.has(core)) return true;
  // "passwordpassword", "qwertyqwerty": one common word repeated.
  for (let size = 1; size <= lower.length / 2; size++) {
    if (lower.length % size !== 0) continue;
    const unit = lower.slice(0, size);
    if (unit.repeat(lower.length / size) === lower) return set.has(unit) || size <= 4;
  }
  return false;
}
