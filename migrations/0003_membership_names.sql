DROP INDEX "memberships_org_person_unique";--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
-- Backfill: each membership starts with the person's one name; people erased before this
-- migration were erased everywhere, so each of their memberships is erased too.
UPDATE "memberships" m SET "name" = p."name", "erased_at" = p."erased_at" FROM "people" p WHERE p."id" = m."person_id";--> statement-breakpoint
UPDATE "memberships" SET "active" = false, "deactivated_at" = COALESCE("deactivated_at", "erased_at") WHERE "erased_at" IS NOT NULL AND "active";--> statement-breakpoint
ALTER TABLE "memberships" ALTER COLUMN "name" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_org_person_unique" ON "memberships" USING btree ("organisation_id","person_id") WHERE "memberships"."erased_at" IS NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_erased_inactive" CHECK ("memberships"."erased_at" IS NULL OR NOT "memberships"."active");
