CREATE TABLE "vote_turnout" (
	"round_id" uuid NOT NULL,
	"shard" smallint NOT NULL,
	"ballots" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "vote_turnout_round_id_shard_pk" PRIMARY KEY("round_id","shard"),
	CONSTRAINT "vote_turnout_shard" CHECK ("vote_turnout"."shard" BETWEEN 0 AND 15)
);
--> statement-breakpoint
ALTER TABLE "vote_turnout" ADD CONSTRAINT "vote_turnout_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Counting a vote round's ballots on every live frame read all of them (22 ms for 90,000):
-- vote_turnout keeps the count in 16 rows per round, each ballot write moving its voter's shard
-- in the same transaction. Statement triggers with transition tables, so that a Pabulib import
-- of many ballots moves each shard once, not once per ballot.
CREATE FUNCTION cagnotte_vote_shard(p_membership uuid, p_external text) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (hashtext(coalesce(p_membership::text, p_external)) & 15)::smallint $$;
--> statement-breakpoint
CREATE FUNCTION cagnotte_vote_turnout() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO vote_turnout AS t (round_id, shard, ballots)
      SELECT round_id, cagnotte_vote_shard(membership_id, external_voter), count(*) FROM new_ballots WHERE choices <> '{}'::jsonb GROUP BY 1, 2
      ON CONFLICT (round_id, shard) DO UPDATE SET ballots = t.ballots + excluded.ballots;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO vote_turnout AS t (round_id, shard, ballots)
      SELECT n.round_id, cagnotte_vote_shard(n.membership_id, n.external_voter), sum((n.choices <> '{}'::jsonb)::integer - (o.choices <> '{}'::jsonb)::integer)
      FROM new_ballots n JOIN old_ballots o ON o.id = n.id GROUP BY 1, 2 HAVING sum((n.choices <> '{}'::jsonb)::integer - (o.choices <> '{}'::jsonb)::integer) <> 0
      ON CONFLICT (round_id, shard) DO UPDATE SET ballots = t.ballots + excluded.ballots;
  ELSE
    -- Only ever an existing row: when a round is deleted, the cascade may have removed its turnout already.
    UPDATE vote_turnout t SET ballots = t.ballots - d.n
      FROM (SELECT round_id, cagnotte_vote_shard(membership_id, external_voter) AS shard, count(*) AS n FROM old_ballots WHERE choices <> '{}'::jsonb GROUP BY 1, 2) d
      WHERE t.round_id = d.round_id AND t.shard = d.shard;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER vote_ballots_turnout_insert AFTER INSERT ON vote_ballots REFERENCING NEW TABLE AS new_ballots
  FOR EACH STATEMENT EXECUTE FUNCTION cagnotte_vote_turnout();
--> statement-breakpoint
CREATE TRIGGER vote_ballots_turnout_update AFTER UPDATE ON vote_ballots REFERENCING OLD TABLE AS old_ballots NEW TABLE AS new_ballots
  FOR EACH STATEMENT EXECUTE FUNCTION cagnotte_vote_turnout();
--> statement-breakpoint
CREATE TRIGGER vote_ballots_turnout_delete AFTER DELETE ON vote_ballots REFERENCING OLD TABLE AS old_ballots
  FOR EACH STATEMENT EXECUTE FUNCTION cagnotte_vote_turnout();
--> statement-breakpoint
INSERT INTO vote_turnout (round_id, shard, ballots)
  SELECT round_id, cagnotte_vote_shard(membership_id, external_voter), count(*)
  FROM vote_ballots WHERE choices <> '{}'::jsonb GROUP BY 1, 2;
