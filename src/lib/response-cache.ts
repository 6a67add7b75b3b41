// A bounded in-process cache of values filed under a tenant's catalogue version (src/lib/car-catalog.ts):
// an entry is served only while the version it was computed at is still current, so no explicit purge is
// needed, and the least recently used entry goes first when the bound is reached.
type Entry<V> = { version: number; value: V; weight: number };

export class VersionedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private weight = 0;

  /** `weigh` (e.g. string length) with `maxWeight` bounds memory as well as the entry count. */
  constructor(
    private readonly maxEntries: number,
    private readonly options: { weigh?: (value: V) => number; maxWeight?: number } = {},
  ) {
    if (!(maxEntries > 0)) throw new Error('VersionedCache: maxEntries must be positive');
  }

  get(key: string, version: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.remove(key, entry);
    if (entry.version !== version) return undefined;
    this.entries.set(key, entry);
    this.weight += entry.weight;
    return entry.value;
  }

  set(key: string, version: number, value: V): void {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    const weight = this.options.weigh?.(value) ?? 0;
    const maxWeight = this.options.maxWeight ?? Number.POSITIVE_INFINITY;
    if (weight > maxWeight) return;
    while (this.entries.size >= this.maxEntries || this.weight + weight > maxWeight) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry<V>];
      this.remove(oldestKey, oldest);
    }
    this.entries.set(key, { version, value, weight });
    this.weight += weight;
  }

  private remove(key: string, entry: Entry<V>) {
    this.entries.delete(key);
    this.weight -= entry.weight;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }
}
