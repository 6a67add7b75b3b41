// Turns the operator's intake answers into a new dealership's starter configuration (lead tags, reply
// templates, business hours): by the model when one is wired in, by the rules below otherwise, and
// always with the choice, who made it and why recorded on the tenant.
import { z } from 'zod';
import { slugify } from '../lib/slug';

export const businessTypes = [
  'used_car_dealer',
  'new_car_dealer',
  'multi_brand_dealer',
  'motorcycle_dealer',
  'commercial_vehicle_dealer',
  'other',
] as const;

export type BusinessType = (typeof businessTypes)[number];

/** Extra answers an operator may add: scalars only, so a stored intake stays small and flat. */
const intakeExtra = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
export const INTAKE_MAX_ANSWERS = 30;
const INTAKE_MAX_KEY_LENGTH = 60;

const knownIntake = z.object({
  businessType: z.enum(businessTypes).optional(),
  /** Vehicles usually in stock: a count or a band. */
  inventorySize: z.union([z.number().int().min(0).max(1_000_000), z.enum(['small', 'medium', 'large'])]).optional(),
  brands: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
  city: z.string().trim().min(1).max(100).optional(),
  /** Languages the dealership answers in; defaults from the tenant locale. */
  languages: z
    .array(z.enum(['id', 'en']))
    .min(1)
    .max(2)
    .optional(),
  notes: z.string().max(2000).optional(),
});

/**
 * Known intake fields are validated; other answers are kept (and shown to the model) when they are
 * bounded: at most 30 answers in all, names ≤ 60 characters, values a string ≤ 500 characters, a number,
 * a boolean or null. Anything nested is 400 rather than stored.
 */
export const intakeSchema = knownIntake.catchall(intakeExtra).superRefine((intake, ctx) => {
  const keys = Object.keys(intake);
  if (keys.length > INTAKE_MAX_ANSWERS)
    ctx.addIssue({ code: 'custom', message: `At most ${INTAKE_MAX_ANSWERS} answers` });
  for (const key of keys) {
    if (key.length > INTAKE_MAX_KEY_LENGTH)
      ctx.addIssue({ code: 'custom', path: [key.slice(0, INTAKE_MAX_KEY_LENGTH)], message: 'Answer name too long' });
  }
});

/** The known answers, plus any bounded extras (typed loosely so callers can pass plain objects). */
export type Intake = z.infer<typeof knownIntake> & { [extra: string]: unknown };

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const dayHours = z.object({ open: hhmm, close: hhmm }).nullable();
const weekDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const starterConfigSchema = z.object({
  preset: z.string().min(1).max(60),
  autoReply: z.boolean(),
  leadTags: z.array(z.string().min(1).max(60)).max(30),
  replyTemplates: z
    .array(
      z.object({
        key: z.string().min(1).max(60),
        language: z.enum(['id', 'en']),
        title: z.string().min(1).max(120),
        body: z.string().min(1).max(1000),
      }),
    )
    .max(40),
  /** Null for a closed day. */
  businessHours: z.object(
    Object.fromEntries(weekDays.map((d) => [d, dayHours])) as Record<(typeof weekDays)[number], typeof dayHours>,
  ),
});

export type StarterConfig = z.infer<typeof starterConfigSchema>;

export type StarterChoice = {
  config: StarterConfig;
  chosenBy: 'model' | 'rules';
  reason: string;
  /** Why the model's answer was not used, when it was asked and failed. */
  modelError?: string;
};

export type StarterInput = {
  intake: Intake;
  tenant: { name: string; locale: string; timezone: string };
};

/** The model's proposal: any value, validated here before use. Wired by the AI integration. */
export type ChooseWithModel = (input: StarterInput) => Promise<{ config: unknown; reason: unknown } | null>;

type Preset = {
  tags: string[];
  hours: StarterConfig['businessHours'];
  why: string;
};

const h = (open: string, close: string) => ({ open, close });

