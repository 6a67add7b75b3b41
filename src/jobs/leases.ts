// The worker's in-memory view of its leases (see job_leases), shared by claiming, outcome writes and
// the heartbeat: a lease closes once every job it covered has a written outcome or was released.
export type LeaseBook = {
  /** Records a fresh claim: these jobs belong to `leaseId` until settled. */
  open(leaseId: string, jobs: readonly { id: string }[]): void;
  /** The outcome of these jobs is written (or they are no longer ours): their leases can close. */
  settle(jobIds: readonly string[]): void;
  /** Hands over the closed leases for dropping; the book forgets them. */
  takeFinished(): string[];
  /** Gives back leases whose drop failed, so the next claim or heartbeat tries again. */
  restoreFinished(leaseIds: readonly string[]): void;
};

export function createLeaseBook(): LeaseBook {
  const leaseOf = new Map<string, string>();
  // Jobs of each lease still without a written outcome.
  const leaseOpen = new Map<string, number>();
  let finished: string[] = [];

  return {
    open(leaseId, jobs) {
      if (jobs.length === 0) return;
      leaseOpen.set(leaseId, jobs.length);
      for (const job of jobs) leaseOf.set(job.id, leaseId);
    },
    settle(jobIds) {
      for (const id of jobIds) {
        const lease = leaseOf.get(id);
        if (lease === undefined) continue;
        leaseOf.delete(id);
        const open = (leaseOpen.get(lease) ?? 1) - 1;
        if (open > 0) leaseOpen.set(lease, open);
        else {
          leaseOpen.delete(lease);
          finished.push(lease);
        }
      }
    },
    takeFinished() {
      const taken = finished;
      finished = [];
      return taken;
    },
    restoreFinished(leaseIds) {
      finished = leaseIds.concat(finished);
    },
  };
}
