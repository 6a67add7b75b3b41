// Constant-time string comparison for credentials (tokens, API keys).
import { createHash, timingSafeEqual } from 'node:crypto';

export function timingSafeEqualStr(a: string, b: string): boolean {
  // Hash both sides so lengths never leak and timingSafeEqual always gets equal-length buffers.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
