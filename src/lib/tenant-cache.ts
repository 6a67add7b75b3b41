// Host → tenant resolution with a small TTL cache: hits never touch the database, misses are cached
// too (briefly), and a changed or suspended tenant takes effect within the TTL (or at once via invalidate).
import type { Tenant } from '../../drizzle/schema';
import type { Executor } from '../db/client';
import { findTenantByDomain, findTenantBySlug } from '../repositories/tenants';
import type { Clock } from './clock';
import { normalizeHost, subdomainSlug } from './host';

type Entry = { tenant: Tenant | null; expiresAt: number };

/** What a host value that is not a valid host name resolves to, for good. */
const INVALID_HOST: Entry = { tenant: null, expiresAt: Number.POSITIVE_INFINITY };

/** Bound on remembered raw host values; at the bound they are forgotten all at once. */
const RAW_HOSTS_LIMIT = 1024;

export type TenantCacheOptions = {
  db: Executor;
  baseDomain: string;
  ttlMs: number;
  clock: Clock;
  /** Bound on cached hosts; the oldest entries go first. */
  maxEntries?: number;
};

export class TenantCache {
  private entries = new Map<string, Entry>();
  private inflight = new Map<string, Promise<Tenant | null>>();
  /**
   * Raw host values as requests send them (`Acme.example:443`) → the entry of their normalised host, so
   * a request finds its tenant with one lookup of the text it came with (bench/rate-limit). Bounded:
   * made-up hosts cost memory only up to RAW_HOSTS_LIMIT.
   */
  private byRaw = new Map<string, Entry>();
  /**
   * Bumped by invalidate(): a lookup that started before a change may have read the old row, so its answer
   * is given to the requests that were waiting for it but not cached (as catalogue versions do).
   */
  private generation = 0;
  private readonly maxEntries: number;

  constructor(private readonly options: TenantCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The cached answer for a host, without waiting: undefined when it is not cached (or has expired). */
  peek(host: string): Tenant | null | undefined {
    const hit = this.entries.get(host);
    return hit && hit.expiresAt > this.options.clock.ms() ? hit.tenant : undefined;
  }

  /** peek() for a raw host value (Host or X-Forwarded-Host as sent), at `nowMs` of the cache's clock. */
  peekRaw(raw: string, nowMs: number): Tenant | null | undefined {
    const hit = this.byRaw.get(raw);
    return hit !== undefined && hit.expiresAt > nowMs ? hit.tenant : undefined;
  }

  /** resolve() for a raw host value: a value that is no valid host name has no tenant. */
  async resolveRaw(raw: string): Promise<Tenant | null> {
    const host = normalizeHost(raw);
    if (!host) {
      this.rememberRaw(raw, INVALID_HOST);
      return null;
    }
    const tenant = await this.resolve(host);
    const entry = this.entries.get(host);
    if (entry) this.rememberRaw(raw, entry);
    return tenant;
  }

  private rememberRaw(raw: string, entry: Entry) {
    if (this.byRaw.size >= RAW_HOSTS_LIMIT) this.byRaw.clear();
    this.byRaw.set(raw, entry);
  }

  resolve(host: string): Promise<Tenant | null> {
    const hit = this.peek(host);
    return hit === undefined ? this.miss(host) : Promise.resolve(hit);
  }

  private miss(host: string): Promise<Tenant | null> {
    const now = this.options.clock.ms();
    const pending = this.inflight.get(host);
    if (pending) return pending;
    const generation = this.generation;
    const load: Promise<Tenant | null> = this.load(host)
      .then((tenant) => {
        if (generation === this.generation) this.store(host, tenant, now);
        return tenant;
      })
      .finally(() => {
        if (this.inflight.get(host) === load) this.inflight.delete(host);
      });
    this.inflight.set(host, load);
    return load;
  }

  /**
   * Drops every cached host of a tenant (used by in-process changes such as suspension). Lookups already
   * under way are forgotten too (whatever tenant they are for): a request from now on reads the row again.
   */
  invalidate(tenantId?: string): void {
    this.generation++;
    this.inflight.clear();
    this.byRaw.clear();
    if (!tenantId) {
      this.entries.clear();
      return;
    }
    for (const [host, entry] of this.entries) if (entry.tenant?.id === tenantId) this.entries.delete(host);
  }

  private async load(host: string): Promise<Tenant | null> {
    const slug = subdomainSlug(host, this.options.baseDomain);
    if (slug) {
      const bySlug = await findTenantBySlug({ db: this.options.db, slug });
      if (bySlug) return bySlug;
    }
    return findTenantByDomain({ db: this.options.db, domain: host });
  }

  private store(host: string, tenant: Tenant | null, now: number) {
    // Unknown hosts (and tenants still being provisioned) are cached for a shorter time so a freshly
    // provisioned tenant appears quickly.
    const ttl = tenant?.provisionedAt ? this.options.ttlMs : Math.min(this.options.ttlMs, 5_000);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(host);
    this.entries.set(host, { tenant, expiresAt: now + ttl });
  }
}
