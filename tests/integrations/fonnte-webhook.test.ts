// Fonnte webhook bodies, JSON and form-decoded, classified into message / status / device events.
import { describe, expect, test } from 'bun:test';
import { parseFonnteWebhook } from '../../src/integrations/fonnte';

const form = (s: string) => Object.fromEntries(new URLSearchParams(s));

describe('incoming message', () => {
  test('JSON body with the documented fields', () => {
    const event = parseFonnteWebhook({
      device: '6281200000000',
      sender: '6281234567890',
      message: 'Avanza 2019 masih ada?',
      text: '',
      member: '',
      name: 'Budi',
      location: '',
      pollname: '',
      choices: '',
      timestamp: 1736942400,
      inboxid: 55501,
    });
    expect(event).toEqual({
      kind: 'message',
      device: '6281200000000',
      sender: '6281234567890',
      message: 'Avanza 2019 masih ada?',
      name: 'Budi',
      isGroup: false,
      inboxid: '55501',
      timestamp: new Date('2025-01-15T12:00:00Z'),
    });
  });

  test('form-encoded body gives the same event', () => {
    const event = parseFonnteWebhook(
      form('device=6281200000000&sender=6281234567890&message=Halo&name=Budi&timestamp=1736942400&inboxid=55501'),
    );
    expect(event).toMatchObject({
      kind: 'message',
      sender: '6281234567890',
      message: 'Halo',
      inboxid: '55501',
      timestamp: new Date('2025-01-15T12:00:00Z'),
    });
  });

  test('button replies use `text`, attachments keep url/filename and may have no text', () => {
    expect(parseFonnteWebhook({ device: 'd', sender: '628', message: '', text: 'Ya, tertarik' })).toMatchObject({
      message: 'Ya, tertarik',
    });
    const attachment = parseFonnteWebhook({
      device: 'd',
      sender: '628',
      message: '',
      url: 'https://files.example/x.jpg',
      filename: 'x.jpg',
      extension: 'jpg',
    });
    expect(attachment).toMatchObject({
      kind: 'message',
      message: '',
      url: 'https://files.example/x.jpg',
      extension: 'jpg',
    });
  });

  test('group messages are flagged and keep the member', () => {
    expect(
      parseFonnteWebhook({
        device: 'd',
        sender: '120363000000000000@g.us',
        member: '6281234567890',
        message: 'hi',
      }),
    ).toMatchObject({ kind: 'message', isGroup: true, member: '6281234567890' });
  });

  test('keys in any case, ISO and millisecond timestamps, a missing device', () => {
    const event = parseFonnteWebhook({ Sender: '628111', Message: 'x', TIMESTAMP: '2025-01-15T12:00:00Z' });
    expect(event).toMatchObject({ kind: 'message', device: null, sender: '628111' });
    expect((event as { timestamp: Date }).timestamp.toISOString()).toBe('2025-01-15T12:00:00.000Z');
    expect(parseFonnteWebhook({ sender: '628', timestamp: 1736942400000 })).toMatchObject({
      timestamp: new Date('2025-01-15T12:00:00Z'),
    });
    expect(parseFonnteWebhook({ sender: '628', timestamp: 'yesterday' })).not.toHaveProperty('timestamp');
  });

  test('objects where strings belong are ignored, not crashed on', () => {
    const event = parseFonnteWebhook({ sender: '628', message: { evil: true }, name: ['x'] });
    expect(event).toEqual({ kind: 'message', device: null, sender: '628', message: '', isGroup: false });
  });
});

describe('message status', () => {
  test('full callback', () => {
    expect(
      parseFonnteWebhook({
        device: '6281200000000',
        id: 80367170,
        stateid: 'abc',
        status: 'Sent',
        state: 'delivered',
      }),
    ).toEqual({
      kind: 'message_status',
      device: '6281200000000',
      id: '80367170',
      stateid: 'abc',
      status: 'sent',
      state: 'delivered',
    });
  });

  test('only id/status, or only stateid/state', () => {
    expect(parseFonnteWebhook(form('id=80367170&status=read'))).toEqual({
      kind: 'message_status',
      id: '80367170',
      status: 'read',
    });
    expect(parseFonnteWebhook({ stateid: 's-1', state: 'read' })).toEqual({
      kind: 'message_status',
      stateid: 's-1',
      state: 'read',
    });
  });
});

describe('device status', () => {
  test('connect and disconnect with reason', () => {
    expect(parseFonnteWebhook({ device: '6281200000000', status: 'connect', timestamp: '1736942400' })).toEqual({
      kind: 'device_status',
      device: '6281200000000',
      status: 'connect',
      timestamp: new Date('2025-01-15T12:00:00Z'),
    });
    expect(parseFonnteWebhook(form('device=6281200000000&status=DISCONNECT&reason=logout'))).toEqual({
      kind: 'device_status',
      device: '6281200000000',
      status: 'disconnect',
      reason: 'logout',
    });
  });
});

describe('unknown', () => {
  for (const body of [
    {},
    { device: 'd' },
    { device: 'd', status: 'weird' },
    { status: 'connect' },
    { sender: '' },
    null,
    'text',
    [1, 2],
    42,
  ]) {
    test(JSON.stringify(body), () => expect(parseFonnteWebhook(body)).toEqual({ kind: 'unknown' }));
  }
});
