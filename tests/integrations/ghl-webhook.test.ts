// GoHighLevel webhook bodies (flat and envelope) classified into contact / message / ignored / invalid.
import { describe, expect, test } from 'bun:test';
import { parseGhlWebhook } from '../../src/integrations/ghl';

const contactCreate = {
  type: 'ContactCreate',
  locationId: 'loc_1',
  id: 'c_1',
  firstName: 'Budi',
  lastName: 'Santoso',
  name: 'Budi Santoso',
  email: 'budi@example.com',
  phone: '+6281234567890',
  companyName: null,
  address1: '',
  source: 'Facebook Ads',
  tags: ['fb', 'avanza', 7],
  dnd: false,
  dateAdded: '2025-01-15T11:59:00.000Z',
  customFields: [{ id: 'cf_budget', value: '200000000' }, { nope: true }],
  webhookId: 'wh_123',
  timestamp: '2025-01-15T12:00:00.000Z',
};

describe('contacts', () => {
  test('flat ContactCreate', () => {
    expect(parseGhlWebhook(contactCreate)).toEqual({
      kind: 'contact',
      action: 'created',
      type: 'ContactCreate',
      locationId: 'loc_1',
      webhookId: 'wh_123',
      timestamp: new Date('2025-01-15T12:00:00.000Z'),
      contact: {
        id: 'c_1',
        locationId: 'loc_1',
        firstName: 'Budi',
        lastName: 'Santoso',
        name: 'Budi Santoso',
        email: 'budi@example.com',
        phone: '+6281234567890',
        source: 'Facebook Ads',
        tags: ['fb', 'avanza'],
        dnd: false,
        dateAdded: '2025-01-15T11:59:00.000Z',
        customFields: [{ id: 'cf_budget', value: '200000000' }],
      },
    });
  });

  test('flat ContactUpdate with only a few fields', () => {
    expect(parseGhlWebhook({ type: 'ContactUpdate', locationId: 'loc_1', id: 'c_1', phone: '+62811' })).toEqual({
      kind: 'contact',
      action: 'updated',
      type: 'ContactUpdate',
      locationId: 'loc_1',
      contact: { id: 'c_1', locationId: 'loc_1', phone: '+62811', tags: [], customFields: [] },
    });
  });

  test('envelope form {type:"contact.created", source, payload}', () => {
    const event = parseGhlWebhook({
      type: 'contact.created',
      source: 'workflow',
      webhookId: 'wh_9',
      timestamp: 1736942400,
      payload: { id: 'c_2', locationId: 'loc_1', name: 'Sari', phone: '081298765432' },
    });
    expect(event).toEqual({
      kind: 'contact',
      action: 'created',
      type: 'contact.created',
      locationId: 'loc_1',
      webhookId: 'wh_9',
      timestamp: new Date('2025-01-15T12:00:00Z'),
      contact: {
        id: 'c_2',
        locationId: 'loc_1',
        name: 'Sari',
        phone: '081298765432',
        tags: [],
        customFields: [],
      },
    });
  });

  test('envelope with a nested contact, contactId, top-level locationId and envelope id as dedupe key', () => {
    const event = parseGhlWebhook({
      id: 'evt_77',
      type: 'contact.updated',
      locationId: 'loc_top',
      payload: { contact: { contactId: 'c_3', email: 'x@example.com' } },
    });
    expect(event).toMatchObject({
      kind: 'contact',
      action: 'updated',
      locationId: 'loc_top',
      webhookId: 'evt_77',
      contact: { id: 'c_3', locationId: 'loc_top', email: 'x@example.com' },
    });
  });

  test('a contact event without id or locationId is invalid, naming the fields', () => {
    const event = parseGhlWebhook({ type: 'ContactCreate', name: 'No Id' });
    expect(event.kind).toBe('invalid');
    expect(event).toMatchObject({ type: 'ContactCreate' });
    expect((event as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual(['id', 'locationId']);
  });
});

describe('messages', () => {
  test('InboundMessage', () => {
    expect(
      parseGhlWebhook({
        type: 'InboundMessage',
        locationId: 'loc_1',
        contactId: 'c_1',
        conversationId: 'conv_1',
        messageId: 'm_1',
        body: 'Masih ada unit Avanza?',
        contentType: 'text/plain',
        direction: 'inbound',
        messageType: 'SMS',
        status: 'delivered',
        dateAdded: '2025-01-15T12:00:00.000Z',
        attachments: ['https://files.example/a.jpg'],
        webhookId: 'wh_m1',
      }),
    ).toEqual({
      kind: 'message',
      direction: 'inbound',
      type: 'InboundMessage',
      locationId: 'loc_1',
      webhookId: 'wh_m1',
      message: {
        contactId: 'c_1',
        conversationId: 'conv_1',
        messageId: 'm_1',
        body: 'Masih ada unit Avanza?',
        contentType: 'text/plain',
        messageType: 'SMS',
        status: 'delivered',
        dateAdded: '2025-01-15T12:00:00.000Z',
        attachments: ['https://files.example/a.jpg'],
      },
    });
  });

  test('OutboundMessage without a body (e.g. a call) has an empty body', () => {
    expect(
      parseGhlWebhook({
        type: 'OutboundMessage',
        locationId: 'loc_1',
        contactId: 'c_1',
        messageType: 'CALL',
      }),
    ).toEqual({
      kind: 'message',
      direction: 'outbound',
      type: 'OutboundMessage',
      locationId: 'loc_1',
      message: { contactId: 'c_1', body: '', messageType: 'CALL', attachments: [] },
    });
  });

  test('a message without contactId is invalid', () => {
    expect(parseGhlWebhook({ type: 'InboundMessage', locationId: 'loc_1', body: 'x' }).kind).toBe('invalid');
  });
});

describe('ignored and invalid', () => {
  test('other event types are ignored but keep routing data', () => {
    expect(parseGhlWebhook({ type: 'ContactDelete', locationId: 'loc_1', id: 'c_1', webhookId: 'w' })).toEqual({
      kind: 'ignored',
      type: 'ContactDelete',
      locationId: 'loc_1',
      webhookId: 'w',
    });
    expect(parseGhlWebhook({ type: 'OpportunityCreate' })).toEqual({
      kind: 'ignored',
      type: 'OpportunityCreate',
    });
    expect(parseGhlWebhook({ type: 'ContactTagUpdate', locationId: 'loc_1' }).kind).toBe('ignored');
  });

  test('bodies without a type are invalid', () => {
    for (const body of [null, [], 'x', {}, { type: '' }, { type: 5 }, { locationId: 'loc_1' }]) {
      expect(parseGhlWebhook(body).kind).toBe('invalid');
    }
  });

  test('a bad timestamp is dropped rather than failing the event', () => {
    const event = parseGhlWebhook({ ...contactCreate, timestamp: 'not a date' });
    expect(event.kind).toBe('contact');
    expect(event).not.toHaveProperty('timestamp');
  });
});
