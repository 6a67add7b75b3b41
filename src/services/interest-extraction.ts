// Reads what a buyer wants out of a free-text inquiry (Indonesian or English) without any model:
// brand, model, year, budget, transmission, payment and urgency. Pure functions, so every rule is
// unit-tested; the AI path later puts a model in front and keeps this as its fallback.
import { findBrand, findModel } from './car-vocabulary';

export type Budget =
  /** "di bawah 300 juta", "max 200jt", "under Rp 150.000.000": price at most `amount`. */
  | { kind: 'max'; amount: number }
  /** "budget 180jt", "sekitar 200 juta", "around Rp 450.000.000": up to 10% above is still a match. */
  | { kind: 'around'; amount: number }
  /** "150-200jt", "antara 150 sampai 200 juta". */
  | { kind: 'range'; min: number; amount: number };

export type Interest = {
  language: 'id' | 'en';
  brand: string | null;
  model: string | null;
  year: number | null;
  yearMin: number | null;
  yearMax: number | null;
  budget: Budget | null;
  transmission: 'manual' | 'automatic' | null;
  payment: 'cash' | 'credit' | null;
  downPayment: number | null;
  urgent: boolean;
  testDrive: boolean;
};

const UNIT = 'jt|juta|jutaan|million|mio|miliar|milyar|billion|bn|rb|ribu|m|b|k';
const NUMBER = String.raw`\d+(?:[.,]\d+)*`;
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';
const MIN_PRICE = 10_000_000;
const MAX_PRICE = 50_000_000_000;

const RANGE = new RegExp(
  String.raw`(?:rp\.?\s*)?(${NUMBER})\s*(?:${UNIT})?\s*(?:-|–|s\/d|sd|sampai|hingga|to)\s*(?:rp\.?\s*)?(${NUMBER})\s*(${UNIT})${NOT_WORD_AFTER}`,
  'giu',
);
const AMOUNT = new RegExp(String.raw`(rp\.?\s*)?(${NUMBER})(?:\s*(${UNIT})${NOT_WORD_AFTER})?`, 'giu');

const MAX_WORDS =
  /(di ?bawah|under|below|max\.?|maks\.?|maksimal|maximum|kurang dari|less than|up to|paling mahal|tidak lebih dari|no more than|not more than)\s*(rp\.?)?\s*$/u;
const BUDGET_WORDS =
  /(budget|bujet|dana|harga|price|sekitar|kisaran|around|about|approx\.?|kira-kira|kurang lebih|±|\+-)\s*:?\s*(rp\.?)?\s*$/u;
const DP_WORDS = /(dp|d\.p\.?|uang muka|down ?payment)\s*:?\s*(rp\.?)?\s*$/u;
const INSTALLMENT_BEFORE = /(cicilan|angsuran|installment|instalment|nyicil)\s*:?\s*(rp\.?)?\s*$/u;
const INSTALLMENT_AFTER = /^\s*(\/|per\s*|se)(bln|bulan|month|bulannya|mo)/u;

/** A number as written with a unit: `200` jt, `1,2` M, `Rp 150.000.000`. */
function toAmount(digits: string, unit: string | undefined): number | null {
  const u = unit?.toLowerCase();
  const grouped = /^\d{1,3}([.,]\d{3})+$/.test(digits);
  let value: number;
  if (!u || u === 'rb' || u === 'ribu' || u === 'k') {
    value = Number(grouped || !u ? digits.replace(/[.,]/g, '') : digits.replace(',', '.'));
  } else {
    value = Number((digits.match(/[.,]/g)?.length ?? 0) > 1 ? digits.replace(/[.,]/g, '') : digits.replace(',', '.'));
  }
  if (!Number.isFinite(value)) return null;
  switch (u) {
    case undefined:
      return value;
    case 'rb':
    case 'ribu':
    case 'k':
      return value * 1e3;
    case 'jt':
    case 'juta':
    case 'jutaan':
    case 'million':
    case 'mio':
      return value * 1e6;
    case 'm':
      // Indonesian "1,2M" is miliar; English "450m" is million. No car costs under Rp 10 juta.
      return value * 1e6 >= MIN_PRICE ? value * 1e6 : value * 1e9;
    default:
      return value * 1e9;
  }
}

const plausible = (n: number | null): n is number => n !== null && n >= MIN_PRICE && n <= MAX_PRICE;

type Money = { budget: Budget | null; downPayment: number | null; installment: boolean; spans: [number, number][] };

