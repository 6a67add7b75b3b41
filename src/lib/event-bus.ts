// A tiny typed in-process pub/sub. Cross-process delivery (several instances) rides on Postgres
// LISTEN/NOTIFY where the server driver is used; see src/jobs/notify.ts.
export type BusEvent =
  | { kind: 'job.enqueued'; jobId?: string }
  | { kind: 'job.updated'; jobId: string; tenantId: string | null }
  | { kind: 'inbox'; tenantId: string; event: string; data: Record<string, unknown> };

type Listener = (event: BusEvent) => void;

export class EventBus {
  private listeners = new Set<Listener>();

  publish(event: BusEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not affect the publisher or other listeners.
      }
    }
  }

  /** Returns the unsubscribe function; callers must call it (SSE streams do on abort). */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