const presets: Record<BusinessType, Preset> = {
  used_car_dealer: {
    tags: ['test-drive', 'trade-in', 'financing', 'inspection-request', 'price-negotiation'],
    hours: {
      mon: h('08:30', '17:30'),
      tue: h('08:30', '17:30'),
      wed: h('08:30', '17:30'),
      thu: h('08:30', '17:30'),
      fri: h('08:30', '17:30'),
      sat: h('08:30', '17:30'),
      sun: h('10:00', '15:00'),
    },
    why: 'used-car buyers ask about trade-ins, inspections and negotiation, and shop at weekends',
  },
  new_car_dealer: {
    tags: ['test-drive', 'financing', 'booking-fee', 'promo', 'service'],
    hours: {
      mon: h('08:00', '17:00'),
      tue: h('08:00', '17:00'),
      wed: h('08:00', '17:00'),
      thu: h('08:00', '17:00'),
      fri: h('08:00', '17:00'),
      sat: h('08:00', '17:00'),
      sun: h('09:00', '16:00'),
    },
    why: 'new-car leads revolve around test drives, bookings, promotions and after-sales service',
  },
  multi_brand_dealer: {
    tags: ['test-drive', 'trade-in', 'financing', 'compare-models', 'price-negotiation'],
    hours: {
      mon: h('08:30', '17:30'),
      tue: h('08:30', '17:30'),
      wed: h('08:30', '17:30'),
      thu: h('08:30', '17:30'),
      fri: h('08:30', '17:30'),
      sat: h('08:30', '17:30'),
      sun: h('10:00', '15:00'),
    },
    why: 'multi-brand buyers compare models across makes and often trade in',
  },
  motorcycle_dealer: {
    tags: ['cash', 'credit', 'down-payment', 'service', 'spare-parts'],
    hours: {
      mon: h('08:00', '16:00'),
      tue: h('08:00', '16:00'),
      wed: h('08:00', '16:00'),
      thu: h('08:00', '16:00'),
      fri: h('08:00', '16:00'),
      sat: h('08:00', '14:00'),
      sun: null,
    },
    why: 'motorcycle sales are mostly cash or credit with a down payment, with service and parts alongside',
  },
  commercial_vehicle_dealer: {
    tags: ['fleet', 'company-purchase', 'financing', 'test-drive', 'service'],
    hours: {
      mon: h('08:00', '17:00'),
      tue: h('08:00', '17:00'),
      wed: h('08:00', '17:00'),
      thu: h('08:00', '17:00'),
      fri: h('08:00', '17:00'),
      sat: h('08:00', '13:00'),
      sun: null,
    },
    why: 'commercial buyers are companies and fleets buying on weekdays',
  },
  other: {
    tags: ['test-drive', 'financing', 'trade-in'],
    hours: {
      mon: h('09:00', '17:00'),
      tue: h('09:00', '17:00'),
      wed: h('09:00', '17:00'),
      thu: h('09:00', '17:00'),
      fri: h('09:00', '17:00'),
      sat: h('09:00', '14:00'),
      sun: null,
    },
    why: 'no business type was given, so a general showroom setup was chosen',
  },
};

const templates: Record<'id' | 'en', { key: string; title: string; body: string }[]> = {
  id: [
    {
      key: 'greeting',
      title: 'Sapaan',
      body: 'Halo {{name}}, terima kasih sudah menghubungi {{dealer}}{{cityAt}}. Ada mobil yang ingin Anda tanyakan?',
    },
    {
      key: 'after_hours',
      title: 'Di luar jam kerja',
      body: 'Terima kasih, {{name}}. Kami sedang tutup; tim {{dealer}} akan membalas pada jam kerja berikutnya.',
    },
    {
      key: 'test_drive',
      title: 'Jadwal test drive',
      body: 'Tentu, {{name}}. Kapan waktu yang cocok untuk test drive {{car}}? Kami siapkan unitnya.',
    },
    {
      key: 'financing',
      title: 'Simulasi kredit',
      body: 'Untuk simulasi kredit {{car}}, boleh kami tahu rencana DP dan tenor yang Anda inginkan?',
    },
  ],
  en: [
    {
      key: 'greeting',
      title: 'Greeting',
      body: 'Hi {{name}}, thanks for contacting {{dealer}}{{cityAt}}. Which car can we help you with?',
    },
    {
      key: 'after_hours',
      title: 'After hours',
      body: 'Thanks, {{name}}. We are closed right now; the {{dealer}} team will reply during opening hours.',
    },
    {
      key: 'test_drive',
      title: 'Test drive',
      body: 'Sure, {{name}}. When would suit you for a test drive of the {{car}}? We will have it ready.',
    },
    {
      key: 'financing',
      title: 'Financing',
      body: 'To work out financing for the {{car}}, what down payment and term do you have in mind?',
    },
  ],
};

