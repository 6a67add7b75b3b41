// Redaction of secrets at any depth, for audit metadata and logs, and IP masking for audit entries.

/**
 * Parts that make a key secret wherever they appear in it, once lower-cased with everything but letters and
 * digits removed (`deviceToken`, `XApiKey`, `x-api-key`, `webhook_secret`, `clientsecret`, `newPassword`).
 * Counts such as `tokenCount` are hidden too: a false positive only hides an audit value, a miss leaks a secret.
 */
const SECRET_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'credential',
  'privatekey',
  'accesskey',
  'signingkey',
  'authkey',
  'encryptionkey',
  'sessionkey',
  'jwt',
  'bearer',
  'signature',
];
/** Short words that count only as a whole word (`pass`, `db_pwd`, `otpCode`): `passengers` and `bypassCache` are harmless. */
const SECRET_WORDS = new Set(['pass', 'pwd', 'otp']);
/** Query or form parameters that are secret although the key check would pass them (`?key=…`, `&sig=…`). */
const SECRET_PARAMS = new Set(['key', 'sig', 'auth']);
/** Fields that name the `value` beside them (`{ name: 'Authorization', value: 'Bearer …' }`). */
const NAME_FIELDS = new Set(['name', 'key', 'header']);

export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 20;

export function isSecretKey(key: string): boolean {
  const squashed = key.toLowerCase().replace(/[^a-z0-9]+/g, '');
  if (SECRET_PARTS.some((part) => squashed.includes(part))) return true;
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((word) => SECRET_WORDS.has(word));
}

/** Bearer tokens (RFC 6750 b64token) anywhere in a string. */
const BEARER = /\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi;
/** `name=value` as in a query string, a form body or free text (`?token=…`, `&api_key=…`, `secret=…`). */
const PARAM = /(^|[^\w.-])([\w.-]+)=([^&#\s"'<>;,]*)/g;
/** `"name": "value"` in JSON that did not parse (cut short, say). */
const JSON_PAIR = /"((?:[^"\\]|\\.){1,200})"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
/** The password of `scheme://user:password@host`. */
const USERINFO = /(\/\/[^/\s:@?#]+):[^/\s@?#]+@/g;

function redactString(text: string, depth: number): string {
  const trimmed = text.trim();
  if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object') {
      const redacted = JSON.stringify(redact(parsed, depth + 1));
      // Unchanged JSON keeps its own formatting.
      return redacted === JSON.stringify(parsed) ? text : redacted;
    }
  }
  return text
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(PARAM, (match, before: string, name: string, value: string) =>
      value && (isSecretKey(name) || SECRET_PARAMS.has(name.toLowerCase())) ? `${before}${name}=${REDACTED}` : match,
    )
    .replace(JSON_PAIR, (match, name: string, colon: string) =>
      isSecretKey(name) ? `"${name}"${colon}"${REDACTED}"` : match,
    )
    .replace(USERINFO, `$1:${REDACTED}@`);
}

/**
 * A copy of `value` with secrets replaced by `[REDACTED]`: values under secret keys, the `value` of a
 * `{ name | key | header, value }` object and the second item of a `[name, value]` pair (inside an array)
 * whose name is secret, and inside strings Bearer tokens, secret query parameters and JSON (parsed,
 * redacted and re-serialised). Anything deeper than MAX_DEPTH is redacted whole.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return REDACTED;
  if (typeof value === 'string') return redactString(value, depth);
  if (Array.isArray(value)) {
    return value.map((item) =>
      Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && isSecretKey(item[0])
        ? [redact(item[0], depth + 2), REDACTED]
        : redact(item, depth + 1),
    );
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value);
    const namesSecret = entries.some(
      ([k, v]) => NAME_FIELDS.has(k.toLowerCase()) && typeof v === 'string' && isSecretKey(v),
    );
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      out[k] = isSecretKey(k) || (namesSecret && k.toLowerCase() === 'value') ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail counts as two), or null. */
function ipv6Groups(ip: string): string[] | null {
  const address = ip.split('%')[0]!.toLowerCase();
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const expand = (groups: string[]) =>
    groups.flatMap((g) => (g.includes('.') ? (/^\d{1,3}(\.\d{1,3}){3}$/.test(g) ? ['0', '0'] : ['x']) : [g]));
  const head = expand(part(halves[0]));
  const tail = expand(part(halves[1]));
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}

/** Keeps enough of an address for abuse analysis, not enough to identify a person: /24 for IPv4, /48 for IPv6. */
export function maskIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip.trim());
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0`;
  const groups = ipv6Groups(ip.trim());
  return groups ? `${groups.slice(0, 3).join(':')}::` : null;
}
