-- The money rules that both the PL/pgSQL write path and the statements built in TypeScript
-- (server/src/features/ledger/) need, defined once as SQL functions that both call. Why these
-- live in SQL: server/src/features/ledger/README.md. Language `sql` with a RETURN body, so the
-- planner inlines them: no cost on the allocation path.

-- The round's advisory-lock key. Allocations take it shared; whatever moves money in bulk takes
-- it exclusively. Taking the uuid (not its text) means every caller hashes the same spelling.
CREATE FUNCTION cagnotte_round_lock_key(p_round uuid) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN hashtextextended(p_round::text, 7411);
--> statement-breakpoint
-- How one allocation going from p_old to p_new cents changes its bucket's contributors: a
-- contributor is an allocation above zero.
CREATE FUNCTION cagnotte_contributors_delta(p_old bigint, p_new bigint) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (p_new > 0)::integer - (p_old > 0)::integer;
--> statement-breakpoint
-- Invariant 3, permanent rounds: money in a project that reached its minimum, or whose funding
-- ended, is committed. An allocation there may grow, never shrink, and is never sent back.
CREATE FUNCTION cagnotte_money_committed(p_round_kind round_kind, p_bucket_status bucket_status, p_funded bigint, p_min bigint) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN p_round_kind = 'permanent' AND (p_bucket_status <> 'open' OR p_funded >= p_min);
--> statement-breakpoint
-- The write path of 0002, now calling the three rules above and reading participants'
-- remaining_cents (0006); its replies carry `remaining_cents` in `balance`.
CREATE OR REPLACE FUNCTION cagnotte_apply_allocation(
  p_round uuid, p_bucket uuid, p_membership uuid, p_amount bigint, p_entered_by uuid, p_key text
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_round record;
  v_participant uuid;
  v_active boolean;
  v_old bigint;
  v_delta bigint;
  v_balance record;
  v_bucket record;
  v_room bigint;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(cagnotte_round_lock_key(p_round));
  SELECT phase, kind, per_bucket_cap_cents INTO v_round FROM rounds WHERE id = p_round;
  IF v_round.phase IS DISTINCT FROM 'funding' THEN
    RETURN jsonb_build_object('outcome', 'refused', 'code', 'round_not_funding', 'phase', v_round.phase);
  END IF;
  IF v_round.per_bucket_cap_cents IS NOT NULL AND p_amount > v_round.per_bucket_cap_cents THEN
    RETURN jsonb_build_object('outcome', 'refused', 'code', 'over_bucket_cap', 'capCents', v_round.per_bucket_cap_cents);
  END IF;
  SELECT p.id, m.active INTO v_participant, v_active
    FROM participants p JOIN memberships m ON m.id = p.membership_id
    WHERE p.round_id = p_round AND p.membership_id = p_membership;
  IF v_participant IS NULL THEN
    RETURN jsonb_build_object('outcome', 'refused', 'code', 'no_allowance', 'remainingCents', 0);
  END IF;
  IF NOT v_active THEN
    RETURN jsonb_build_object('outcome', 'refused', 'code', 'member_inactive');
  END IF;

  BEGIN
    INSERT INTO allocations (participant_id, bucket_id, amount_cents) VALUES (v_participant, p_bucket, p_amount)
      ON CONFLICT (participant_id, bucket_id) DO UPDATE SET amount_cents = EXCLUDED.amount_cents, updated_at = now()
      RETURNING old.amount_cents INTO v_old;
    v_old := COALESCE(v_old, 0);
    v_delta := p_amount - v_old;

    IF v_delta = 0 THEN
      SELECT allowance_cents, allocated_cents, remaining_cents, version INTO v_balance FROM participants WHERE id = v_participant;
      SELECT id, status, funded_cents, min_cents, max_cents, contributors, funding_version INTO v_bucket FROM buckets WHERE id = p_bucket;
      RETURN jsonb_build_object('outcome', 'ok', 'changed', false, 'balance', to_jsonb(v_balance), 'bucket', to_jsonb(v_bucket));
    END IF;

    UPDATE participants SET allocated_cents = allocated_cents + v_delta, version = version + 1
      WHERE id = v_participant AND v_delta <= remaining_cents
      RETURNING allowance_cents, allocated_cents, remaining_cents, version INTO v_balance;
    IF NOT FOUND THEN
      SELECT remaining_cents INTO v_room FROM participants WHERE id = v_participant;
      RAISE EXCEPTION USING ERRCODE = 'CG001', MESSAGE = jsonb_build_object(
        'code', 'insufficient_allowance', 'remainingCents', v_room, 'neededCents', v_delta, 'maxAmountCents', v_old + v_room)::text;
    END IF;

    UPDATE buckets SET funded_cents = funded_cents + v_delta,
        contributors = contributors + cagnotte_contributors_delta(v_old, p_amount),
        funding_version = funding_version + 1
      WHERE id = p_bucket AND status = 'open' AND funded_cents + v_delta <= max_cents
        AND NOT (v_delta < 0 AND cagnotte_money_committed(v_round.kind, status, funded_cents, min_cents))
      RETURNING id, status, funded_cents, min_cents, max_cents, contributors, funding_version INTO v_bucket;
    IF NOT FOUND THEN
      -- Re-read after the refusal: only the rule that can refuse this delta is named.
      SELECT id, status, funded_cents, min_cents, max_cents INTO v_bucket FROM buckets WHERE id = p_bucket;
      IF v_bucket.id IS NULL OR v_bucket.status <> 'open' THEN
        RAISE EXCEPTION USING ERRCODE = 'CG001', MESSAGE = jsonb_build_object('code', 'bucket_not_open', 'bucketStatus', v_bucket.status)::text;
      END IF;
      IF v_delta < 0 AND cagnotte_money_committed(v_round.kind, v_bucket.status, v_bucket.funded_cents, v_bucket.min_cents) THEN
        RAISE EXCEPTION USING ERRCODE = 'CG001', MESSAGE = jsonb_build_object('code', 'allocation_committed', 'minimumAmountCents', v_old)::text;
      END IF;
      v_room := GREATEST(0, v_bucket.max_cents - v_bucket.funded_cents);
      RAISE EXCEPTION USING ERRCODE = 'CG001', MESSAGE = jsonb_build_object(
        'code', 'bucket_full', 'roomLeftCents', v_room, 'maxAmountCents', v_old + v_room)::text;
    END IF;

    INSERT INTO ledger (round_id, participant_id, bucket_id, kind, delta_cents, entered_by, idempotency_key)
      VALUES (p_round, v_participant, p_bucket, 'allocate', v_delta, p_entered_by, p_key);
    RETURN jsonb_build_object('outcome', 'ok', 'changed', true, 'balance', to_jsonb(v_balance), 'bucket', to_jsonb(v_bucket));
  EXCEPTION WHEN SQLSTATE 'CG001' THEN
    RETURN SQLERRM::jsonb || jsonb_build_object('outcome', 'refused');
  END;
END;
$$;
--> statement-breakpoint
-- Replies stored with an Idempotency-Key before this migration are replayed as they were: give
-- their balance the remaining_cents that replies carry from now on.
UPDATE idempotency_keys
  SET response = jsonb_set(response, '{balance,remaining_cents}',
    to_jsonb((response #>> '{balance,allowance_cents}')::bigint - (response #>> '{balance,allocated_cents}')::bigint))
  WHERE response ? 'balance' AND NOT (response -> 'balance') ? 'remaining_cents';
