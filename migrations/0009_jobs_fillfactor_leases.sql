-- Room on every page for a job's next versions, so claim and completion updates stay on the page
-- (completion is then a HOT update). Applies to pages written from now on.
ALTER TABLE "jobs" SET (fillfactor = 70);--> statement-breakpoint
-- Jobs running when this migration ran were locked under the old scheme: give each worker one lease
-- for them, so a worker that never comes back still has its jobs swept after the lock timeout.
INSERT INTO "job_leases" ("id", "worker_id", "job_ids", "heartbeat_at")
SELECT gen_random_uuid(), "locked_by", array_agg("id"), min(coalesce("locked_at", now()))
FROM "jobs" WHERE "status" = 'running' AND "locked_by" IS NOT NULL GROUP BY "locked_by";
