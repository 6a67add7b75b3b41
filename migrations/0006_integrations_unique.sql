DROP INDEX "integrations_tenant_idx";--> statement-breakpoint
DROP INDEX "integrations_external_account_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_tenant_template_key" ON "integrations" USING btree ("tenant_id","template");--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_external_account_key" ON "integrations" USING btree ("template","external_account_id");