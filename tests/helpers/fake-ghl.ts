// A local stand-in for services.leadconnectorhq.com: locations and contact upsert in API v2 format,
// Bearer + Version header checks, an in-memory contact store, and scripted failures on demand.
import { type FakeServer, type ScriptedResponse, startFakeServer } from './fake-server';

export type FakeGhlContact = {
  id: string;
  locationId: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  email?: string;
  phone?: string;
  tags: string[];
  source?: string;
};

export type FakeGhl = FakeServer & {
  token: string;
  locationId: string;
  contacts: Map<string, FakeGhlContact>;
};

export const ghlError = (
  status: number,
  message: string | string[],
  headers?: Record<string, string>,
): ScriptedResponse => ({
  status,
  json: { statusCode: status, message, ...(status === 401 ? { error: 'Unauthorized' } : {}) },
  ...(headers ? { headers } : {}),
});

/** The 429 GoHighLevel sends when the 10-second burst limit is hit. */
export const ghlRateLimited = (intervalMs = 10_000): ScriptedResponse =>
  ghlError(429, 'Too many requests', {
    'x-ratelimit-limit-daily': '200000',
    'x-ratelimit-daily-remaining': '199000',
    'x-ratelimit-interval-milliseconds': String(intervalMs),
    'x-ratelimit-max': '100',
    'x-ratelimit-remaining': '0',
  });

export function startFakeGhl(options: { token?: string; locationId?: string; port?: number } = {}): FakeGhl {
  const token = options.token ?? 'pit-fake-ghl-token';
  const locationId = options.locationId ?? 've9EPM428h8vShlRW1KT';
  const contacts = new Map<string, FakeGhlContact>();
  let seq = 1;

  const server = startFakeServer({
    port: options.port,
    onReset: () => contacts.clear(),
    handler(req) {
      if (req.headers.authorization !== `Bearer ${token}`) return ghlError(401, 'Invalid JWT');
      if (!req.headers.version) return ghlError(400, 'version header was not found');

      const location = /^\/locations\/([^/]+)$/.exec(req.path);
      if (req.method === 'GET' && location) {
        const id = decodeURIComponent(location[1]!);
        if (id !== locationId) return ghlError(403, 'The token does not have access to this location.');
        return {
          json: {
            location: {
              id,
              companyId: 'comp_fake',
              name: 'Acme Motors Jakarta',
              timezone: 'Asia/Jakarta',
              email: 'sales@acme-motors.example',
              phone: '+6281200000000',
              country: 'ID',
            },
          },
        };
      }

      if (req.method === 'POST' && req.path === '/contacts/upsert') {
        const body = (req.body ?? {}) as Partial<FakeGhlContact>;
        if (!body.locationId) return ghlError(422, ['locationId should not be empty']);
        if (body.locationId !== locationId) return ghlError(403, 'The token does not have access to this location.');
        if (body.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(body.email)) {
          return ghlError(422, ['email must be an email']);
        }
        const existing = [...contacts.values()].find(
          (c) => (body.phone && c.phone === body.phone) || (body.email && c.email === body.email),
        );
        const contact: FakeGhlContact = {
          ...(existing ?? { id: `ghl_contact_${seq++}`, tags: [] }),
          ...body,
          locationId,
          tags: body.tags ?? existing?.tags ?? [],
        } as FakeGhlContact;
        contacts.set(contact.id, contact);
        return { json: { new: !existing, contact, traceId: `trace-${seq}` } };
      }

      return ghlError(404, `Cannot ${req.method} ${req.path}`);
    },
  });

  return Object.assign(server, { token, locationId, contacts });
}
