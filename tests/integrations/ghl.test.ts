// The GoHighLevel client over real HTTP against the fake: headers, location test, contact upsert,
// and how rate limits and errors are classified.
import { afterAll, beforeEach, describe, expect, test } from 'bun:test';
import { createGhlClient } from '../../src/integrations/ghl';
import { ghlError, ghlRateLimited, startFakeGhl } from '../helpers/fake-ghl';
import { providerFailure } from '../helpers/provider-failure';

const fake = startFakeGhl();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const client = (overrides: Partial<Parameters<typeof createGhlClient>[0]> = {}) =>
  createGhlClient({ baseUrl: fake.url, token: fake.token, timeoutMs: 2000, ...overrides });

describe('getLocation', () => {
  test('sends Bearer + Version and reads the location', async () => {
    const location = await client().getLocation(fake.locationId);
    expect(location).toEqual({
      id: fake.locationId,
      name: 'Acme Motors Jakarta',
      companyId: 'comp_fake',
      timezone: 'Asia/Jakarta',
      email: 'sales@acme-motors.example',
      phone: '+6281200000000',
    });
    const req = fake.requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe(`/locations/${fake.locationId}`);
    expect(req.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(req.headers.version).toBe('2021-07-28');
    expect(req.headers.accept).toBe('application/json');
  });

  test('the Version header is configurable', async () => {
    await client({ version: '2021-04-15' }).getLocation(fake.locationId);
    expect(fake.requests[0]!.headers.version).toBe('2021-04-15');
  });

  test('path segments are encoded', async () => {
    await providerFailure(client().getLocation('../contacts?x=1'));
    expect(fake.requests[0]!.path).toBe('/locations/..%2Fcontacts%3Fx%3D1');
  });

  test('a wrong token is permanent auth (401)', async () => {
    const err = await providerFailure(client({ token: 'nope' }).getLocation(fake.locationId));
    expect(err).toMatchObject({ kind: 'auth', status: 401, retryable: false, provider: 'gohighlevel' });
    expect(err.message).toBe('GoHighLevel location lookup failed (401): Invalid JWT');
  });

  test('a location the token cannot see is permanent auth (403)', async () => {
    expect(await providerFailure(client().getLocation('other-location'))).toMatchObject({
      kind: 'auth',
      status: 403,
    });
  });

  test('404 is not_found; a 200 without a location is malformed', async () => {
    fake.enqueue(ghlError(404, 'Location not found'));
    expect((await providerFailure(client().getLocation('x'))).kind).toBe('not_found');
    fake.enqueue({ json: { something: 'else' } });
    expect((await providerFailure(client().getLocation('x'))).kind).toBe('malformed_response');
  });
});

describe('upsertContact', () => {
  test('creates, then updates the same contact matched by phone', async () => {
    const first = await client().upsertContact({
      locationId: fake.locationId,
      firstName: 'Budi',
      lastName: 'Santoso',
      phone: '+6281234567890',
      email: 'budi@example.com',
      tags: ['showroom', 'whatsapp'],
      source: 'Showroom',
    });
    expect(first.isNew).toBe(true);
    expect(first.contactId).toMatch(/^ghl_contact_/);
    const req = fake.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/contacts/upsert');
    expect(req.headers['content-type']).toContain('application/json');
    expect(req.body).toEqual({
      locationId: fake.locationId,
      firstName: 'Budi',
      lastName: 'Santoso',
      phone: '+6281234567890',
      email: 'budi@example.com',
      tags: ['showroom', 'whatsapp'],
      source: 'Showroom',
    });

    const second = await client().upsertContact({
      locationId: fake.locationId,
      phone: '+6281234567890',
      name: 'Budi S',
    });
    expect(second).toEqual({ isNew: false, contactId: first.contactId });
    expect(fake.contacts.get(first.contactId)).toMatchObject({
      name: 'Budi S',
      tags: ['showroom', 'whatsapp'],
    });
  });

  test('omits absent and empty fields (tags untouched unless given)', async () => {
    await client().upsertContact({
      locationId: fake.locationId,
      phone: '+6281234567890',
      email: '',
      name: undefined,
    });
    expect(fake.requests[0]!.body).toEqual({ locationId: fake.locationId, phone: '+6281234567890' });
  });

  test('422 validation errors are permanent and carry the message list', async () => {
    const err = await providerFailure(client().upsertContact({ locationId: fake.locationId, email: 'not-an-email' }));
    expect(err).toMatchObject({ kind: 'invalid_request', status: 422, retryable: false });
    expect(err.message).toContain('email must be an email');
  });

  test('429 is retryable with the delay from X-RateLimit-Interval-Milliseconds', async () => {
    fake.enqueue(ghlRateLimited(8000));
    const err = await providerFailure(client().upsertContact({ locationId: fake.locationId, phone: '+6281234567890' }));
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true, retryAfterMs: 8000 });
  });

  test('429 prefers Retry-After, and has a default without any header', async () => {
    fake.enqueue(
      ghlError(429, 'Too many requests', {
        'retry-after': '3',
        'x-ratelimit-interval-milliseconds': '10000',
      }),
    );
    expect((await providerFailure(client().getLocation(fake.locationId))).retryAfterMs).toBe(3000);
    fake.enqueue(ghlError(429, 'Too many requests'));
    expect((await providerFailure(client().getLocation(fake.locationId))).retryAfterMs).toBe(10_000);
  });

  test('5xx is retryable, other 4xx permanent', async () => {
    fake.enqueue({ status: 503, body: 'upstream unavailable' });
    const err = await providerFailure(client().upsertContact({ locationId: fake.locationId, phone: '+62811' }));
    expect(err).toMatchObject({ kind: 'server_error', retryable: true });
    expect(err.message).toContain('upstream unavailable');
    fake.enqueue(ghlError(409, 'Conflict'));
    expect(
      await providerFailure(client().upsertContact({ locationId: fake.locationId, phone: '+62811' })),
    ).toMatchObject({
      kind: 'rejected',
      retryable: false,
    });
  });

  test('a 200 without a contact id is malformed', async () => {
    fake.enqueue({ json: { new: true, contact: {} } });
    expect((await providerFailure(client().upsertContact({ locationId: fake.locationId }))).kind).toBe(
      'malformed_response',
    );
  });

  test('timeouts are retryable', async () => {
    fake.enqueue({ delayMs: 400, json: { new: true, contact: { id: 'x' } } });
    const err = await providerFailure(client({ timeoutMs: 80 }).upsertContact({ locationId: fake.locationId }));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
  });
});
