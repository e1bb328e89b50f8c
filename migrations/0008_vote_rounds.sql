ALTER TYPE "public"."round_kind" ADD VALUE 'vote';--> statement-breakpoint
CREATE TABLE "vote_ballots" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"round_id" uuid NOT NULL,
	"membership_id" uuid,
	"external_voter" text,
	"district_id" uuid,
	"choices" jsonb NOT NULL,
	"paper" boolean DEFAULT false NOT NULL,
	"entered_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vote_ballots_one_voter" CHECK (("vote_ballots"."membership_id" IS NULL) <> ("vote_ballots"."external_voter" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "vote_districts" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"round_id" uuid NOT NULL,
	"name" text NOT NULL,
	"budget_cents" bigint NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vote_districts_budget_nonnegative" CHECK ("vote_districts"."budget_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "vote_outcomes" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"round_id" uuid NOT NULL,
	"district_id" uuid,
	"result" jsonb NOT NULL,
	"shares" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vote_project_districts" (
	"bucket_id" uuid PRIMARY KEY NOT NULL,
	"district_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vote_project_refs" (
	"bucket_id" uuid PRIMARY KEY NOT NULL,
	"round_id" uuid NOT NULL,
	"external_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vote_settings" (
	"round_id" uuid PRIMARY KEY NOT NULL,
	"budget_cents" bigint NOT NULL,
	"ballot" jsonb NOT NULL,
	"rule" jsonb NOT NULL,
	"hide_counts" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vote_settings_budget_nonnegative" CHECK ("vote_settings"."budget_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "rounds" DROP CONSTRAINT "rounds_permanent_never_closes";--> statement-breakpoint
ALTER TABLE "vote_ballots" ADD CONSTRAINT "vote_ballots_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_ballots" ADD CONSTRAINT "vote_ballots_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_ballots" ADD CONSTRAINT "vote_ballots_district_id_vote_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."vote_districts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_ballots" ADD CONSTRAINT "vote_ballots_entered_by_memberships_id_fk" FOREIGN KEY ("entered_by") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_districts" ADD CONSTRAINT "vote_districts_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_outcomes" ADD CONSTRAINT "vote_outcomes_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_outcomes" ADD CONSTRAINT "vote_outcomes_district_id_vote_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."vote_districts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_project_districts" ADD CONSTRAINT "vote_project_districts_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_project_districts" ADD CONSTRAINT "vote_project_districts_district_id_vote_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."vote_districts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_project_refs" ADD CONSTRAINT "vote_project_refs_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_project_refs" ADD CONSTRAINT "vote_project_refs_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_settings" ADD CONSTRAINT "vote_settings_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "vote_ballots_member_unique" ON "vote_ballots" USING btree ("round_id","membership_id") WHERE "vote_ballots"."membership_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "vote_ballots_external_unique" ON "vote_ballots" USING btree ("round_id","external_voter") WHERE "vote_ballots"."external_voter" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "vote_districts_round_idx" ON "vote_districts" USING btree ("round_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vote_outcomes_pool_unique" ON "vote_outcomes" USING btree ("round_id",coalesce("district_id", '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
CREATE UNIQUE INDEX "vote_project_refs_round_external_unique" ON "vote_project_refs" USING btree ("round_id","external_id");--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_vote_no_allowance" CHECK ("rounds"."kind"::text <> 'vote' OR "rounds"."default_allowance_cents" = 0);--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_permanent_never_closes" CHECK ("rounds"."kind" <> 'permanent' OR ("rounds"."closes_at" IS NULL AND "rounds"."phase" <> 'closed'));