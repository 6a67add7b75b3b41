// `npm run platform -- <command>`: the platform API for operators without an HTTP client. Same service
// functions, validation and audit trail as /api/platform; tenants:create provisions inline and shows progress.
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { createDeps } from '../bootstrap';
import { loadEnv } from '../env';
import { tenantProvisionTask } from '../jobs/tasks/tenant-provision';
import type { Deps } from '../lib/deps';
import { AppError } from '../lib/errors';
import { issuesToDetails } from '../lib/validate';
import { createTenantSchema, listTenantsQuerySchema } from '../services/tenant-input';
import {
  changeTenantStatus,
  createTenant,
  findTenantRef,
  getTenant,
  listTenants,
  type PlatformCaller,
} from '../services/tenants';
import { runJobInline } from './run-job-inline';

export const USAGE = `Usage: npm run platform -- <command> [options]

  tenants:create --name <name> --slug <slug> --owner-email <email> [--owner-name <name>]
                 [--owner-password <pw>]   (omitted: read from the first line of stdin)
                 [--domain <host>]... [--locale id-ID] [--currency IDR] [--timezone Asia/Jakarta]
                 [--whatsapp <number>] [--business-type <type>] [--inventory-size <n>]
                 [--brand <brand>]... [--city <city>] [--no-wait]
  tenants:list   [--status trial|active|suspended] [--q <text>] [--page <n>] [--limit <n>]
  tenants:show     <slug|id>
  tenants:suspend  <slug|id>
  tenants:activate <slug|id>
`;

export type CliIo = {
  out(line: string): void;
  err(line: string): void;
  /** Reads the owner password when it is not on the command line (kept out of shell history). */
  readSecret(): Promise<string>;
};

const caller: PlatformCaller = { via: 'cli', ip: null, userAgent: 'showroom-cli', requestId: null };

const options = {
  name: { type: 'string' },
  slug: { type: 'string' },
  'owner-email': { type: 'string' },
  'owner-name': { type: 'string' },
  'owner-password': { type: 'string' },
  domain: { type: 'string', multiple: true },
  locale: { type: 'string' },
  currency: { type: 'string' },
  timezone: { type: 'string' },
  whatsapp: { type: 'string' },
  'business-type': { type: 'string' },
  'inventory-size': { type: 'string' },
  brand: { type: 'string', multiple: true },
  city: { type: 'string' },
  'no-wait': { type: 'boolean' },
  status: { type: 'string' },
  q: { type: 'string' },
  page: { type: 'string' },
  limit: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new AppError('validation_failed', 'Invalid options', { details: issuesToDetails(parsed.error.issues) });
  return parsed.data;
}

async function create(deps: Deps, v: Record<string, unknown>, io: CliIo): Promise<number> {
  const password = (v['owner-password'] as string | undefined) ?? (await io.readSecret());
  const intake = {
    ...(v['business-type'] ? { businessType: v['business-type'] } : {}),
    ...(v['inventory-size'] ? { inventorySize: Number(v['inventory-size']) } : {}),
    ...(v.brand ? { brands: v.brand } : {}),
    ...(v.city ? { city: v.city } : {}),
  };
  const input = parseOrThrow(createTenantSchema, {
    name: v.name,
    slug: v.slug,
    domains: v.domain ?? [],
    locale: v.locale,
    currency: v.currency,
    timezone: v.timezone,
    whatsappNumber: v.whatsapp,
    owner: { email: v['owner-email'], name: v['owner-name'] ?? v.name, password },
    ...(Object.keys(intake).length > 0 ? { intake } : {}),
  });
  const created = await createTenant(deps, input, caller);
  io.out(`Reserved tenant ${input.slug} (${created.tenantId}); provisioning job ${created.jobId}`);
  if (v['no-wait']) {
    io.out('A worker will provision it; follow GET /api/platform/jobs/<jobId>/events');
    return 0;
  }
  const outcome = await runJobInline(deps, created.jobId, tenantProvisionTask, (pct, msg) =>
    io.out(`  ${String(Math.round(pct)).padStart(3)}%  ${msg ?? ''}`),
  );
  if (!outcome.claimed) {
    io.out(`A worker picked the job up first (status ${outcome.job?.status ?? 'unknown'}); it provisions the tenant.`);
    return 0;
  }
  const tenant = await getTenant(deps, created.tenantId);
  io.out(`Tenant ${tenant.slug} is live at ${tenant.hosts.join(', ')}; owner ${input.owner.email} can sign in.`);
  return 0;
}

async function list(deps: Deps, v: Record<string, unknown>, io: CliIo): Promise<number> {
  const query = parseOrThrow(listTenantsQuerySchema, { status: v.status, q: v.q, page: v.page, limit: v.limit });
  const { data, meta } = await listTenants(deps, query);
  for (const t of data) {
    io.out(
      `${t.id}  ${t.slug.padEnd(24)} ${t.status.padEnd(9)} ${t.provisioned ? 'live       ' : 'provisioning'}  ${t.name}`,
    );
  }
  io.out(`page ${meta.page}/${Math.max(meta.totalPages, 1)}, ${meta.total} tenant(s)`);
  return 0;
}

export async function runPlatformCli(argv: string[], deps: Deps, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [command, ref] = positionals;
  if (values.help || !command) {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  try {
    switch (command) {
      case 'tenants:create':
        return await create(deps, values, io);
      case 'tenants:list':
        return await list(deps, values, io);
      case 'tenants:show':
      case 'tenants:suspend':
      case 'tenants:activate': {
        if (!ref) throw new AppError('validation_failed', `${command} needs a tenant slug or id`);
        const tenant = await findTenantRef(deps, ref);
        const shown =
          command === 'tenants:show'
            ? await getTenant(deps, tenant.id)
            : await changeTenantStatus(deps, tenant.id, command === 'tenants:suspend' ? 'suspended' : 'active', caller);
        io.out(JSON.stringify(shown, null, 2));
        return 0;
      }
      default:
        io.err(`Unknown command: ${command}\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    io.err(`${err.code}: ${err.message}`);
    for (const d of err.details ?? []) io.err(`  ${d.path}: ${d.message}`);
    return 1;
  }
}

async function readFirstLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Owner password (input is echoed; pipe it to hide it): ');
  for await (const chunk of process.stdin) return String(chunk).split(/\r?\n/)[0] ?? '';
  return '';
}

if (import.meta.main) {
  const env = loadEnv();
  const deps = await createDeps(env);
  let code = 1;
  try {
    code = await runPlatformCli(process.argv.slice(2), deps, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
      readSecret: readFirstLine,
    });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
  } finally {
    await deps.database.close();
  }
  process.exit(code);
}
