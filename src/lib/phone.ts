// Phone numbers in one form (E.164) so one person is one lead however they typed their number.
// libphonenumber-js with full ("max") metadata: validity is checked against real numbering plans.
import type { CountryCode } from 'libphonenumber-js/max';
import { getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type { CountryCode };

/** Only digits, a leading +, and the separators people type; anything else is not a phone number. */
const PHONE_CHARS = /^\+?[0-9\s().\-/]{4,40}$/;

/**
 * E.164 (`+62812…`) or null. `0812-3456-7890`, `62812…` and `+62 812 …` all give `+62812…`;
 * a `+` or `00` international number from another country is kept as that country's number.
 * A number written with the region's calling code but no `+` (`62812…`) is read as international.
 */
export function normalizePhone(input: string, defaultRegion: CountryCode = 'ID'): string | null {
  const trimmed = input.trim();
  if (!PHONE_CHARS.test(trimmed)) return null;
  const digits = trimmed.replace(/[^0-9]/g, '');
  const candidates: string[] = [];
  if (trimmed.startsWith('+')) candidates.push(`+${digits}`);
  else if (digits.startsWith('00')) candidates.push(`+${digits.slice(2)}`);
  else {
    let code: string | undefined;
    try {
      code = getCountryCallingCode(defaultRegion);
    } catch {
      return null;
    }
    if (digits.startsWith(code)) candidates.push(`+${digits}`);
    candidates.push(digits);
  }
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, defaultRegion);
    if (parsed?.isValid()) return parsed.number;
  }
  return null;
}

/** The default region for a tenant's numbers, from its locale (`id-ID` → `ID`); Indonesia otherwise. */
export function regionFromLocale(locale: string | null | undefined): CountryCode {
  const region = locale?.split(/[-_]/)[1]?.toUpperCase();
  if (region && /^[A-Z]{2}$/.test(region)) {
    try {
      getCountryCallingCode(region as CountryCode);
      return region as CountryCode;
    } catch {
      // Unknown region: fall through to the product's home market.
    }
  }
  return 'ID';
}
