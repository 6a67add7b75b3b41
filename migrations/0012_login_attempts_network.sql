-- Sign-in lockout per (tenant, e-mail, client network) instead of per (tenant, e-mail): a stranger's failures
-- lock only the stranger's network. Rows from before (at most one 15-minute window old) keep counting for
-- clients whose address is unknown, and expire with their window.
DROP INDEX "login_attempts_key";--> statement-breakpoint
ALTER TABLE "login_attempts" ADD COLUMN "network" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "login_attempts" ALTER COLUMN "network" DROP DEFAULT;--> statement-breakpoint
CREATE UNIQUE INDEX "login_attempts_key" ON "login_attempts" USING btree ("tenant_id","email","network");
