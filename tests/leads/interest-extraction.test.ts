import { describe, expect, test } from 'bun:test';
import { detectLanguage, extractInterest, scoreInterest } from '../../src/services/interest-extraction';
import { mergeInterest } from '../../src/services/lead-follow-up';

describe('extractInterest: the four reference inquiries', () => {
  test('"Avanza 2019 budget 180jt"', () => {
    expect(extractInterest('Avanza 2019 budget 180jt')).toMatchObject({
      language: 'id',
      brand: 'Toyota',
      model: 'Avanza',
      year: 2019,
      budget: { kind: 'around', amount: 180_000_000 },
      transmission: null,
    });
  });

  test('"cari innova matic di bawah 300 juta"', () => {
    expect(extractInterest('cari innova matic di bawah 300 juta')).toMatchObject({
      language: 'id',
      brand: 'Toyota',
      model: 'Innova',
      year: null,
      budget: { kind: 'max', amount: 300_000_000 },
      transmission: 'automatic',
    });
  });

  test('"looking for an automatic Fortuner around Rp 450.000.000"', () => {
    expect(extractInterest('looking for an automatic Fortuner around Rp 450.000.000')).toMatchObject({
      language: 'en',
      brand: 'Toyota',
      model: 'Fortuner',
      budget: { kind: 'around', amount: 450_000_000 },
      transmission: 'automatic',
    });
  });

  test('"ada brio manual tahun 2018?"', () => {
    expect(extractInterest('ada brio manual tahun 2018?')).toMatchObject({
      language: 'id',
      brand: 'Honda',
      model: 'Brio',
      year: 2018,
      budget: null,
      transmission: 'manual',
    });
  });
});

describe('extractInterest: budgets', () => {
  const budget = (text: string) => extractInterest(text).budget;

  test('juta, jt, Rp with thousands separators, miliar and M', () => {
    expect(budget('budget 200jt')).toEqual({ kind: 'around', amount: 200_000_000 });
    expect(budget('dana 250 juta')).toEqual({ kind: 'around', amount: 250_000_000 });
    expect(budget('Rp 150.000.000 ada?')).toEqual({ kind: 'around', amount: 150_000_000 });
    expect(budget('Rp150jt')).toEqual({ kind: 'around', amount: 150_000_000 });
    expect(budget('pajero 1,2M')).toEqual({ kind: 'around', amount: 1_200_000_000 });
    expect(budget('alphard 1.5 miliar')).toEqual({ kind: 'around', amount: 1_500_000_000 });
    expect(budget('around 450m')).toEqual({ kind: 'around', amount: 450_000_000 });
    expect(budget('budget 180000000')).toEqual({ kind: 'around', amount: 180_000_000 });
  });

  test('ceilings and ranges', () => {
    expect(budget('maksimal 175jt')).toEqual({ kind: 'max', amount: 175_000_000 });
    expect(budget('under Rp 150.000.000')).toEqual({ kind: 'max', amount: 150_000_000 });
    expect(budget('dibawah 200 juta')).toEqual({ kind: 'max', amount: 200_000_000 });
    expect(budget('150-200jt')).toEqual({ kind: 'range', min: 150_000_000, amount: 200_000_000 });
    expect(budget('antara 150 sampai 200 juta')).toEqual({ kind: 'range', min: 150_000_000, amount: 200_000_000 });
  });

  test('a DP or an installment is not the budget', () => {
    const dp = extractInterest('xpander dp 50jt bisa?');
    expect(dp.budget).toBeNull();
    expect(dp.downPayment).toBe(50_000_000);
    expect(dp.payment).toBe('credit');
    const both = extractInterest('budget 250jt, DP 60 juta');
    expect(both.budget).toEqual({ kind: 'around', amount: 250_000_000 });
    expect(both.downPayment).toBe(60_000_000);
    const installment = extractInterest('cicilan 5jt/bulan bisa? xpander');
    expect(installment.budget).toBeNull();
    expect(installment.payment).toBe('credit');
  });

  test('years and small numbers are not money', () => {
    expect(budget('avanza 2019')).toBeNull();
    expect(budget('ertiga 7 seater 2 unit')).toBeNull();
    expect(budget('harga 5jt?')).toBeNull();
  });
});

