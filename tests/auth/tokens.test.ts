// The access-token service on its own: pinned algorithm, required claims, typ, key rotation by kid,
// clock tolerance; and the bearer middleware's tenant binding.
import { describe, expect, test } from 'bun:test';
import { SignJWT } from 'jose';
import { createTokenService, InvalidTokenError } from '../../src/auth/tokens';
import { manualClock } from '../../src/lib/clock';

const OLD = { kid: 'k2025', secret: 'o'.repeat(48) };
const NEW = { kid: 'k2026', secret: 'n'.repeat(48) };
const claims = {
  sub: '01900000-0000-7000-8000-000000000001',
  tid: '01900000-0000-7000-8000-0000000000aa',
  role: 'admin' as const,
  email: 'a@x.test',
};

function service(keys = [NEW, OLD], clock = manualClock('2026-05-01T00:00:00Z')) {
  return {
    clock,
    tokens: createTokenService({ keys, issuer: 'showroom', audience: 'showroom-admin', ttlSeconds: 900, clock }),
  };
}

const rejects = async (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(InvalidTokenError);

async function forge(
  secret: string,
  overrides: { header?: Record<string, unknown>; payload?: Record<string, unknown>; omitExp?: boolean } = {},
) {
  const now = Math.floor(new Date('2026-05-01T00:00:00Z').getTime() / 1000);
  const payload: Record<string, unknown> = {
    tid: claims.tid,
    role: 'owner',
    email: claims.email,
    sub: claims.sub,
    iss: 'showroom',
    aud: 'showroom-admin',
    iat: now,
    ...(overrides.omitExp ? {} : { exp: now + 600 }),
    ...overrides.payload,
  };
  const jwt = new SignJWT(payload).setProtectedHeader({
    alg: 'HS256',
    kid: NEW.kid,
    typ: 'access+jwt',
    ...overrides.header,
  } as never);
  return jwt.sign(new TextEncoder().encode(secret));
}

describe('access tokens', () => {
  test('round trip: kid header, typ, all required claims', async () => {
    const { tokens } = service();
    const { token, expiresIn } = await tokens.signAccess(claims);
    expect(expiresIn).toBe(900);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', kid: NEW.kid, typ: 'access+jwt' });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(Object.keys(payload).sort()).toEqual(['aud', 'email', 'exp', 'iat', 'iss', 'role', 'sub', 'tid']);
    expect(await tokens.verifyAccess(token)).toEqual(claims);
  });

  test('rotation: tokens of the old key verify while it stays in the ring, not after', async () => {
    const before = service([OLD]);
    const { token } = await before.tokens.signAccess(claims);
    const during = service([NEW, OLD]);
    expect((await during.tokens.verifyAccess(token)).sub).toBe(claims.sub);
    const fresh = (await during.tokens.signAccess(claims)).token;
    expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid).toBe(NEW.kid);
    await rejects(service([NEW]).tokens.verifyAccess(token));
  });

  test('expiry honours a 5 second clock tolerance', async () => {
    const { tokens, clock } = service();
    const { token } = await tokens.signAccess(claims);
    clock.advance(900_000 + 4_000);
    expect((await tokens.verifyAccess(token)).sub).toBe(claims.sub);
    clock.advance(2_000);
    await rejects(tokens.verifyAccess(token));
  });

  test('wrong key, unknown kid, other alg, wrong typ, missing exp, wrong iss/aud, future iat are rejected', async () => {
    const { tokens } = service();
    const now = Math.floor(new Date('2026-05-01T00:00:00Z').getTime() / 1000);
    expect((await tokens.verifyAccess(await forge(NEW.secret))).role).toBe('owner'); // the forge itself is sound
    const bad = [
      await forge('w'.repeat(48)),
      await forge(NEW.secret, { header: { kid: 'nope' } }),
      await forge(NEW.secret, { header: { kid: undefined } }),
      await forge(NEW.secret, { header: { typ: 'JWT' } }),
      await forge(NEW.secret, { header: { typ: 'refresh+jwt' } }),
      await forge(NEW.secret, { omitExp: true }),
      await forge(NEW.secret, { payload: { iss: 'evil' } }),
      await forge(NEW.secret, { payload: { aud: 'someone-else' } }),
      await forge(NEW.secret, { payload: { tid: undefined } }),
      await forge(NEW.secret, { payload: { role: 'root' } }),
      await forge(NEW.secret, { payload: { iat: now + 3600, exp: now + 7200 } }),
      await new SignJWT({ tid: claims.tid, role: 'owner' })
        .setProtectedHeader({ alg: 'HS512', kid: NEW.kid, typ: 'access+jwt' })
        .setSubject(claims.sub)
        .setIssuer('showroom')
        .setAudience('showroom-admin')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(new TextEncoder().encode(NEW.secret)),
      `${Buffer.from('{"alg":"none","typ":"access+jwt","kid":"k2026"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({
          sub: claims.sub,
          tid: claims.tid,
          role: 'owner',
          iss: 'showroom',
          aud: 'showroom-admin',
          iat: now,
          exp: now + 600,
        }),
      ).toString('base64url')}.`,
      'KoCn71MGUl69ltpHUhg6PkuCUxXslroUBgDlQQnO_7k', // an opaque refresh token
    ];
    for (const [i, token] of bad.entries()) {
      const outcome = await tokens.verifyAccess(token).then(
        () => 'accepted',
        (e) => (e instanceof InvalidTokenError ? 'rejected' : String(e)),
      );
      expect({ i, outcome }).toEqual({ i, outcome: 'rejected' });
    }
  });

  test('the key ring needs a key', () => {
    expect(() => service([])).toThrow();
  });
});
