// A bounded in-process cache of values filed under a tenant's catalogue version (src/lib/car-catalog.ts):
// an entry is served only while the version it was computed at is still current, so no explicit purge is
// needed, and the least recently used entry goes first when the bound is reached.
type Entry<V> = { version: number; value: V };

export class VersionedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly maxEntries: number) {
    if (!(maxEntries > 0)) throw new Error('VersionedCache: maxEntries must be positive');
  }

  get(key: string, version: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.version !== version) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, version: number, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { version, value });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
