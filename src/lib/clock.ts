// Injectable time, so lockouts, token expiry and job backoff are tested without sleeping.
export type Clock = {
  now(): Date;
  /** The same instant in epoch milliseconds, without a Date: for the per-request hot path. */
  ms(): number;
};

export const systemClock: Clock = { now: () => new Date(), ms: Date.now };

/** A clock tests move by hand. */
export function manualClock(start: Date | string = '2026-01-01T00:00:00Z') {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    ms: () => t,
    advance(ms: number) {
      t += ms;
    },
    set(at: Date | string) {
      t = new Date(at).getTime();
    },
  };
}
