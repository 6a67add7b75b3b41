// One phone rule for leads (web form, WhatsApp sender, GHL contact): normalise to E.164 so one
// person maps to one lead per tenant. Indonesian habits (0812…, 62812… without "+") are understood.
import { type CountryCode, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

// Separators people type; anything else (letters, "ext", emoji) means it is not just a phone number.
const ALLOWED = /^\+?[\d\s().\-/]+$/;
const MAX_INPUT_LENGTH = 32;

function validE164(candidate: string, region: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(candidate, region);
  return parsed?.isValid() ? parsed.number : null;
}

/**
 * Returns the E.164 form (`+6281234567890`) of a phone number, or null when the input is not a
 * valid phone number (callers answer 400). Numbers without "+" are read in `defaultRegion`; a number
 * that starts with that region's calling code (`62812…`) is read as already carrying it, and a
 * leading `00` is read as the international prefix.
 */
export function normalizePhone(input: unknown, defaultRegion: CountryCode = 'ID'): string | null {
  if (typeof input !== 'string') return null;
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_INPUT_LENGTH || !ALLOWED.test(trimmed)) return null;

  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 15 + 2) return null;

  if (trimmed.startsWith('+')) return validE164(`+${digits}`, defaultRegion);
  if (digits.startsWith('00')) return validE164(`+${digits.slice(2)}`, defaultRegion);

  // "62812…" is far more likely a number with its country code than a national number starting 62.
  const callingCode = getCountryCallingCode(defaultRegion);
  if (digits.startsWith(callingCode)) {
    const international = validE164(`+${digits}`, defaultRegion);
    if (international) return international;
  }
  return validE164(digits, defaultRegion);
}

/** True when `normalizePhone` would accept the input. */
export function isValidPhone(input: unknown, defaultRegion: CountryCode = 'ID'): boolean {
  return normalizePhone(input, defaultRegion) !== null;
}

/** Fonnte and WhatsApp speak bare digits with the country code (`6281234567890`). */
export function toWhatsAppNumber(e164: string): string {
  return e164.replace(/^\+/, '');
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
