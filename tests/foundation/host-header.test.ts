// Over a real Bun server (app.request cannot send these): an empty, malformed or non-ASCII Host gets
// 404 tenant_not_found on tenant routes, and host-independent routes still work.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import net from 'node:net';
import { createTenant, createTestApp, type TestApp } from '../helpers/app';

function rawRequest(port: number, head: string, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.from(head + body, 'latin1')));
    let out = '';
    socket.on('data', (d) => {
      out += d.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () =>
      resolve({ status: Number(out.split(' ')[1]), body: out.slice(out.indexOf('\r\n\r\n') + 4) }),
    );
  });
}

describe('unusable Host headers', () => {
  let t: TestApp;
  let server: ReturnType<typeof Bun.serve>;
  beforeAll(async () => {
    t = await createTestApp();
    await createTenant(t.deps, { slug: 'acme' });
    server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: t.app.fetch });
  });
  afterAll(async () => {
    server.stop(true);
    await t.close();
  });

  const get = (path: string, host: string) =>
    rawRequest(server.port!, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

  test('empty, non-ASCII or malformed Host on a tenant route → 404 tenant_not_found', async () => {
    for (const host of ['', 'ünï.localhost', 'ab cd', 'a/b']) {
      const res = await get('/api/tenant', host);
      const error = JSON.parse(res.body).error;
      expect({ host, status: res.status, code: error.code }).toEqual({ host, status: 404, code: 'tenant_not_found' });
    }
  });

  test('an unknown route under such a Host names the real path', async () => {
    const res = await get('/nope/here', '');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.message).toBe('No route for GET /nope/here');
  });

  test('/health works under an empty Host; a POST with a body is routed by its real path', async () => {
    expect((await get('/health', '')).status).toBe(200);
    const body = JSON.stringify({ name: 'X', phone: '081234567890', message: 'hi' });
    const res = await rawRequest(
      server.port!,
      `POST /api/leads HTTP/1.1\r\nHost: \r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    );
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.code).toBe('tenant_not_found');
    const ok = await get('/api/tenant', 'acme.localhost');
    expect(ok.status).toBe(200);
  });
});
