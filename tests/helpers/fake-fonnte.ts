// A local stand-in for api.fonnte.com: /send and /device in Fonnte's response format, a token
// check like the real one, every request recorded, and scripted failures on demand.
import { type FakeServer, type ScriptedResponse, startFakeServer } from './fake-server';

export type FakeFonnte = FakeServer & {
  token: string;
  device: string;
  /** Messages accepted by /send, one entry per target. */
  sent: { id: string; target: string; message: string; inboxid?: string }[];
  setConnected(connected: boolean): void;
};

export const fonnteFailure = (reason: string): ScriptedResponse => ({ json: { status: false, reason } });

export function startFakeFonnte(options: { token?: string; device?: string; port?: number } = {}): FakeFonnte {
  const token = options.token ?? 'fonnte-device-token';
  const device = options.device ?? '6281200000000';
  const sent: FakeFonnte['sent'] = [];
  let connected = true;
  let nextId = 80367170;
  let requestId = 2937124;

  const server = startFakeServer({
    port: options.port,
    onReset: () => {
      sent.length = 0;
      connected = true;
    },
    handler(req) {
      if (req.method !== 'POST') return { status: 405, json: { status: false, reason: 'method not allowed' } };
      // Fonnte answers 200 with status:false for a bad token.
      if (req.headers.authorization !== token) return fonnteFailure('token invalid');
      const body = (req.body ?? {}) as Record<string, unknown>;

      if (req.path === '/send') {
        if (!connected) return fonnteFailure('device disconnected');
        const targets = String(body.target ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
        if (targets.length === 0 || targets.some((t) => !/^\d{8,15}$/.test(t))) return fonnteFailure('target invalid');
        const ids = targets.map(() => String(nextId++));
        targets.forEach((target, i) => {
          sent.push({
            id: ids[i]!,
            target,
            message: String(body.message ?? ''),
            ...(body.inboxid ? { inboxid: String(body.inboxid) } : {}),
          });
        });
        return {
          json: {
            detail: 'success! message in queue',
            id: ids,
            process: 'pending',
            requestid: requestId++,
            status: true,
            target: targets,
          },
        };
      }

      if (req.path === '/device') {
        return {
          json: {
            device,
            device_status: connected ? 'connect' : 'disconnect',
            expired: '1767225600',
            messages: sent.length,
            name: 'Showroom Demo',
            package: 'Regular',
            quota: '9998',
            status: true,
          },
        };
      }

      return { status: 404, json: { status: false, reason: 'not found' } };
    },
  });

  return Object.assign(server, {
    token,
    device,
    sent,
    setConnected(value: boolean) {
      connected = value;
    },
  });
}
