// The follow-up reply, written in the buyer's language: a greeting, up to three matching cars with
// price and storefront link, and an invitation to view or test drive. Pure; no model involved.
import { formatPrice } from '../lib/money';
import { carUrl, type MatchResult } from './car-matching';
import type { Interest } from './interest-extraction';

export type ReplyInput = {
  language: 'id' | 'en';
  leadName: string | null;
  tenantName: string;
  interest: Pick<Interest, 'brand' | 'model'>;
  matches: MatchResult;
  baseUrl: string;
  locale: string;
  currency: string;
};

const text = {
  id: {
    hello: (name: string | null) => (name ? `Halo ${name}, ` : 'Halo, '),
    thanks: (tenant: string) => `terima kasih sudah menghubungi ${tenant}!`,
    exact: (what: string | null) =>
      what ? `Untuk ${what}, ini pilihan yang tersedia:` : 'Ini beberapa pilihan yang tersedia:',
    relaxed: 'Belum ada yang persis sesuai kriteria, tapi ini yang paling mendekati:',
    none: 'Saat ini unit yang sesuai belum tersedia. Tim kami akan segera menghubungi dengan pilihan lain.',
    booked: ' (sedang dipesan)',
    close: 'Mau jadwalkan lihat unit atau test drive?',
  },
  en: {
    hello: (name: string | null) => (name ? `Hi ${name}, ` : 'Hi, '),
    thanks: (tenant: string) => `thank you for contacting ${tenant}!`,
    exact: (what: string | null) => (what ? `For the ${what}, here is what we have:` : 'Here are a few cars we have:'),
    relaxed: 'Nothing matches exactly yet, but these are the closest:',
    none: 'We have no matching car in stock right now. Our team will be in touch with other options soon.',
    booked: ' (on hold)',
    close: 'Would you like to book a viewing or a test drive?',
  },
} as const;

export function composeReply(input: ReplyInput): string {
  const t = text[input.language];
  const what = input.interest.model
    ? `${input.interest.brand ? `${input.interest.brand} ` : ''}${input.interest.model}`
    : input.interest.brand;
  const lines = [`${t.hello(input.leadName)}${t.thanks(input.tenantName)}`, ''];
  const cars = input.matches.cars;
  if (cars.length === 0) {
    lines.push(t.none);
    return lines.join('\n');
  }
  lines.push(input.matches.relaxed ? t.relaxed : t.exact(what));
  cars.forEach((car, i) => {
    const price = formatPrice(car.price, input.locale, input.currency);
    lines.push(`${i + 1}. ${car.title} — ${price}${car.status === 'booking' ? t.booked : ''}`);
    lines.push(`   ${carUrl(input.baseUrl, car.slug)}`);
  });
  lines.push('', t.close);
  return lines.join('\n');
}