function inventoryBand(size: Intake['inventorySize']): 'small' | 'medium' | 'large' | undefined {
  if (size === undefined || typeof size === 'string') return size;
  if (size < 30) return 'small';
  if (size < 150) return 'medium';
  return 'large';
}

/** The rules-based choice: deterministic, explainable, no network. */
export function chooseByRules({ intake, tenant }: StarterInput): StarterChoice {
  const type: BusinessType = intake.businessType ?? 'other';
  const preset = presets[type];
  const reasons = [`${type}: ${preset.why}`];

  const tags = [...preset.tags];
  const band = inventoryBand(intake.inventorySize);
  // Busy showrooms get more enquiries than staff can answer by hand; small ones answer personally.
  const autoReply = band === 'large' || band === 'medium';
  if (band) {
    reasons.push(
      autoReply
        ? `inventory ${band}: automatic replies on, so enquiries are acknowledged at once`
        : `inventory ${band}: automatic replies off, staff answer personally`,
    );
  }
  if (band === 'large') tags.push('follow-up-24h');
  const brands = [...new Set((intake.brands ?? []).map((b) => slugify(b, 40)))].slice(0, 8);
  for (const brand of brands) tags.push(`brand:${brand}`);
  if (brands.length > 0) reasons.push(`brand tags for ${brands.join(', ')}`);

  const languages = intake.languages ?? (tenant.locale.toLowerCase().startsWith('en') ? ['en'] : ['id', 'en']);
  reasons.push(`reply templates in ${languages.join(' and ')}`);
  const city = intake.city?.trim();
  if (city) reasons.push(`greetings mention ${city}`);

  const replyTemplates = languages.flatMap((language) =>
    templates[language].map((t) => ({
      ...t,
      language,
      // Dealer name and city are known now; lead and car placeholders are filled per message.
      body: t.body
        .replaceAll('{{dealer}}', tenant.name)
        .replaceAll('{{cityAt}}', city ? (language === 'id' ? ` ${city}` : ` in ${city}`) : ''),
    })),
  );

  return {
    chosenBy: 'rules',
    reason: reasons.join('; '),
    config: { preset: type, autoReply, leadTags: [...new Set(tags)], replyTemplates, businessHours: preset.hours },
  };
}

/**
 * The model's proposal when one is configured and its answer validates; the rules otherwise. A model
 * failure never fails provisioning: it is recorded on the choice and the rules answer instead.
 */
export async function chooseStarterConfig(
  input: StarterInput,
  options: { chooseWithModel?: ChooseWithModel } = {},
): Promise<StarterChoice> {
  if (!options.chooseWithModel) return chooseByRules(input);
  let modelError: string;
  try {
    const proposal = await options.chooseWithModel(input);
    if (!proposal) {
      modelError = 'the model gave no proposal';
    } else {
      const config = starterConfigSchema.safeParse(proposal.config);
      const reason = typeof proposal.reason === 'string' ? proposal.reason.trim().slice(0, 1000) : '';
      if (config.success && reason) return { chosenBy: 'model', reason, config: config.data };
      modelError = config.success ? 'the model gave no reason' : 'the model proposal did not validate';
    }
  } catch (err) {
    modelError = `the model call failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
  }
  const byRules = chooseByRules(input);
  return { ...byRules, modelError, reason: `${byRules.reason} (rules used because ${modelError})` };
}
