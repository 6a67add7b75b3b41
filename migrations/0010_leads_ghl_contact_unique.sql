DROP INDEX "leads_ghl_contact_idx";--> statement-breakpoint
-- Hand-written: leads that raced to the same contact before this index existed keep their data; only the
-- oldest stays linked to the contact, so the unique index can be built.
UPDATE "leads" SET "external_ids" = "leads"."external_ids" - 'ghlContactId'
FROM (
  SELECT "id", row_number() OVER (PARTITION BY "tenant_id", "external_ids"->>'ghlContactId' ORDER BY "created_at", "id") AS "rank"
  FROM "leads" WHERE ("external_ids"->>'ghlContactId') IS NOT NULL
) AS "dup"
WHERE "leads"."id" = "dup"."id" AND "dup"."rank" > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "leads_ghl_contact_key" ON "leads" USING btree ("tenant_id",("external_ids"->>'ghlContactId')) WHERE ("leads"."external_ids"->>'ghlContactId') is not null;
