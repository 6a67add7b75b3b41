CREATE TABLE "car_catalog_versions" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "car_catalog_versions" ADD CONSTRAINT "car_catalog_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cars_tenant_created_idx" ON "cars" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "cars_public_newest_idx" ON "cars" USING btree ("tenant_id","published_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE status in ('available', 'booking');--> statement-breakpoint
CREATE INDEX "cars_public_price_idx" ON "cars" USING btree ("tenant_id","price","id") WHERE status in ('available', 'booking');--> statement-breakpoint
CREATE INDEX "cars_public_year_idx" ON "cars" USING btree ("tenant_id","year","id") WHERE status in ('available', 'booking');--> statement-breakpoint
CREATE INDEX "cars_public_mileage_idx" ON "cars" USING btree ("tenant_id","mileage_km","id") WHERE status in ('available', 'booking');--> statement-breakpoint
CREATE INDEX "cars_public_brand_idx" ON "cars" USING btree ("tenant_id",lower("brand"),"published_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE status in ('available', 'booking');--> statement-breakpoint
CREATE INDEX "cars_public_brand_price_idx" ON "cars" USING btree ("tenant_id",lower("brand"),"price","id") WHERE status in ('available', 'booking');--> statement-breakpoint
CREATE INDEX "cars_public_brand_model_idx" ON "cars" USING btree ("tenant_id",lower("brand"),lower("model"),"published_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE status in ('available', 'booking');