function extractMoney(text: string): Money {
  const out: Money = { budget: null, downPayment: null, installment: false, spans: [] };
  for (const match of text.matchAll(RANGE)) {
    const min = toAmount(match[1]!, match[3]);
    const max = toAmount(match[2]!, match[3]);
    if (plausible(min) && plausible(max) && min < max && !out.budget) {
      out.budget = { kind: 'range', min, amount: max };
      out.spans.push([match.index, match.index + match[0].length]);
    }
  }
  for (const match of text.matchAll(AMOUNT)) {
    const start = match.index;
    const end = start + match[0].length;
    if (out.spans.some(([s, e]) => start < e && end > s)) continue;
    const before = text.slice(Math.max(0, start - 30), start);
    const [, rp, digits, unit] = match;
    // A bare number (no Rp, no unit) is a price only right after a budget word: "budget 180000000".
    if (!rp && !unit && !(BUDGET_WORDS.test(before) || MAX_WORDS.test(before))) continue;
    const amount = toAmount(digits!, unit);
    if (!plausible(amount)) continue;
    out.spans.push([start, end]);
    if (DP_WORDS.test(before)) {
      out.downPayment ??= amount;
    } else if (INSTALLMENT_BEFORE.test(before) || INSTALLMENT_AFTER.test(text.slice(end))) {
      out.installment = true;
    } else if (!out.budget) {
      out.budget = { kind: MAX_WORDS.test(before) ? 'max' : 'around', amount };
    }
  }
  return out;
}

const YEAR = /(?<![\p{N}.,])(19[89]\d|20[0-4]\d)(?![\p{N}]|[.,]\d)/gu;
const YEAR_RANGE =
  /(?<![\p{N}.,])(19[89]\d|20[0-4]\d)\s*(?:-|–|s\/d|sd|sampai|hingga|to)\s*(19[89]\d|20[0-4]\d)(?![\p{N}])/u;
const YEAR_MIN_BEFORE =
  /(minimal|min\.?|minimum|at least|from|mulai|mulai dari|di ?atas|above|newer than|after|setelah)\s*(tahun|thn|th\.?|year)?\s*$/u;
const YEAR_MIN_AFTER = /^\s*(ke ?atas|\+|or newer|or later|and above|and newer|and up|up)/u;
const YEAR_MAX_BEFORE =
  /(maksimal|maks\.?|max\.?|maximum|sebelum|before|older than|paling baru)\s*(tahun|thn|th\.?|year)?\s*$/u;

function extractYears(text: string): Pick<Interest, 'year' | 'yearMin' | 'yearMax'> {
  const range = YEAR_RANGE.exec(text);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])].sort((x, y) => x - y) as [number, number];
    return { year: null, yearMin: a, yearMax: b };
  }
  for (const match of text.matchAll(YEAR)) {
    const year = Number(match[1]);
    const before = text.slice(Math.max(0, match.index - 25), match.index);
    const after = text.slice(match.index + match[0].length);
    if (YEAR_MIN_BEFORE.test(before) || YEAR_MIN_AFTER.test(after)) return { year: null, yearMin: year, yearMax: null };
    if (YEAR_MAX_BEFORE.test(before)) return { year: null, yearMin: null, yearMax: year };
    return { year, yearMin: null, yearMax: null };
  }
  return { year: null, yearMin: null, yearMax: null };
}

const has = (re: RegExp, text: string) => re.test(text);

const AUTOMATIC = /(?<![\p{L}])(matic|matik|metik|automatic|automatik|otomatis|a\/t|cvt|tiptronic)(?![\p{L}])/u;
const AUTOMATIC_CODE = /(?<![\p{L}])AT(?![\p{L}])/u;
const MANUAL = /(?<![\p{L}])(manual|m\/t)(?![\p{L}])/u;
const MANUAL_CODE = /(?<![\p{L}])MT(?![\p{L}])/u;
const CASH = /(?<![\p{L}])(cash|tunai|cash keras|lunas)(?![\p{L}])/u;
const CREDIT =
  /(?<![\p{L}])(kredit|credit|cicil|cicilan|nyicil|angsuran|leasing|installments?|instalments?|financing|finance|tenor|dp|uang muka|down ?payment)(?![\p{L}])/u;
const URGENT =
  /(?<![\p{L}])(hari ini|today|secepatnya|asap|urgent|segera|besok|tomorrow|minggu ini|this week|right now|buru-buru|butuh cepat)(?![\p{L}])/u;
const TEST_DRIVE =
  /(?<![\p{L}])(test ?drive|tes ?drive|testdrive|coba (unit|mobil|bawa|nyetir)|lihat (unit|mobil|mobilnya|langsung)|liat (unit|mobil|mobilnya|langsung)|cek (unit|mobil|fisik)|viewing|see the car|view the car|visit|datang ke (showroom|dealer|lokasi)|mampir|survey unit)(?![\p{L}])/u;

