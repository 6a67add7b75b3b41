// What the benchmark's phases share: seeded shuffles (every variant takes every position in turn alike),
// robust summaries of per-request times (a request that was preempted or met a GC pause is an outlier), and
// the number formats of bench/RESULTS.md.

export type Stats = { p25: number; median: number; p75: number; iqm: number };

/** Quartiles, median and interquartile mean of a sample. */
export function stats(xs: Float64Array): Stats {
  const s = Float64Array.from(xs).sort();
  const q = (p: number) => s[Math.floor((s.length - 1) * p)]!;
  const middle = s.subarray(Math.floor(s.length * 0.25), Math.ceil(s.length * 0.75));
  return { p25: q(0.25), median: q(0.5), p75: q(0.75), iqm: middle.reduce((a, b) => a + b, 0) / middle.length };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** A fresh random order of 0..n−1 each call (seeded: runs are repeatable in what they send). */
export function shuffler(n: number, seed: number) {
  const order = Array.from({ length: n }, (_, k) => k);
  const random = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return seed / 2 ** 32;
  };
  return () => {
    for (let j = order.length - 1; j > 0; j--) {
      const r = Math.floor(random() * (j + 1));
      [order[j], order[r]] = [order[r]!, order[j]!];
    }
    return order;
  };
}

export const pct = (a: number, b: number) => (a / b - 1) * 100;
export const fmt = (x: number) => x.toFixed(2);
/** A signed difference: per cent to one decimal, or another unit (' µs') to two. */
export const signed = (x: number, unit = ' %') =>
  `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(unit === ' %' ? 1 : 2)}${unit}`;
