// The seeded templates and config validation against their JSON Schemas.
import { describe, expect, test } from 'bun:test';
import { validateIntegrationConfig } from '../../src/integrations/config-validation';
import { findTemplateSeed, integrationTemplateSeeds } from '../../src/integrations/templates';

const schemaOf = (name: string) => findTemplateSeed(name)!.configSchema;

describe('integrationTemplateSeeds', () => {
  test('the three templates with the contract fields and secrets', () => {
    expect(integrationTemplateSeeds.map((t) => t.name)).toEqual(['fonnte', 'gohighlevel', 'openai']);
    const fields = (name: string) => Object.keys((schemaOf(name) as { properties: object }).properties).sort();
    expect(fields('fonnte')).toEqual(['baseUrl', 'deviceNumber', 'deviceToken']);
    expect(fields('gohighlevel')).toEqual(['apiKey', 'apiVersion', 'baseUrl', 'locationId', 'webhookSecret']);
    expect(fields('openai')).toEqual(['apiKey', 'baseUrl', 'model']);
    expect(findTemplateSeed('fonnte')!.secretFields).toEqual(['deviceToken']);
    expect(findTemplateSeed('gohighlevel')!.secretFields).toEqual(['apiKey', 'webhookSecret']);
    expect(findTemplateSeed('openai')!.secretFields).toEqual(['apiKey']);
    expect(findTemplateSeed('nope')).toBeUndefined();
  });

  test('every template is draft 2020-12, has a display name, category and real setup steps', () => {
    for (const t of integrationTemplateSeeds) {
      expect(t.configSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(t.displayName.length).toBeGreaterThan(3);
      expect(t.category.length).toBeGreaterThan(1);
      expect(t.setupInstructions).toStartWith('## ');
      expect(t.setupInstructions).toContain('1. ');
      expect(t.setupInstructions).toContain('Test connection');
      // Secrets are marked write-only in the schema too, so generated forms treat them as passwords.
      const props = (t.configSchema as { properties: Record<string, { writeOnly?: boolean }> }).properties;
      for (const secret of t.secretFields) expect(props[secret]!.writeOnly).toBe(true);
    }
  });
});

describe('validateIntegrationConfig', () => {
  test('valid configs give no problems', () => {
    expect(
      validateIntegrationConfig(schemaOf('fonnte'), {
        deviceToken: 'abcdefgh1234',
        deviceNumber: '6281234567890',
      }),
    ).toEqual([]);
    expect(
      validateIntegrationConfig(schemaOf('gohighlevel'), {
        apiKey: 'pit-1234567890',
        locationId: 've9EPM428h8vShlRW1KT',
        apiVersion: '2021-07-28',
        baseUrl: 'https://services.leadconnectorhq.com',
        webhookSecret: 'a-long-shared-secret-value',
      }),
    ).toEqual([]);
    expect(validateIntegrationConfig(schemaOf('openai'), { apiKey: 'sk-proj-12345678', model: 'gpt-4o-mini' })).toEqual(
      [],
    );
  });

  test('missing required fields are reported at their own pointer', () => {
    expect(validateIntegrationConfig(schemaOf('fonnte'), {})).toEqual([
      { path: '/deviceToken', message: 'is required' },
      { path: '/deviceNumber', message: 'is required' },
    ]);
  });

  test('wrong types, bad formats and unknown fields, all at once', () => {
    const problems = validateIntegrationConfig(schemaOf('gohighlevel'), {
      apiKey: 12345,
      locationId: 'has spaces!',
      apiVersion: 'v2',
      baseUrl: 'ftp://example.com',
      extra: true,
    });
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('/apiKey');
    expect(paths).toContain('/locationId');
    expect(paths).toContain('/apiVersion');
    expect(paths).toContain('/baseUrl');
    expect(problems).toContainEqual({ path: '/extra', message: 'is not a known field' });
    // No vague wrapper messages like 'Property "x" does not match schema.'
    expect(problems.some((p) => p.message.includes('does not match schema'))).toBe(false);
  });

  test('problems read well: types, patterns, URL format', () => {
    expect(
      validateIntegrationConfig(schemaOf('gohighlevel'), {
        apiKey: 12345,
        locationId: 'has spaces!',
        extra: true,
      }),
    ).toEqual([
      { path: '/apiKey', message: 'must be a string' },
      { path: '/locationId', message: 'has an invalid format' },
      { path: '/extra', message: 'is not a known field' },
    ]);
    expect(validateIntegrationConfig(schemaOf('openai'), { apiKey: 'sk-12345678', baseUrl: 'not a url' })).toEqual([
      { path: '/baseUrl', message: 'has an invalid format' },
      { path: '/baseUrl', message: 'must be a valid URL' },
    ]);
  });

  test('baseUrl must be http(s) with a host', () => {
    const check = (baseUrl: string) =>
      validateIntegrationConfig(schemaOf('fonnte'), {
        deviceToken: 'abcdefgh',
        deviceNumber: '6281234567890',
        baseUrl,
      });
    expect(check('https://api.fonnte.com')).toEqual([]);
    expect(check('http://127.0.0.1:4010/')).toEqual([]);
    expect(check('https://')).not.toEqual([]);
    expect(check('ftp://api.fonnte.com')).not.toEqual([]);
    expect(check('https://api.fonnte.com/ x')).not.toEqual([]);
  });

  test('a non-object config is reported at the root', () => {
    const problems = validateIntegrationConfig(schemaOf('openai'), 'sk-123');
    expect(problems).toEqual([{ path: '', message: 'must be an object' }]);
    expect(validateIntegrationConfig(schemaOf('openai'), null)[0]!.path).toBe('');
  });

  test('pointer segments are escaped', () => {
    const problems = validateIntegrationConfig(schemaOf('openai'), { apiKey: 'sk-12345678', 'a/b~c': 1 });
    expect(problems).toEqual([{ path: '/a~1b~0c', message: 'is not a known field' }]);
  });

  test('works with operator-defined schemas too (nested objects and arrays)', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        headers: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        tags: { type: 'array', items: { type: 'string' } },
      },
    };
    expect(validateIntegrationConfig(schema, { headers: {}, tags: ['ok', 3] })).toEqual([
      { path: '/headers/name', message: 'is required' },
      { path: '/tags/1', message: 'must be a string' },
    ]);
  });
});
