CREATE TYPE "public"."allowance_holders" AS ENUM('all_members', 'eligible_members');--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "eligible" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "member_number" text;--> statement-breakpoint
ALTER TABLE "rounds" ADD COLUMN "allowance_holders" "allowance_holders" DEFAULT 'all_members' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_org_number_unique" ON "memberships" USING btree ("organisation_id","member_number");