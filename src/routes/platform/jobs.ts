// Platform jobs API: the SSE stream of any job (tenant provisioning progress). Mounted at
// /api/platform/jobs behind the platform-key middleware, which sets c.var.platform.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../lib/app-env';
import { notFound } from '../../lib/errors';
import { streamJobEvents } from '../../lib/sse';
import { validate } from '../../lib/validate';
import { findJobForPlatform } from '../../repositories/jobs';

export const platformJobRoutes = new Hono<AppEnv>().get(
  '/:id/events',
  describeRoute({
    tags: ['Platform'],
    summary: 'Server-Sent Events of one job (e.g. tenant provisioning)',
    responses: { 200: { description: 'text/event-stream' }, 404: { description: 'not_found' } },
  }),
  validate('param', z.object({ id: z.uuid() })),
  async (c) => {
    const { id } = c.req.valid('param');
    const db = c.var.deps.db;
    if (!(await findJobForPlatform({ db, id }))) throw notFound('Job');
    return streamJobEvents(c, { jobId: id, load: () => findJobForPlatform({ db, id }) });
  },
);
