// The one Hono environment type: what middleware puts on `c.var` for handlers to read.
import type { Tenant, UserRole } from '../../drizzle/schema';
import type { Deps } from './deps';
import type { RateLimitDecision } from './rate-limit/store';

export type AuthContext = {
  userId: string;
  tenantId: string;
  role: UserRole;
  email: string;
};

export type AppEnv = {
  Variables: {
    requestId: string;
    deps: Deps;
    tenant: Tenant;
    auth: AuthContext;
    /** Set by the platform-key middleware on /api/platform routes. */
    platform: { keyId: string };
    /** The tightest rate-limit decision so far: the one the response's RateLimit-* headers report. */
    rateLimit: RateLimitDecision;
  };
};
