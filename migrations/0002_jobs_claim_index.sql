DROP INDEX "jobs_claim_idx";--> statement-breakpoint
CREATE INDEX "jobs_claim_idx" ON "jobs" USING btree ("priority","run_at","id") WHERE "jobs"."status" in ('queued', 'failed');