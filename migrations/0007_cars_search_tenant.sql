-- The search document gains the tenant lexeme; dropping the generated column drops its GIN index, so it is rebuilt here.
ALTER TABLE "cars" drop column "search";--> statement-breakpoint
ALTER TABLE "cars" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('simple', coalesce("cars"."title", '') || ' ' || coalesce("cars"."brand", '') || ' ' || coalesce("cars"."model", '') || ' ' || coalesce("cars"."variant", '')), 'A')
  || setweight(to_tsvector('english', coalesce("cars"."description", '')), 'B')
  || setweight(to_tsvector('indonesian', coalesce("cars"."description", '')), 'C')
  || ('t' || replace("cars"."tenant_id"::text, '-', ''))::tsvector) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "cars_search_idx" ON "cars" USING gin ("search");