describe('extractInterest: years, transmission, models', () => {
  test('year ranges and minimums', () => {
    expect(extractInterest('hrv 2017-2019')).toMatchObject({ year: null, yearMin: 2017, yearMax: 2019 });
    expect(extractInterest('fortuner 2018 ke atas')).toMatchObject({ year: null, yearMin: 2018 });
    expect(extractInterest('minimal tahun 2020')).toMatchObject({ yearMin: 2020 });
    expect(extractInterest('a 2019 or newer civic')).toMatchObject({ yearMin: 2019 });
    expect(extractInterest('Rp 2.019.000.000 alphard')).toMatchObject({ year: null, yearMin: null });
  });

  test('transmission words and codes', () => {
    expect(extractInterest('yang metik ada?').transmission).toBe('automatic');
    expect(extractInterest('otomatis').transmission).toBe('automatic');
    expect(extractInterest('Jazz RS AT').transmission).toBe('automatic');
    expect(extractInterest('Avanza G MT').transmission).toBe('manual');
    expect(extractInterest('what time are you open').transmission).toBeNull();
  });

  test('model spellings map to the catalogue name and brand', () => {
    expect(extractInterest('ada hrv?')).toMatchObject({ brand: 'Honda', model: 'HR-V' });
    expect(extractInterest('CR-V turbo')).toMatchObject({ brand: 'Honda', model: 'CR-V' });
    expect(extractInterest('mazda cx5')).toMatchObject({ brand: 'Mazda', model: 'CX-5' });
    expect(extractInterest('grand livina')).toMatchObject({ brand: 'Nissan', model: 'Grand Livina' });
    expect(extractInterest('yaris cross hybrid')).toMatchObject({ model: 'Yaris Cross' });
    expect(extractInterest('pajero dakar')).toMatchObject({ model: 'Pajero Sport' });
  });

  test('word-like models need their brand', () => {
    expect(extractInterest("I'm in a rush, any cars?")).toMatchObject({ brand: null, model: null });
    expect(extractInterest('toyota rush 2021')).toMatchObject({ brand: 'Toyota', model: 'Rush' });
    expect(extractInterest('honda city')).toMatchObject({ model: 'City' });
    expect(extractInterest('dealer di city center')).toMatchObject({ model: null });
  });

  test('brand only', () => {
    expect(extractInterest('ada mobil toyota yang murah?')).toMatchObject({ brand: 'Toyota', model: null });
  });
});

describe('detectLanguage', () => {
  test('Indonesian, English, and a tie goes to Indonesian', () => {
    expect(detectLanguage('masih ada unitnya kak?')).toBe('id');
    expect(detectLanguage('Is this car still available?')).toBe('en');
    expect(detectLanguage('Fortuner VRZ')).toBe('id');
  });
});

describe('scoreInterest', () => {
  const score = (text: string, carLinked = false) => scoreInterest(extractInterest(text), { carLinked });

  test('a bare greeting is cold', () => {
    expect(score('halo')).toEqual({ score: 10, temperature: 'cold', reasons: ['contact'] });
  });

  test('model, budget and year make a warm lead', () => {
    expect(score('Avanza 2019 budget 180jt')).toMatchObject({ score: 55, temperature: 'warm' });
  });

  test('urgency, a test drive and cash make it hot', () => {
    const s = score('Mau test drive Fortuner besok, cash');
    expect(s).toMatchObject({ score: 85, temperature: 'hot' });
    expect(s.reasons).toEqual(['contact', 'model', 'cash', 'urgent', 'test_drive']);
  });

  test('credit with a DP amount counts, and a brand alone counts less than a model', () => {
    expect(score('toyota kredit dp 50jt').reasons).toEqual(['contact', 'brand', 'credit', 'down_payment']);
    expect(score('toyota kredit dp 50jt').score).toBe(35);
  });

  test('an inquiry from a listing counts, and the score is capped at 100', () => {
    expect(score('masih ada?', true)).toMatchObject({ score: 20, temperature: 'cold' });
    const max = score('test drive hari ini Fortuner 2020 matic cash budget 500jt dp 100jt', true);
    expect(max.score).toBe(100);
    expect(max.temperature).toBe('hot');
  });
});

describe('mergeInterest', () => {
  test('a later message keeps what earlier ones said', () => {
    const first = extractInterest('Avanza 2019 budget 180jt');
    const merged = mergeInterest(first, extractInterest('bisa test drive besok?'));
    expect(merged).toMatchObject({
      model: 'Avanza',
      year: 2019,
      budget: { amount: 180_000_000 },
      testDrive: true,
      urgent: true,
    });
  });

  test('a new model drops the old year; garbage from an older format is ignored', () => {
    const first = extractInterest('Avanza 2019 budget 180jt');
    expect(mergeInterest(first, extractInterest('kalau xpander?'))).toMatchObject({ model: 'Xpander', year: null });
    expect(mergeInterest({ model: 42 }, extractInterest('halo'))).toMatchObject({ model: null });
  });
});
