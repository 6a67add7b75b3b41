// Access tokens: HS256 JWTs (algorithm pinned) signed with the first key of a key ring and verified
// with any key by `kid`, so a key can be rotated while the old one is still accepted.
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { UserRole } from '../../drizzle/schema';
import type { Clock } from '../lib/clock';

export type AccessClaims = { sub: string; tid: string; role: UserRole; email: string };

export type TokenServiceOptions = {
  keys: { kid: string; secret: string }[];
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clock: Clock;
  /** Seconds of clock skew tolerated between issuer and verifier. */
  clockToleranceSeconds?: number;
};

const ALG = 'HS256';
/** The `typ` header every access token carries; refresh tokens are opaque and never JWTs. */
const TOKEN_TYPE = 'access+jwt';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

export function createTokenService(options: TokenServiceOptions) {
  if (options.keys.length === 0) throw new Error('createTokenService: at least one key is required');
  const encoder = new TextEncoder();
  const keys = new Map(options.keys.map((k) => [k.kid, encoder.encode(k.secret)]));
  const signing = options.keys[0]!;
  const signingKey = keys.get(signing.kid)!;

  async function signAccess(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const now = Math.floor(options.clock.now().getTime() / 1000);
    const token = await new SignJWT({ tid: claims.tid, role: claims.role, email: claims.email })
      .setProtectedHeader({ alg: ALG, kid: signing.kid, typ: TOKEN_TYPE })
      .setSubject(claims.sub)
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + options.ttlSeconds)
      .sign(signingKey);
    return { token, expiresIn: options.ttlSeconds };
  }

  async function verifyAccess(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid ? keys.get(header.kid) : undefined;
          if (!key) throw new InvalidTokenError('unknown key id');
          return key;
        },
        {
          algorithms: [ALG],
          issuer: options.issuer,
          audience: options.audience,
          typ: TOKEN_TYPE,
          clockTolerance: options.clockToleranceSeconds ?? 5,
          currentDate: options.clock.now(),
          requiredClaims: ['exp', 'iat', 'sub', 'tid', 'iss', 'aud'],
        },
      );
      if (typeof payload.tid !== 'string' || !UUID.test(payload.tid)) throw new InvalidTokenError('bad tid');
      if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw new InvalidTokenError('bad sub');
      // jose checks exp/nbf but not a future iat: a token "issued" later than now was not issued by us.
      const nowSeconds = options.clock.now().getTime() / 1000;
      if ((payload.iat ?? 0) > nowSeconds + (options.clockToleranceSeconds ?? 5))
        throw new InvalidTokenError('issued in the future');
      const role = payload.role;
      if (role !== 'owner' && role !== 'admin' && role !== 'sales') throw new InvalidTokenError('bad role');
      return { sub: payload.sub, tid: payload.tid, role, email: String(payload.email ?? '') };
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      if (err instanceof joseErrors.JOSEError) throw new InvalidTokenError(err.code);
      throw new InvalidTokenError('invalid token');
    }
  }

  return { signAccess, verifyAccess };
}

export type TokenService = ReturnType<typeof createTokenService>;
