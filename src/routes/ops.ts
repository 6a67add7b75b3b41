// Operations endpoints that work on any host: health, Prometheus metrics.
import { sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import pkg from '../../package.json' with { type: 'json' };
import type { AppEnv } from '../lib/app-env';
import { timingSafeEqualStr } from '../lib/crypto';
import { AppError, unauthorized } from '../lib/errors';
import { requestLogger } from '../middleware/request-context';

export const VERSION: string = pkg.version;

const HEALTH_TIMEOUT_MS = 2_000;

async function databaseUp(c: Context<AppEnv>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const probe = c.get('deps').db.execute(sql`select 1`);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_TIMEOUT_MS);
    });
    await Promise.race([probe, timeout]);
    return true;
  } catch (err) {
    requestLogger(c)?.warn('health check failed', { err });
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export const opsRoutes = new Hono<AppEnv>()
  .get(
    '/health',
    describeRoute({
      tags: ['Operations'],
      summary: 'Liveness and database health',
      responses: {
        200: { description: 'Service and database are up' },
        503: { description: 'Database is down' },
      },
    }),
    async (c) => {
      const up = await databaseUp(c);
      c.header('Cache-Control', 'no-store');
      if (!up) c.header('Retry-After', '5');
      return c.json({ status: up ? 'ok' : 'degraded', db: up ? 'ok' : 'down', version: VERSION }, up ? 200 : 503);
    },
  )
  .get(
    '/metrics',
    describeRoute({
      tags: ['Operations'],
      summary: 'Prometheus metrics (bearer METRICS_TOKEN when configured)',
      responses: {
        200: { description: 'Prometheus text format' },
        401: { description: 'Missing or wrong token' },
      },
    }),
    async (c) => {
      const token = c.var.deps.env.METRICS_TOKEN;
      if (token) {
        const given = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
        if (!timingSafeEqualStr(given, token)) throw unauthorized('A valid metrics token is required');
      }
      const { registry } = c.var.deps.metrics;
      try {
        const body = await registry.metrics();
        return c.body(body, 200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
      } catch (err) {
        throw new AppError('unavailable', 'Metrics are temporarily unavailable', {
          cause: err,
          headers: { 'Retry-After': '5' },
        });
      }
    },
  );
