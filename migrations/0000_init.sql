CREATE TYPE "public"."bucket_status" AS ENUM('draft', 'proposed', 'open', 'funded', 'awaiting_board', 'not_funded', 'completed', 'withdrawn', 'merged', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."ledger_kind" AS ENUM('grant', 'allocate', 'return');--> statement-breakpoint
CREATE TYPE "public"."locale" AS ENUM('fr', 'en');--> statement-breakpoint
CREATE TYPE "public"."proposer_status" AS ENUM('invited', 'accepted', 'declined');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('admin', 'reviewer', 'accountant', 'member');--> statement-breakpoint
CREATE TYPE "public"."round_kind" AS ENUM('one_off', 'permanent');--> statement-breakpoint
CREATE TYPE "public"."round_phase" AS ENUM('draft', 'proposals', 'funding', 'closed');--> statement-breakpoint
CREATE TYPE "public"."session_kind" AS ENUM('member', 'projector');--> statement-breakpoint
CREATE TYPE "public"."shortfall_rule" AS ENUM('return', 'board');--> statement-breakpoint
CREATE TABLE "allocations" (
	"participant_id" uuid NOT NULL,
	"bucket_id" uuid NOT NULL,
	"amount_cents" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allocations_participant_id_bucket_id_pk" PRIMARY KEY("participant_id","bucket_id"),
	CONSTRAINT "allocations_nonnegative" CHECK ("allocations"."amount_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "allowance_overrides" (
	"round_id" uuid NOT NULL,
	"membership_id" uuid NOT NULL,
	"amount_cents" bigint NOT NULL,
	"set_by" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allowance_overrides_round_id_membership_id_pk" PRIMARY KEY("round_id","membership_id"),
	CONSTRAINT "allowance_overrides_nonnegative" CHECK ("allowance_overrides"."amount_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "bucket_proposers" (
	"bucket_id" uuid NOT NULL,
	"membership_id" uuid NOT NULL,
	"status" "proposer_status" DEFAULT 'invited' NOT NULL,
	"invited_by" uuid,
	"invited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"responded_at" timestamp with time zone,
	CONSTRAINT "bucket_proposers_bucket_id_membership_id_pk" PRIMARY KEY("bucket_id","membership_id")
);
--> statement-breakpoint
CREATE TABLE "bucket_revisions" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"bucket_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"author_id" uuid NOT NULL,
	"changes" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "buckets" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"round_id" uuid NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"image_url" text,
	"status" "bucket_status" DEFAULT 'draft' NOT NULL,
	"budget_lines" jsonb NOT NULL,
	"min_cents" bigint NOT NULL,
	"max_cents" bigint NOT NULL,
	"funded_cents" bigint DEFAULT 0 NOT NULL,
	"contributors" integer DEFAULT 0 NOT NULL,
	"funding_version" bigint DEFAULT 0 NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"merged_into_id" uuid,
	"status_reason" text,
	"created_by" uuid NOT NULL,
	"funding_ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buckets_min_positive" CHECK ("buckets"."min_cents" > 0 AND "buckets"."min_cents" <= "buckets"."max_cents"),
	CONSTRAINT "buckets_funded_within_max" CHECK ("buckets"."funded_cents" >= 0 AND "buckets"."funded_cents" <= "buckets"."max_cents"),
	CONSTRAINT "buckets_contributors_nonnegative" CHECK ("buckets"."contributors" >= 0),
	CONSTRAINT "buckets_merged_points_somewhere" CHECK (("buckets"."status" = 'merged') = ("buckets"."merged_into_id" IS NOT NULL)),
	CONSTRAINT "buckets_money_only_where_allowed" CHECK ("buckets"."funded_cents" = 0 OR "buckets"."status" IN ('open', 'funded', 'awaiting_board', 'completed'))
);
--> statement-breakpoint
CREATE TABLE "comments" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"bucket_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"edited_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "costing_notes" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"bucket_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"estimate_cents" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "costing_notes_estimate_nonnegative" CHECK ("costing_notes"."estimate_cents" IS NULL OR "costing_notes"."estimate_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "criteria" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"round_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "criterion_flags" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"bucket_id" uuid NOT NULL,
	"criterion_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"round_id" uuid NOT NULL,
	"bucket_id" uuid,
	"kind" text NOT NULL,
	"actor_id" uuid,
	"reason" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flag_answers" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"flag_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"person_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_person_id_key_pk" PRIMARY KEY("person_id","key")
);
--> statement-breakpoint
CREATE TABLE "ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"round_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"bucket_id" uuid,
	"kind" "ledger_kind" NOT NULL,
	"delta_cents" bigint NOT NULL,
	"entered_by" uuid,
	"reason" text,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_delta_nonzero" CHECK ("ledger"."delta_cents" <> 0),
	CONSTRAINT "ledger_grant_has_no_bucket" CHECK (("ledger"."kind" = 'grant') = ("ledger"."bucket_id" IS NULL)),
	CONSTRAINT "ledger_return_is_negative" CHECK ("ledger"."kind" <> 'return' OR "ledger"."delta_cents" < 0)
);
--> statement-breakpoint
CREATE TABLE "live_tickets" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"session_id" uuid NOT NULL,
	"round_id" uuid NOT NULL,
	"ticket_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_tickets_ticketHash_unique" UNIQUE("ticket_hash")
);
--> statement-breakpoint
CREATE TABLE "magic_links" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"person_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "magic_links_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" "role" DEFAULT 'member' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"deactivated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"currency" text NOT NULL,
	"locale" "locale" DEFAULT 'fr' NOT NULL,
	"time_zone" text DEFAULT 'Europe/Paris' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_slug_unique" UNIQUE("slug"),
	CONSTRAINT "organisations_currency_iso" CHECK ("organisations"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "participants" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"round_id" uuid NOT NULL,
	"membership_id" uuid NOT NULL,
	"allowance_cents" bigint DEFAULT 0 NOT NULL,
	"allocated_cents" bigint DEFAULT 0 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"reminded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "participants_allocated_within_allowance" CHECK ("participants"."allocated_cents" >= 0 AND "participants"."allocated_cents" <= "participants"."allowance_cents")
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"email" text,
	"name" text NOT NULL,
	"erased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_erased_blank" CHECK ("people"."erased_at" IS NULL OR "people"."email" IS NULL)
);
--> statement-breakpoint
CREATE TABLE "progress_updates" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"bucket_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projector_links" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"round_id" uuid NOT NULL,
	"secret_hash" text NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"created_by" uuid NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rounds" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"currency" text NOT NULL,
	"kind" "round_kind" DEFAULT 'one_off' NOT NULL,
	"phase" "round_phase" DEFAULT 'draft' NOT NULL,
	"default_allowance_cents" bigint DEFAULT 0 NOT NULL,
	"per_bucket_cap_cents" bigint,
	"min_co_proposers" integer DEFAULT 1 NOT NULL,
	"approval_required" boolean DEFAULT false NOT NULL,
	"nearly_funded_percent" integer DEFAULT 80 NOT NULL,
	"shortfall_rule" "shortfall_rule" DEFAULT 'return' NOT NULL,
	"contributors_visible" boolean DEFAULT false NOT NULL,
	"proposals_open_at" timestamp with time zone,
	"funding_opens_at" timestamp with time zone,
	"closes_at" timestamp with time zone,
	"presentation_at" timestamp with time zone,
	"board_meeting_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"reminders_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rounds_currency_iso" CHECK ("rounds"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "rounds_allowance_nonnegative" CHECK ("rounds"."default_allowance_cents" >= 0),
	CONSTRAINT "rounds_cap_positive" CHECK ("rounds"."per_bucket_cap_cents" IS NULL OR "rounds"."per_bucket_cap_cents" > 0),
	CONSTRAINT "rounds_co_proposers" CHECK ("rounds"."min_co_proposers" BETWEEN 1 AND 20),
	CONSTRAINT "rounds_threshold" CHECK ("rounds"."nearly_funded_percent" BETWEEN 1 AND 100),
	CONSTRAINT "rounds_permanent_never_closes" CHECK ("rounds"."kind" = 'one_off' OR ("rounds"."closes_at" IS NULL AND "rounds"."phase" <> 'closed'))
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT uuidv7() NOT NULL,
	"kind" "session_kind" DEFAULT 'member' NOT NULL,
	"person_id" uuid,
	"projector_link_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sessions_owner" CHECK (("sessions"."kind" = 'member') = ("sessions"."person_id" IS NOT NULL) AND ("sessions"."kind" = 'projector') = ("sessions"."projector_link_id" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowance_overrides" ADD CONSTRAINT "allowance_overrides_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowance_overrides" ADD CONSTRAINT "allowance_overrides_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allowance_overrides" ADD CONSTRAINT "allowance_overrides_set_by_memberships_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bucket_proposers" ADD CONSTRAINT "bucket_proposers_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bucket_proposers" ADD CONSTRAINT "bucket_proposers_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bucket_proposers" ADD CONSTRAINT "bucket_proposers_invited_by_memberships_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bucket_revisions" ADD CONSTRAINT "bucket_revisions_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bucket_revisions" ADD CONSTRAINT "bucket_revisions_author_id_memberships_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buckets" ADD CONSTRAINT "buckets_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buckets" ADD CONSTRAINT "buckets_merged_into_id_buckets_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."buckets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buckets" ADD CONSTRAINT "buckets_created_by_memberships_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_author_id_memberships_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "costing_notes" ADD CONSTRAINT "costing_notes_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "costing_notes" ADD CONSTRAINT "costing_notes_author_id_memberships_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "criteria" ADD CONSTRAINT "criteria_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "criterion_flags" ADD CONSTRAINT "criterion_flags_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "criterion_flags" ADD CONSTRAINT "criterion_flags_criterion_id_criteria_id_fk" FOREIGN KEY ("criterion_id") REFERENCES "public"."criteria"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "criterion_flags" ADD CONSTRAINT "criterion_flags_author_id_memberships_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_actor_id_memberships_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_answers" ADD CONSTRAINT "flag_answers_flag_id_criterion_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."criterion_flags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_answers" ADD CONSTRAINT "flag_answers_author_id_memberships_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_entered_by_memberships_id_fk" FOREIGN KEY ("entered_by") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_tickets" ADD CONSTRAINT "live_tickets_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_tickets" ADD CONSTRAINT "live_tickets_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magic_links" ADD CONSTRAINT "magic_links_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_updates" ADD CONSTRAINT "progress_updates_bucket_id_buckets_id_fk" FOREIGN KEY ("bucket_id") REFERENCES "public"."buckets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_updates" ADD CONSTRAINT "progress_updates_author_id_memberships_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projector_links" ADD CONSTRAINT "projector_links_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projector_links" ADD CONSTRAINT "projector_links_created_by_memberships_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_projector_link_id_projector_links_id_fk" FOREIGN KEY ("projector_link_id") REFERENCES "public"."projector_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allocations_bucket_idx" ON "allocations" USING btree ("bucket_id");--> statement-breakpoint
CREATE INDEX "bucket_proposers_membership_idx" ON "bucket_proposers" USING btree ("membership_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bucket_revisions_bucket_revision_unique" ON "bucket_revisions" USING btree ("bucket_id","revision");--> statement-breakpoint
CREATE INDEX "buckets_round_idx" ON "buckets" USING btree ("round_id");--> statement-breakpoint
CREATE INDEX "comments_bucket_idx" ON "comments" USING btree ("bucket_id");--> statement-breakpoint
CREATE INDEX "costing_notes_bucket_idx" ON "costing_notes" USING btree ("bucket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "criteria_round_position_unique" ON "criteria" USING btree ("round_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "criterion_flags_one_per_author" ON "criterion_flags" USING btree ("bucket_id","criterion_id","author_id");--> statement-breakpoint
CREATE INDEX "decisions_round_idx" ON "decisions" USING btree ("round_id","created_at");--> statement-breakpoint
CREATE INDEX "flag_answers_flag_idx" ON "flag_answers" USING btree ("flag_id");--> statement-breakpoint
CREATE INDEX "ledger_round_idx" ON "ledger" USING btree ("round_id","id");--> statement-breakpoint
CREATE INDEX "ledger_participant_idx" ON "ledger" USING btree ("participant_id");--> statement-breakpoint
CREATE INDEX "ledger_bucket_idx" ON "ledger" USING btree ("bucket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_org_person_unique" ON "memberships" USING btree ("organisation_id","person_id");--> statement-breakpoint
CREATE INDEX "memberships_person_idx" ON "memberships" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("run_after") WHERE "outbox"."sent_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "participants_round_membership_unique" ON "participants" USING btree ("round_id","membership_id");--> statement-breakpoint
CREATE UNIQUE INDEX "people_email_unique" ON "people" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "progress_updates_bucket_idx" ON "progress_updates" USING btree ("bucket_id");--> statement-breakpoint
CREATE INDEX "rounds_org_idx" ON "rounds" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "sessions_person_idx" ON "sessions" USING btree ("person_id");