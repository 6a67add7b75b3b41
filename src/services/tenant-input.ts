// What an operator may send to create or change a tenant: the zod schemas shared by the platform routes
// and the CLI, so both reject exactly the same input with the same messages.
import { z } from 'zod';
import { tenantStatus } from '../../drizzle/schema';
import { passwordProblems } from '../auth/password-policy';
import { paginationShape } from '../lib/pagination';
import { normalizePhone } from '../lib/phone';
import { intakeSchema } from './starter-config';

/** Sub-domains an operator may never hand to a dealership: they name our own services or invite phishing. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'www',
  'api',
  'admin',
  'app',
  'apps',
  'platform',
  'dashboard',
  'console',
  'portal',
  'auth',
  'login',
  'account',
  'accounts',
  'billing',
  'status',
  'health',
  'metrics',
  'docs',
  'help',
  'support',
  'blog',
  'static',
  'assets',
  'cdn',
  'img',
  'media',
  'files',
  'mail',
  'email',
  'smtp',
  'imap',
  'pop',
  'mx',
  'ns',
  'ns1',
  'ns2',
  'ftp',
  'webhook',
  'webhooks',
  'internal',
  'staging',
  'dev',
  'test',
  'localhost',
  'root',
  'showroom',
]);

export const slugSchema = z
  .string()
  .min(2, 'must be at least 2 characters')
  .max(63, 'must be at most 63 characters (a DNS label)')
  .regex(/^[a-z0-9-]+$/, 'only lower-case letters, digits and dashes')
  .regex(/^[a-z0-9](?:.*[a-z0-9])?$/, 'must start and end with a letter or digit')
  .refine((s) => !/^..--/.test(s), 'dashes in the third and fourth place are reserved (IDN)')
  .refine((s) => !RESERVED_SLUGS.has(s), 'is reserved');

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A host name as the tenant cache will see it: lower-cased, without port or trailing dot. */
export const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/\.+$/, ''))
  .refine((d) => {
    if (d.length < 3 || d.length > 253) return false;
    const labels = d.split('.');
    return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels.at(-1)!);
  }, 'must be a host name such as www.acme-motors.co.id (no scheme, port or path)');

function canonicalLocale(value: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    return canonical ?? null;
  } catch {
    return null;
  }
}

export const localeSchema = z
  .string()
  .max(35)
  .refine((l) => canonicalLocale(l) !== null, 'must be a BCP 47 locale such as id-ID')
  .transform((l) => canonicalLocale(l)!);

const currencies = new Set(Intl.supportedValuesOf('currency'));

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an upper-case ISO 4217 code such as IDR')
  .refine((c) => currencies.has(c), 'is not a known ISO 4217 currency');

export const timezoneSchema = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Asia/Jakarta');

/** Indonesian local forms (`0812…`, `62812…`) become `+62…`; the stored form is E.164. */
export const whatsappNumberSchema = z
  .string()
  .max(32)
  .transform((raw, ctx) => {
    const e164 = normalizePhone(raw);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: 'must be a phone number such as +6281234567890' });
      return z.NEVER;
    }
    return e164;
  });

/** The owner is staff: the same password policy as /api/admin/users (length, common list, not personal). */
export const ownerSchema = z
  .object({
    email: z.email().max(254).toLowerCase(),
    name: z.string().trim().min(1).max(120),
    password: z.string(),
  })
  .superRefine((owner, ctx) => {
    for (const problem of passwordProblems(owner.password, { email: owner.email, name: owner.name })) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: problem.message });
    }
  });

export const createTenantSchema = z.object({
  name: z.string().trim().min(1).max(120),
  slug: slugSchema,
  domains: z
    .array(domainSchema)
    .max(20)
    .default([])
    .refine((ds) => new Set(ds).size === ds.length, 'must not repeat a domain'),
  locale: localeSchema.default('id-ID'),
  currency: currencySchema.default('IDR'),
  timezone: timezoneSchema.default('Asia/Jakarta'),
  whatsappNumber: whatsappNumberSchema.nullish(),
  owner: ownerSchema,
  intake: intakeSchema.optional(),
});

export type CreateTenantInput = z.infer<typeof createTenantSchema>;
export type CreateTenantRequest = z.input<typeof createTenantSchema>;

export const tenantStatuses = tenantStatus.enumValues;
export type TenantStatus = (typeof tenantStatuses)[number];

export const patchTenantSchema = z.object({ status: z.enum(tenantStatuses) });

export const listTenantsQuerySchema = z.object({
  ...paginationShape,
  status: z.enum(tenantStatuses).optional(),
  /** Matches slug, name or a domain (case-insensitive substring). */
  q: z.string().trim().min(1).max(100).optional(),
});

export type ListTenantsQuery = z.infer<typeof listTenantsQuerySchema>;

/**
 * Status changes an operator may make. `trial → active` converts a trial; suspension is possible from
 * either; a suspended tenant returns to `active` or back to `trial`. `active → trial` is refused: a paying
 * dealership is not demoted by accident. Setting the current status again is a no-op.
 */
export const allowedStatusChanges: Record<TenantStatus, readonly TenantStatus[]> = {
  trial: ['active', 'suspended'],
  active: ['suspended'],
  suspended: ['active', 'trial'],
};
