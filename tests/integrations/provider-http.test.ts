// The shared provider plumbing: error classification for jobs, Retry-After parsing, and the
// timeout/network behaviour of providerFetch against a local server.
import { afterAll, describe, expect, test } from 'bun:test';
import { ProviderError, parseRetryAfter, toJobError } from '../../src/integrations/provider-error';
import { joinUrl, lowerKeys, providerFetch } from '../../src/integrations/provider-http';
import { PermanentJobError, RetryLaterError } from '../../src/jobs/registry';
import { startFakeServer } from '../helpers/fake-server';

const server = startFakeServer({ handler: () => ({ json: { ok: true } }) });
afterAll(() => server.close());

describe('ProviderError and toJobError', () => {
  test('retryable kinds', () => {
    for (const kind of ['network', 'timeout', 'rate_limited', 'server_error', 'device_disconnected'] as const) {
      expect(new ProviderError('fonnte', kind, 'x').retryable).toBe(true);
    }
    for (const kind of [
      'auth',
      'invalid_target',
      'not_found',
      'invalid_request',
      'quota_exceeded',
      'rejected',
    ] as const) {
      expect(new ProviderError('fonnte', kind, 'x').retryable).toBe(false);
    }
  });

  test('maps permanent → PermanentJobError, delayed → RetryLaterError, others unchanged', () => {
    const permanent = toJobError(new ProviderError('gohighlevel', 'auth', 'bad token'));
    expect(permanent).toBeInstanceOf(PermanentJobError);
    expect((permanent as Error).message).toBe('bad token');
    const later = toJobError(new ProviderError('gohighlevel', 'rate_limited', 'slow', { retryAfterMs: 1234 }));
    expect(later).toBeInstanceOf(RetryLaterError);
    expect((later as RetryLaterError).retryAfterMs).toBe(1234);
    const plain = new ProviderError('openai', 'timeout', 't');
    expect(toJobError(plain)).toBe(plain);
    const other = new Error('boom');
    expect(toJobError(other)).toBe(other);
  });
});

test('parseRetryAfter reads seconds and HTTP dates', () => {
  const now = Date.UTC(2025, 0, 1, 0, 0, 0);
  expect(parseRetryAfter('30', now)).toBe(30_000);
  expect(parseRetryAfter('1.5', now)).toBe(1500);
  expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
  expect(parseRetryAfter(new Date(now - 90_000).toUTCString(), now)).toBe(0);
  expect(parseRetryAfter('soon', now)).toBeUndefined();
  expect(parseRetryAfter(null, now)).toBeUndefined();
});

test('lowerKeys and joinUrl', () => {
  expect(lowerKeys({ Status: true, reason: 'x' })).toEqual({ status: true, reason: 'x' });
  expect(lowerKeys([1])).toBeUndefined();
  expect(lowerKeys('x')).toBeUndefined();
  expect(joinUrl('http://a/b/', '/c')).toBe('http://a/b/c');
  expect(joinUrl('http://a/b', 'c')).toBe('http://a/b/c');
});

describe('providerFetch', () => {
  test('returns status, headers, text and parsed json', async () => {
    server.enqueue({ status: 201, json: { a: 1 }, headers: { 'x-test': 'yes' } });
    const res = await providerFetch('fonnte', fetch, `${server.url}/x`, { method: 'GET', timeoutMs: 1000 });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ a: 1 });
    expect(res.headers.get('x-test')).toBe('yes');
  });

  test('non-JSON bodies give json undefined and keep the text', async () => {
    server.enqueue({ status: 500, body: 'oops' });
    const res = await providerFetch('fonnte', fetch, `${server.url}/x`, { method: 'GET', timeoutMs: 1000 });
    expect(res.json).toBeUndefined();
    expect(res.text).toBe('oops');
  });

  test('a slow server becomes a timeout error', async () => {
    server.enqueue({ delayMs: 400 });
    const started = Date.now();
    const err = await providerFetch('openai', fetch, `${server.url}/x`, {
      method: 'GET',
      timeoutMs: 80,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(350);
  });

  test('a closed port becomes a network error', async () => {
    const gone = startFakeServer({ handler: () => ({}) });
    await gone.close();
    const err = await providerFetch('fonnte', fetch, `${gone.url}/x`, {
      method: 'GET',
      timeoutMs: 1000,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('network');
    expect(err.retryable).toBe(true);
  });

  test('a throwing fetch implementation becomes a network error', async () => {
    const broken = async () => {
      throw new TypeError('fetch failed');
    };
    const err = await providerFetch('gohighlevel', broken, 'http://x/', {
      method: 'GET',
      timeoutMs: 1000,
    }).catch((e) => e);
    expect(err.kind).toBe('network');
    expect(err.message).toContain('fetch failed');
  });
});
