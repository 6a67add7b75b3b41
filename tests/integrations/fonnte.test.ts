// The Fonnte client over real HTTP against the fake: request shape, response reading, and how each
// failure is classified for the job worker.
import { afterAll, beforeEach, describe, expect, test } from 'bun:test';
import { classifyFonnteReason, createFonnteClient } from '../../src/integrations/fonnte';
import { toJobError } from '../../src/integrations/provider-error';
import { PermanentJobError, RetryLaterError } from '../../src/jobs/registry';
import { fonnteFailure, startFakeFonnte } from '../helpers/fake-fonnte';
import { providerFailure } from '../helpers/provider-failure';

const fake = startFakeFonnte();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const client = (overrides: Partial<Parameters<typeof createFonnteClient>[0]> = {}) =>
  createFonnteClient({ baseUrl: fake.url, token: fake.token, timeoutMs: 2000, ...overrides });

describe('send', () => {
  test('posts the form Fonnte expects, token without Bearer, and returns ids', async () => {
    const result = await client().send({ target: '6281234567890', message: 'Halo Budi 👋', inboxid: '991' });
    expect(result.ids).toEqual(['80367170']);
    expect(result.process).toBe('pending');
    expect(result.requestId).toBe('2937124');
    expect(result.detail).toBe('success! message in queue');

    const [req] = fake.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/send');
    expect(req!.headers.authorization).toBe(fake.token);
    expect(req!.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(req!.body).toEqual({
      target: '6281234567890',
      message: 'Halo Budi 👋',
      countryCode: '62',
      inboxid: '991',
    });
    expect(fake.sent).toEqual([{ id: '80367170', target: '6281234567890', message: 'Halo Budi 👋', inboxid: '991' }]);
  });

  test('one id per target, in target order', async () => {
    const result = await client().send({ target: '6281111111111,6282222222222', message: 'x' });
    expect(result.ids).toEqual([fake.sent[0]!.id, fake.sent[1]!.id]);
    expect(fake.sent.map((s) => s.target)).toEqual(['6281111111111', '6282222222222']);
  });

  test('a trailing slash in the base URL is fine', async () => {
    await client({ baseUrl: `${fake.url}/` }).send({ target: '6281234567890', message: 'x' });
    expect(fake.requests[0]!.path).toBe('/send');
  });

  test('reads keys case-insensitively and numeric ids', async () => {
    fake.enqueue({
      json: { Status: true, Detail: 'ok', ID: [123, '456'], Process: 'pending', RequestID: 7 },
    });
    expect(await client().send({ target: '6281234567890', message: 'x' })).toEqual({
      ids: ['123', '456'],
      requestId: '7',
      process: 'pending',
      detail: 'ok',
    });
  });

  test('token invalid is permanent auth', async () => {
    const err = await providerFailure(client({ token: 'wrong' }).send({ target: '6281234567890', message: 'x' }));
    expect(err.kind).toBe('auth');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('Fonnte refused: token invalid');
    expect(toJobError(err)).toBeInstanceOf(PermanentJobError);
  });

  test('target invalid is permanent', async () => {
    const err = await providerFailure(client().send({ target: 'abc', message: 'x' }));
    expect(err.kind).toBe('invalid_target');
    expect(err.retryable).toBe(false);
  });

  test('insufficient quota is permanent (needs a top-up), "Status" in any case', async () => {
    fake.enqueue({ json: { Status: false, Reason: 'insufficient quota' } });
    const err = await providerFailure(client().send({ target: '6281234567890', message: 'x' }));
    expect(err.kind).toBe('quota_exceeded');
    expect(err.retryable).toBe(false);
  });

  test('a disconnected device is retryable after a while', async () => {
    fake.setConnected(false);
    const err = await providerFailure(client().send({ target: '6281234567890', message: 'x' }));
    expect(err.kind).toBe('device_disconnected');
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(300_000);
    const jobErr = toJobError(err);
    expect(jobErr).toBeInstanceOf(RetryLaterError);
    expect((jobErr as RetryLaterError).retryAfterMs).toBe(300_000);
  });

  test('HTTP 5xx is retryable without a delay hint (normal backoff)', async () => {
    fake.enqueue({ status: 502, body: '<html>Bad gateway</html>' });
    const err = await providerFailure(client().send({ target: '6281234567890', message: 'x' }));
    expect(err.kind).toBe('server_error');
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(502);
    expect(toJobError(err)).toBe(err);
  });

  test('HTTP 429 is retryable with Retry-After', async () => {
    fake.enqueue({
      status: 429,
      json: { status: false, reason: 'too many requests' },
      headers: { 'retry-after': '7' },
    });
    const err = await providerFailure(client().send({ target: '6281234567890', message: 'x' }));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(7000);
  });

  test('a timeout is retryable', async () => {
    fake.enqueue({ delayMs: 500, json: { status: true, id: ['1'] } });
    const err = await providerFailure(client({ timeoutMs: 100 }).send({ target: '6281234567890', message: 'x' }));
    expect(err.kind).toBe('timeout');
    expect(err.retryable).toBe(true);
  });

  test('an unreachable host is a retryable network error', async () => {
    const gone = startFakeFonnte();
    const url = gone.url;
    await gone.close();
    const err = await providerFailure(
      createFonnteClient({ baseUrl: url, token: 't' }).send({ target: '628', message: 'x' }),
    );
    expect(err.kind).toBe('network');
    expect(err.retryable).toBe(true);
  });

  test('an unreadable 200 is permanent (the message may have been queued: never resend blindly)', async () => {
    fake.enqueue({ body: 'OK', headers: { 'content-type': 'text/plain' } });
    const err = await providerFailure(client().send({ target: '6281234567890', message: 'x' }));
    expect(err.kind).toBe('malformed_response');
    expect(err.retryable).toBe(false);
  });

  test('redirects are not followed', async () => {
    fake.enqueue({ status: 302, headers: { location: 'http://169.254.169.254/' } });
    const err = await providerFailure(client().send({ target: '6281234567890', message: 'x' }));
    expect(err.status).toBe(302);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('device', () => {
  test('reports a connected device', async () => {
    expect(await client().device()).toEqual({
      device: fake.device,
      connected: true,
      deviceStatus: 'connect',
      name: 'Showroom Demo',
      quota: '9998',
      expired: '1767225600',
    });
    expect(fake.requests[0]!.path).toBe('/device');
    expect(fake.requests[0]!.headers.authorization).toBe(fake.token);
  });

  test('reports a disconnected device without failing', async () => {
    fake.setConnected(false);
    const info = await client().device();
    expect(info.connected).toBe(false);
    expect(info.deviceStatus).toBe('disconnect');
  });

  test('a wrong token fails as auth', async () => {
    expect((await providerFailure(client({ token: 'nope' }).device())).kind).toBe('auth');
  });

  test('scripted failures reach the caller', async () => {
    fake.enqueue(fonnteFailure('something odd happened'));
    const err = await providerFailure(client().device());
    expect(err.kind).toBe('rejected');
    expect(err.retryable).toBe(false);
  });
});

test('classifyFonnteReason covers the known reasons', () => {
  expect(classifyFonnteReason('token invalid').kind).toBe('auth');
  expect(classifyFonnteReason('invalid token').kind).toBe('auth');
  expect(classifyFonnteReason('target invalid').kind).toBe('invalid_target');
  expect(classifyFonnteReason('number not registered on whatsapp').kind).toBe('invalid_target');
  expect(classifyFonnteReason('insufficient quota').kind).toBe('quota_exceeded');
  expect(classifyFonnteReason('package expired').kind).toBe('quota_exceeded');
  expect(classifyFonnteReason('device disconnected').kind).toBe('device_disconnected');
  expect(classifyFonnteReason('device not connected').kind).toBe('device_disconnected');
  expect(classifyFonnteReason('Too many requests, try again later')).toEqual({
    kind: 'rate_limited',
    retryAfterMs: 60_000,
  });
  expect(classifyFonnteReason('???').kind).toBe('rejected');
});
