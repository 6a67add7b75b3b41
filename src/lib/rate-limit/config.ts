// Rate-limit groups, their default token-bucket rules and the RATE_LIMIT_OVERRIDES format
// (`group:capacity/window[,…]`, window `30s`, `15m`, `1h` or bare seconds; `group:off` disables a group).
export const RATE_LIMIT_GROUPS = ['public', 'inquiries', 'login', 'admin', 'webhooks'] as const;

export type RateLimitGroup = (typeof RATE_LIMIT_GROUPS)[number];

/** A token bucket holding `capacity` tokens that refills completely over `windowSeconds`. */
export type RateLimitRule = { capacity: number; windowSeconds: number };

/** `null` switches a group off. */
export type RateLimitConfig = Record<RateLimitGroup, RateLimitRule | null>;

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  /** Storefront reads per client IP and tenant: bursts of a page's worth of requests, 5/s sustained. */
  public: { capacity: 300, windowSeconds: 60 },
  /** Lead inquiries per client IP and tenant: a handful an hour. */
  inquiries: { capacity: 5, windowSeconds: 3600 },
  /** Sign-in and token refresh per client IP and tenant; per-account lockout comes on top. */
  login: { capacity: 20, windowSeconds: 300 },
  /** Admin API per signed-in user (per IP before sign-in). */
  admin: { capacity: 600, windowSeconds: 60 },
  /** Webhook deliveries per provider and sender IP: providers burst when they replay a backlog. */
  webhooks: { capacity: 1200, windowSeconds: 60 },
};

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Parses RATE_LIMIT_OVERRIDES onto the defaults; every malformed entry is reported. */
export function parseRateLimitOverrides(raw: string | undefined): { config: RateLimitConfig; problems: string[] } {
  const config: RateLimitConfig = { ...DEFAULT_RATE_LIMITS };
  const problems: string[] = [];
  if (!raw) return { config, problems };
  for (const entry of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+):(?:(off)|(\d+)\/(\d+)([smhd]?))$/.exec(entry);
    const group = match?.[1] as RateLimitGroup | undefined;
    if (!match || !group || !RATE_LIMIT_GROUPS.includes(group)) {
      problems.push(
        `RATE_LIMIT_OVERRIDES: "${entry}" must be "group:capacity/window" or "group:off" with group one of ${RATE_LIMIT_GROUPS.join(', ')}`,
      );
      continue;
    }
    if (match[2]) {
      config[group] = null;
      continue;
    }
    const capacity = Number(match[3]);
    const windowSeconds = Number(match[4]) * UNIT_SECONDS[match[5] || 's']!;
    if (capacity < 1 || capacity > 1_000_000 || windowSeconds < 1 || windowSeconds > 7 * 86_400) {
      problems.push(`RATE_LIMIT_OVERRIDES: "${entry}" needs capacity 1..1000000 and a window of 1s..7d`);
      continue;
    }
    config[group] = { capacity, windowSeconds };
  }
  return { config, problems };
}
