CREATE TABLE "job_leases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"worker_id" text NOT NULL,
	"job_ids" uuid[] NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "jobs_locked_idx";--> statement-breakpoint
DROP INDEX "jobs_claim_idx";--> statement-breakpoint
DROP INDEX "jobs_pending_key";--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "ready" boolean GENERATED ALWAYS AS (status in ('queued', 'failed')) STORED;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "pending_key" text GENERATED ALWAYS AS (case when status in ('queued', 'running', 'failed') then job_key end) STORED;--> statement-breakpoint
CREATE INDEX "jobs_claim_idx" ON "jobs" USING btree ("priority","run_at","id") WHERE "jobs"."ready";--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_pending_key" ON "jobs" USING btree ("pending_key") WHERE "jobs"."pending_key" is not null;