const ID_WORDS =
  /(?<![\p{L}])(ada|cari|mau|masih|bisa|saya|aku|yang|dong|gan|kak|pak|bu|bang|harga|berapa|tahun|juta|jt|ini|itu|untuk|dengan|tidak|belum|sudah|mobil|kredit|boleh|minta|tolong|terima kasih|halo|ya|nya|di|ke|dan|atau|bawah|kalau|gimana|apakah)(?![\p{L}])/gu;
const EN_WORDS =
  /(?<![\p{L}])(looking|for|the|is|an|a|around|still|available|price|want|please|hi|hello|how|much|can|i|my|car|under|with|interested|any|do|you|have|would|like|thanks|year)(?![\p{L}])/gu;

/** Indonesian unless the text reads as clearly English (the product's home market wins a tie). */
export function detectLanguage(text: string): 'id' | 'en' {
  const lower = text.toLowerCase();
  const id = lower.match(ID_WORDS)?.length ?? 0;
  const en = lower.match(EN_WORDS)?.length ?? 0;
  return en > id ? 'en' : 'id';
}

export function extractInterest(text: string): Interest {
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  const money = extractMoney(lower);
  // Years are read with money blanked out, so "Rp 2.019.000" or "2020jt" is never a year.
  let yearText = lower;
  for (const [s, e] of money.spans) yearText = yearText.slice(0, s) + ' '.repeat(e - s) + yearText.slice(e);
  const named = findBrand(lower);
  const model = findModel(lower, named);
  const transmission =
    has(AUTOMATIC, lower) || has(AUTOMATIC_CODE, text)
      ? 'automatic'
      : has(MANUAL, lower) || has(MANUAL_CODE, text)
        ? 'manual'
        : null;
  const payment = has(CASH, lower)
    ? 'cash'
    : has(CREDIT, lower) || money.downPayment || money.installment
      ? 'credit'
      : null;
  return {
    language: detectLanguage(text),
    brand: named ?? model?.brand ?? null,
    model: model?.model ?? null,
    ...extractYears(yearText),
    budget: money.budget,
    transmission,
    payment,
    downPayment: money.downPayment,
    urgent: has(URGENT, lower),
    testDrive: has(TEST_DRIVE, lower),
  };
}

/**
 * Lead score (0..100) from explicit signals only; every point has a reason a salesperson can read.
 *
 *   +10  wrote to us at all (every scored lead starts here)
 *   +20  named a specific model (+10 if only a brand)
 *   +20  gave a budget (an amount, a ceiling or a range)
 *   +5   gave a year or a year range
 *   +5   gave a transmission
 *   +15  will pay cash; +10 asks about credit (kredit, cicilan, leasing, DP); +5 more if a DP amount is given
 *   +20  urgency ("hari ini", "today", "besok", "segera", "asap", "minggu ini")
 *   +20  asks for a test drive or to see the car
 *   +10  inquired from a specific listing (the storefront form sent a car)
 *
 * Temperature: hot at 60 or more, warm at 35 or more, cold below.
 * So "Avanza 2019 budget 180jt" is warm (55), "test drive Fortuner besok, cash" is hot (85) and "halo" is cold (10).
 */
export type Temperature = 'hot' | 'warm' | 'cold';

export type LeadScore = { score: number; temperature: Temperature; reasons: string[] };

export const HOT_AT = 60;
export const WARM_AT = 35;

export function scoreInterest(interest: Interest, context: { carLinked?: boolean } = {}): LeadScore {
  const reasons: string[] = ['contact'];
  let score = 10;
  const add = (points: number, reason: string) => {
    score += points;
    reasons.push(reason);
  };
  if (interest.model) add(20, 'model');
  else if (interest.brand) add(10, 'brand');
  if (interest.budget) add(20, 'budget');
  if (interest.year || interest.yearMin || interest.yearMax) add(5, 'year');
  if (interest.transmission) add(5, 'transmission');
  if (interest.payment === 'cash') add(15, 'cash');
  else if (interest.payment === 'credit') add(10, 'credit');
  if (interest.downPayment) add(5, 'down_payment');
  if (interest.urgent) add(20, 'urgent');
  if (interest.testDrive) add(20, 'test_drive');
  if (context.carLinked) add(10, 'listing');
  score = Math.min(100, score);
  return { score, temperature: score >= HOT_AT ? 'hot' : score >= WARM_AT ? 'warm' : 'cold', reasons };
}
