// tenant.provision: turns a reserved tenant (POST /api/platform/tenants) into a live one: owner account,
// starter configuration, default settings, pending integration records, then opens it to traffic.
// Each step is idempotent, so a re-run after a crash midway converges to one complete tenant.

import { z } from 'zod';
import type { TenantSettings } from '../../../drizzle/schema';
import { operatorStarterChooser } from '../../ai/starter-config-model';
import type { Deps } from '../../lib/deps';
import { recordAudit } from '../../repositories/audit-logs';
import { findProvisioning } from '../../repositories/platform-tenants';
import {
  ensureOwner,
  ensurePendingIntegrations,
  markProvisioned,
  saveIntake,
  saveSettings,
} from '../../repositories/tenant-provisioning';
import { findTenantById, listTenantDomains } from '../../repositories/tenants';
import {
  type ChooseWithModel,
  chooseStarterConfig,
  type Intake,
  intakeSchema,
  type StarterChoice,
  starterConfigSchema,
} from '../../services/starter-config';
import { defineTask, PermanentJobError } from '../registry';

export const provisionSteps = ['reservation', 'owner', 'starter', 'settings', 'integrations', 'open'] as const;
export type ProvisionStep = (typeof provisionSteps)[number];

export type TenantProvisionOptions = {
  /** The model-backed starter chooser when AI is configured (wired by the AI integration); rules otherwise. */
  modelChooser?: (deps: Deps) => ChooseWithModel | undefined;
  /** Called after each step commits; tests throw here to simulate a crash midway. */
  afterStep?: (step: ProvisionStep, tenantId: string) => void | Promise<void>;
};

const payloadSchema = z.object({ tenantId: z.uuid() });

/** What the tenant row's `intake` column holds: the answers, and the choice made from them. */
const storedIntakeSchema = z.object({
  answers: intakeSchema.optional(),
  choice: z
    .object({
      chosenBy: z.enum(['model', 'rules']),
      reason: z.string(),
      modelError: z.string().optional(),
      chosenAt: z.string(),
      config: starterConfigSchema,
    })
    .optional(),
});

export function createTenantProvisionTask(options: TenantProvisionOptions = {}) {
  return defineTask({
    type: 'tenant.provision',
    payload: payloadSchema,
    maxAttempts: 5,
    async run({ tenantId }, ctx) {
      const { deps } = ctx;
      const db = deps.db;
      const done = async (step: ProvisionStep) => options.afterStep?.(step, tenantId);

      await ctx.progress(5, 'Checking the reservation');
      const tenant = await findTenantById({ db, id: tenantId });
      if (!tenant) throw new PermanentJobError(`Tenant ${tenantId} is not reserved`);
      const spec = await findProvisioning({ db, tenantId });
      if (tenant.provisionedAt) {
        await ctx.progress(100, 'Tenant was already provisioned');
        return { tenantId, slug: tenant.slug, alreadyProvisioned: true };
      }
      if (!spec?.ownerPasswordHash) throw new PermanentJobError(`Tenant ${tenantId} has no provisioning spec`);
      await done('reservation');

      await ctx.progress(20, 'Creating the owner account');
      const owner = await ensureOwner({
        db,
        tenantId,
        owner: { email: spec.ownerEmail, name: spec.ownerName, passwordHash: spec.ownerPasswordHash },
      });
      await done('owner');

      await ctx.progress(40, 'Choosing the starter configuration');
      const stored = storedIntakeSchema.safeParse(tenant.intake ?? {});
      const answers: Intake = (stored.success ? stored.data.answers : undefined) ?? {};
      // A choice made by an earlier run is kept: asking the model again could answer differently.
      let choice: StarterChoice & { chosenAt: string };
      if (stored.success && stored.data.choice) {
        choice = stored.data.choice;
      } else {
        const chooseWithModel = options.modelChooser?.(deps);
        const made = await chooseStarterConfig(
          { intake: answers, tenant: { name: tenant.name, locale: tenant.locale, timezone: tenant.timezone } },
          chooseWithModel ? { chooseWithModel } : {},
        );
        choice = { ...made, chosenAt: deps.clock.now().toISOString() };
        await saveIntake({ db, tenantId, intake: { answers, choice } });
      }
      await done('starter');

      await ctx.progress(60, 'Applying default settings');
      const { config } = choice;
      const settings: TenantSettings = {
        ...tenant.settings,
        autoReply: config.autoReply,
        leadTags: config.leadTags,
        replyTemplates: config.replyTemplates,
        businessHours: config.businessHours,
        starterPreset: config.preset,
      };
      await saveSettings({ db, tenantId, settings });
      await done('settings');

      await ctx.progress(80, 'Creating integration records');
      const integrations = await db.transaction((tx) => ensurePendingIntegrations({ db: tx, tenantId }));
      await done('integrations');

      await ctx.progress(95, 'Opening the storefront');
      const opened = await db.transaction(async (tx) => {
        const first = await markProvisioned({ db: tx, tenantId, at: deps.clock.now() });
        if (first) {
          await recordAudit({
            db: tx,
            entry: {
              tenantId,
              actor: { type: 'platform' },
              action: 'tenant.provisioned',
              targetType: 'tenant',
              targetId: tenantId,
              metadata: {
                jobId: ctx.job.id,
                ownerId: owner.id,
                starter: { chosenBy: choice.chosenBy, preset: config.preset, reason: choice.reason },
                integrations: [...integrations.existing, ...integrations.created],
              },
            },
          });
        }
        return first;
      });
      // The host cache may hold the not-yet-provisioned row (briefly); drop it so the tenant is served now.
      deps.tenants.invalidate(tenantId);
      await done('open');
      await ctx.progress(100, 'Tenant is live');

      const domains = await listTenantDomains({ db, tenantId });
      return {
        tenantId,
        slug: tenant.slug,
        hosts: [`${tenant.slug}.${deps.env.BASE_DOMAIN}`, ...domains],
        ownerId: owner.id,
        starter: { chosenBy: choice.chosenBy, preset: config.preset },
        integrations: [...integrations.existing, ...integrations.created].sort(),
        alreadyProvisioned: !opened,
      };
    },
  });
}

/** Production wiring: the operator's model (OPENAI_API_KEY) proposes the starter configuration; rules otherwise. */
export const defaultProvisionOptions: TenantProvisionOptions = {
  modelChooser: (deps) => operatorStarterChooser(deps),
};

export const tenantProvisionTask = createTenantProvisionTask(defaultProvisionOptions);
