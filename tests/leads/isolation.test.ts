// Every admin route of the leads area through the shared isolation and roles suite.
import type { IsolationContext } from '../helpers/isolation';
import { runIsolationSuite } from '../helpers/isolation';
import { insertLead } from './fixtures';

const foreignLead = async (ctx: IsolationContext) => (await insertLead(ctx.t.db, ctx.other.id)).id;
const homeLead = async (ctx: IsolationContext) => (await insertLead(ctx.t.db, ctx.home.id)).id;

runIsolationSuite('leads', [
  { method: 'GET', path: '/api/admin/leads', minRole: 'sales' },
  { method: 'GET', path: '/api/admin/leads/stats', minRole: 'sales' },
  { method: 'GET', path: '/api/admin/leads/:id', minRole: 'sales', foreignId: foreignLead, homeId: homeLead },
  {
    method: 'PATCH',
    path: '/api/admin/leads/:id',
    minRole: 'sales',
    body: () => ({ notes: 'n' }),
    foreignId: foreignLead,
    homeId: homeLead,
  },
  {
    method: 'PUT',
    path: '/api/admin/leads/:id/assign',
    minRole: 'sales',
    body: (ctx) => ({ userId: ctx.users.owner.id }),
    foreignId: foreignLead,
    homeId: homeLead,
  },
  {
    method: 'PUT',
    path: '/api/admin/leads/:id/status',
    minRole: 'sales',
    body: () => ({ status: 'warm' }),
    foreignId: foreignLead,
    homeId: homeLead,
  },
  {
    method: 'POST',
    path: '/api/admin/leads/:id/messages',
    minRole: 'sales',
    body: () => ({ body: 'hello' }),
    foreignId: foreignLead,
    homeId: homeLead,
  },
  { method: 'GET', path: '/api/admin/events', minRole: 'sales' },
]);
