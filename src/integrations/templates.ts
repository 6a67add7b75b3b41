// The integration templates seeded into integration_templates: what each provider's config looks
// like (JSON Schema 2020-12), which fields are secrets, and how a dealer sets it up.

export type IntegrationTemplateSeed = {
  name: 'fonnte' | 'gohighlevel' | 'openai';
  displayName: string;
  category: string;
  configSchema: Record<string, unknown>;
  /** Config fields stored encrypted and read back masked. */
  secretFields: string[];
  setupInstructions: string;
};

const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';
const httpUrl = {
  type: 'string',
  format: 'uri',
  pattern: '^https?://[^\\s/?#]+([/?#]\\S*)?$',
  maxLength: 500,
};

const fonnte: IntegrationTemplateSeed = {
  name: 'fonnte',
  displayName: 'WhatsApp (Fonnte)',
  category: 'messaging',
  secretFields: ['deviceToken'],
  configSchema: {
    $schema: SCHEMA,
    title: 'Fonnte WhatsApp gateway',
    type: 'object',
    additionalProperties: false,
    required: ['deviceToken', 'deviceNumber'],
    properties: {
      deviceToken: {
        type: 'string',
        title: 'Device token',
        description: 'The token of your device in the Fonnte dashboard (Device → Token).',
        minLength: 8,
        maxLength: 200,
        writeOnly: true,
      },
      deviceNumber: {
        type: 'string',
        title: 'WhatsApp number',
        description: 'The WhatsApp number connected to the device, with country code (e.g. 6281234567890).',
        pattern: '^\\+?[0-9][0-9 \\-]{6,20}$',
      },
      baseUrl: { ...httpUrl, title: 'API base URL', description: 'Leave empty for https://api.fonnte.com.' },
    },
  },
  setupInstructions: `## Connect WhatsApp through Fonnte

1. Sign in at [fonnte.com](https://fonnte.com) and open **Device**. Add a device with the WhatsApp
   number your showroom uses (country code, no plus: \`6281234567890\`).
2. Click **Connect** and scan the QR code with WhatsApp on that phone
   (*Settings → Linked devices → Link a device*). The device must show **connect**.
3. Copy the device **Token** and paste it here as *Device token*; enter the same number as
   *WhatsApp number*. Save.
4. Copy the **Webhook URL** shown on this integration after saving, and paste it into the device's
   **Webhook** field in Fonnte (it contains a secret token — do not share it). Paste the same URL
   into the *connect status* and *message status* webhook fields too, so Showroom sees when the
   device disconnects and when messages are delivered and read.
5. Press **Test connection**. Showroom checks the token and that the device is connected.

Incoming WhatsApp messages then create or join leads, and replies you send from a lead are
delivered through this device. Fonnte packages have message quotas: when the quota runs out,
sends fail with *insufficient quota* until you top up, after which you can retry the failed jobs.`,
};

const gohighlevel: IntegrationTemplateSeed = {
  name: 'gohighlevel',
  displayName: 'GoHighLevel CRM',
  category: 'crm',
  secretFields: ['apiKey', 'webhookSecret'],
  configSchema: {
    $schema: SCHEMA,
    title: 'GoHighLevel (LeadConnector)',
    type: 'object',
    additionalProperties: false,
    required: ['apiKey', 'locationId'],
    properties: {
      apiKey: {
        type: 'string',
        title: 'Private Integration Token',
        description: 'Sub-account Settings → Private Integrations → create a token.',
        minLength: 8,
        maxLength: 2000,
        writeOnly: true,
      },
      locationId: {
        type: 'string',
        title: 'Location (sub-account) ID',
        minLength: 1,
        maxLength: 100,
        pattern: '^[A-Za-z0-9_-]+$',
      },
      apiVersion: {
        type: 'string',
        title: 'API version header',
        description: 'Leave empty for 2021-07-28.',
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      },
      baseUrl: {
        ...httpUrl,
        title: 'API base URL',
        description: 'Leave empty for https://services.leadconnectorhq.com.',
      },
      webhookSecret: {
        type: 'string',
        title: 'Workflow webhook secret',
        description: 'Shared secret for workflow "Custom Webhook" actions signed with x-webhook-signature.',
        minLength: 16,
        maxLength: 200,
        writeOnly: true,
      },
    },
  },
  setupInstructions: `## Connect GoHighLevel

1. In GoHighLevel, open the sub-account (location) for this showroom and go to
   **Settings → Private Integrations → Create new integration**.
2. Give it a name (e.g. *Showroom*) and allow at least these scopes:
   *View Contacts*, *Edit Contacts*, *View Locations*, *View Conversations*, *View Conversation Messages*.
   Copy the token shown once and paste it here as *Private Integration Token*.
3. Copy the **Location ID** from **Settings → Business Profile** (or the URL:
   \`/location/<LOCATION_ID>/…\`) and paste it as *Location (sub-account) ID*. Save.
4. Press **Test connection**: Showroom reads the location with your token.
5. To receive contacts and messages from GoHighLevel through a Marketplace app, set the app's
   webhook URL to \`https://<your showroom host>/webhook/ghl\` and subscribe to *ContactCreate*,
   *ContactUpdate*, *InboundMessage* and *OutboundMessage*. GoHighLevel signs these deliveries and
   Showroom verifies the signature automatically.
6. Optional — workflows: in a workflow, add a **Custom Webhook** action (POST, JSON body with
   \`type\`, \`locationId\` and the contact fields) to the same URL. Set a *Workflow webhook secret*
   here and sign each call with header \`x-webhook-signature\` = hex HMAC-SHA256 of the raw body.

Leads created in Showroom are pushed to GoHighLevel as contacts (matched by phone or email).`,
};

const openai: IntegrationTemplateSeed = {
  name: 'openai',
  displayName: 'OpenAI',
  category: 'ai',
  secretFields: ['apiKey'],
  configSchema: {
    $schema: SCHEMA,
    title: 'OpenAI',
    type: 'object',
    additionalProperties: false,
    required: ['apiKey'],
    properties: {
      apiKey: {
        type: 'string',
        title: 'API key',
        description: 'A project API key from platform.openai.com → API keys.',
        minLength: 8,
        maxLength: 500,
        writeOnly: true,
      },
      model: {
        type: 'string',
        title: 'Model',
        description: 'Leave empty for the platform default (gpt-4o-mini). Must support structured outputs.',
        minLength: 1,
        maxLength: 100,
        pattern: '^[A-Za-z0-9._:/-]+$',
      },
      baseUrl: {
        ...httpUrl,
        title: 'API base URL',
        description: 'Leave empty for https://api.openai.com/v1; set for a compatible endpoint.',
      },
    },
  },
  setupInstructions: `## Use your own OpenAI key

Showroom uses AI to score new leads and draft WhatsApp follow-ups. Without this integration the
platform key and its monthly cap apply.

1. Sign in at [platform.openai.com](https://platform.openai.com), open **API keys** and create a
   project key (restrict it to the *Chat completions* and *Models* endpoints if you like).
2. Make sure the project has billing set up; a key without credit answers *insufficient quota*.
3. Paste the key here as *API key*. Optionally choose a *Model* that supports structured outputs
   (for example \`gpt-4o-mini\`). Save.
4. Press **Test connection**: Showroom lists the models your key can use.

Usage is billed by OpenAI to your account.`,
};

export const integrationTemplateSeeds: readonly IntegrationTemplateSeed[] = [fonnte, gohighlevel, openai];

export function findTemplateSeed(name: string): IntegrationTemplateSeed | undefined {
  return integrationTemplateSeeds.find((t) => t.name === name);
}
