DROP INDEX "integrations_external_account_key";--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "external_account_verified_at" timestamp with time zone;--> statement-breakpoint
-- An active integration passed a connection test with its own credentials (GoHighLevel reads the location,
-- Fonnte names the device) or got Fonnte's device callback at its secret URL: its account counts as proved.
-- The old unique index allowed no duplicates, so the new one holds.
UPDATE "integrations" SET "external_account_verified_at" = coalesce("last_sync_at", "updated_at")
  WHERE "status" = 'active' AND "external_account_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_external_account_key" ON "integrations" USING btree ("template","external_account_id") WHERE "integrations"."external_account_verified_at" is not null;
