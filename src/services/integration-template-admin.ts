// Operator administration of integration templates: their config must be a JSON object schema whose
// secret fields are among its properties, and a template in use cannot be deleted (deactivate it instead).
import { z } from 'zod';
import type { IntegrationTemplate } from '../../drizzle/schema';
import { validateIntegrationConfig } from '../integrations/config-validation';
import type { Deps } from '../lib/deps';
import { AppError, conflict, isUniqueViolation, notFound, pgErrorCode } from '../lib/errors';
import { pageMeta, paginationShape } from '../lib/pagination';
import { issuesToDetails } from '../lib/validate';
import {
  deleteTemplate,
  findTemplate,
  insertTemplate,
  listTemplates,
  type TemplateWithUsage,
  updateTemplate,
} from '../repositories/platform-templates';
import { auditPlatform, type PlatformCaller } from './tenants';

const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'field names are identifiers');

const jsonType = z.enum(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

const propertySchema = z.looseObject({
  type: z.union([jsonType, z.array(jsonType).min(1)]),
  title: z.string().max(120).optional(),
  description: z.string().max(2000).optional(),
});

/** Structural check of a JSON Schema (draft 2020-12) for a flat config object. */
export const configSchemaSchema = z
  .looseObject({
    type: z.literal('object'),
    properties: z.record(fieldName, propertySchema).refine((p) => Object.keys(p).length <= 50, 'at most 50 fields'),
    required: z.array(fieldName).optional(),
    additionalProperties: z.boolean().optional(),
  })
  .superRefine((schema, ctx) => {
    try {
      // The same validator integrations are checked with must accept the schema.
      validateIntegrationConfig(schema, {});
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `is not a usable JSON Schema: ${(err as Error).message}`.slice(0, 300) });
    }
    for (const [i, name] of (schema.required ?? []).entries()) {
      if (!(name in schema.properties)) {
        ctx.addIssue({ code: 'custom', path: ['required', i], message: `"${name}" is not a property` });
      }
    }
  });

const templateFields = {
  displayName: z.string().trim().min(1).max(80),
  category: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{1,39}$/, 'a lower-case word such as messaging, crm or ai'),
  configSchema: configSchemaSchema,
  secretFields: z.array(fieldName).max(50),
  setupInstructions: z.string().max(20_000),
  isActive: z.boolean(),
};

function checkSecretFields(
  value: { configSchema?: z.infer<typeof configSchemaSchema>; secretFields?: string[] },
  ctx: z.RefinementCtx,
) {
  if (!value.configSchema || !value.secretFields) return;
  for (const [i, name] of value.secretFields.entries()) {
    if (!(name in value.configSchema.properties)) {
      ctx.addIssue({
        code: 'custom',
        path: ['secretFields', i],
        message: `"${name}" is not a property of configSchema`,
      });
    }
  }
}

export const createTemplateSchema = z
  .object({
    /** Machine name, denormalised into integrations.template: fixed once created. */
    name: z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'a lower-case machine name such as fonnte'),
    ...templateFields,
    secretFields: templateFields.secretFields.default([]),
    setupInstructions: templateFields.setupInstructions.default(''),
    isActive: templateFields.isActive.default(true),
  })
  .superRefine(checkSecretFields);

export const updateTemplateSchema = z
  .object(templateFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change')
  .superRefine(checkSecretFields);

export const listTemplatesQuerySchema = z.object({
  ...paginationShape,
});

export function platformTemplate(t: IntegrationTemplate & { inUse?: number }) {
  return {
    id: t.id,
    name: t.name,
    displayName: t.displayName,
    category: t.category,
    configSchema: t.configSchema,
    secretFields: t.secretFields,
    setupInstructions: t.setupInstructions,
    isActive: t.isActive,
    inUse: t.inUse ?? 0,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export async function listIntegrationTemplates(deps: Deps, query: z.infer<typeof listTemplatesQuerySchema>) {
  const { rows, total } = await listTemplates({ db: deps.db, ...query });
  return {
    data: rows.map(platformTemplate),
    meta: pageMeta(query.page, query.limit, total),
  };
}

export async function getIntegrationTemplate(deps: Deps, id: string): Promise<TemplateWithUsage> {
  const found = await findTemplate({ db: deps.db, id });
  if (!found) throw notFound('Integration template');
  return found;
}

export async function createIntegrationTemplate(
  deps: Deps,
  input: z.infer<typeof createTemplateSchema>,
  caller: PlatformCaller,
) {
  let created: IntegrationTemplate;
  try {
    created = await insertTemplate({ db: deps.db, values: input });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('A template with this name exists', [{ path: 'name', message: 'is taken' }]);
    throw err;
  }
  await auditPlatform(deps, caller, {
    tenantId: null,
    action: 'integration_template.create',
    targetType: 'integration_template',
    targetId: created.id,
    metadata: { name: created.name },
  });
  return platformTemplate(created);
}

export async function updateIntegrationTemplate(
  deps: Deps,
  id: string,
  input: z.infer<typeof updateTemplateSchema>,
  caller: PlatformCaller,
) {
  const current = await getIntegrationTemplate(deps, id);
  // A change to one of the pair is checked against the other as stored.
  const merged = z
    .object({ configSchema: configSchemaSchema, secretFields: templateFields.secretFields })
    .superRefine(checkSecretFields)
    .safeParse({
      configSchema: input.configSchema ?? current.configSchema,
      secretFields: input.secretFields ?? current.secretFields,
    });
  if (!merged.success) {
    throw new AppError('validation_failed', 'Invalid request body', { details: issuesToDetails(merged.error.issues) });
  }
  const updated = await updateTemplate({ db: deps.db, id, values: input });
  if (!updated) throw notFound('Integration template');
  await auditPlatform(deps, caller, {
    tenantId: null,
    action: 'integration_template.update',
    targetType: 'integration_template',
    targetId: id,
    metadata: { name: updated.name, fields: Object.keys(input) },
  });
  return platformTemplate({ ...updated, inUse: current.inUse });
}

export async function deleteIntegrationTemplate(deps: Deps, id: string, caller: PlatformCaller) {
  const current = await getIntegrationTemplate(deps, id);
  const inUse = () =>
    conflict(`Template "${current.name}" is used by integrations; deactivate it instead`, [
      { path: 'id', message: 'in use' },
    ]);
  if (current.inUse > 0) throw inUse();
  try {
    if (!(await deleteTemplate({ db: deps.db, id }))) throw notFound('Integration template');
  } catch (err) {
    // 23503: an integration was created between the check and the delete.
    if (pgErrorCode(err) === '23503') throw inUse();
    throw err;
  }
  await auditPlatform(deps, caller, {
    tenantId: null,
    action: 'integration_template.delete',
    targetType: 'integration_template',
    targetId: id,
    metadata: { name: current.name },
  });
}
