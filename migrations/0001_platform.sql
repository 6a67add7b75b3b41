CREATE TABLE "tenant_provisionings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"owner_email" text NOT NULL,
	"owner_name" text NOT NULL,
	"owner_password_hash" text,
	"job_id" uuid,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "provisioned_at" timestamp with time zone DEFAULT now();--> statement-breakpoint
ALTER TABLE "tenant_provisionings" ADD CONSTRAINT "tenant_provisionings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;