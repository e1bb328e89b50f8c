-- The allocation write path (ARCHITECTURE.md, "The allocation write path") as one function, so
-- that an allocation is one round trip instead of a dozen: on these machines the round trips,
-- not PostgreSQL, were the limit. Same statements, same lock order (allocation → participant →
-- bucket), same conditional updates re-checked by PostgreSQL after a row-lock wait.
--
-- A refusal is raised as SQLSTATE CG001 with its details as JSON inside a sub-transaction, so
-- the allocation row written before it is undone, and returned as {"outcome": "refused", …}.
CREATE FUNCTION cagnotte_apply_allocation(
  p_round uuid, p_bucket uuid, p_membership uuid, p_amount bigint, p_entered_by uuid, p_key text
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_round record;
  v_participant uuid;
  v_active boolean;
  v_old bigint;
  v_delta bigint;
  v_contributors int;
  v_balance record;
  v_bucket record;
  v_room bigint;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtextextended(p_round::text, 7411));
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
    v_contributors := (CASE WHEN p_amount > 0 THEN 1 ELSE 0 END) - (CASE WHEN v_old > 0 THEN 1 ELSE 0 END);

    IF v_delta = 0 THEN
      SELECT allowance_cents, allocated_cents, version INTO v_balance FROM participants WHERE id = v_participant;
      SELECT id, status, funded_cents, min_cents, max_cents, contributors, funding_version INTO v_bucket FROM buckets WHERE id = p_bucket;
      RETURN jsonb_build_object('outcome', 'ok', 'changed', false, 'balance', to_jsonb(v_balance), 'bucket', to_jsonb(v_bucket));
    END IF;

    UPDATE participants SET allocated_cents = allocated_cents + v_delta, version = version + 1
      WHERE id = v_participant AND allocated_cents + v_delta <= allowance_cents
      RETURNING allowance_cents, allocated_cents, version INTO v_balance;
    IF NOT FOUND THEN
      SELECT allowance_cents - allocated_cents INTO v_room FROM participants WHERE id = v_participant;
      RAISE EXCEPTION USING ERRCODE = 'CG001', MESSAGE = jsonb_build_object(
        'code', 'insufficient_allowance', 'remainingCents', v_room, 'neededCents', v_delta, 'maxAmountCents', v_old + v_room)::text;
    END IF;

    -- In a permanent round, money in a bucket that reached its minimum is committed: it may grow, not shrink.
    UPDATE buckets SET funded_cents = funded_cents + v_delta, contributors = contributors + v_contributors,
        funding_version = funding_version + 1
      WHERE id = p_bucket AND status = 'open' AND funded_cents + v_delta <= max_cents
        AND NOT (v_round.kind = 'permanent' AND v_delta < 0 AND funded_cents >= min_cents)
      RETURNING id, status, funded_cents, min_cents, max_cents, contributors, funding_version INTO v_bucket;
    IF NOT FOUND THEN
      -- Re-read after the refusal: only the rule that can refuse this delta is named.
      SELECT id, status, funded_cents, min_cents, max_cents INTO v_bucket FROM buckets WHERE id = p_bucket;
      IF v_bucket.id IS NULL OR v_bucket.status <> 'open' THEN
        RAISE EXCEPTION USING ERRCODE = 'CG001', MESSAGE = jsonb_build_object('code', 'bucket_not_open', 'bucketStatus', v_bucket.status)::text;
      END IF;
      IF v_round.kind = 'permanent' AND v_delta < 0 AND v_bucket.funded_cents >= v_bucket.min_cents THEN
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
-- With an Idempotency-Key (scoped to the person): the first request claims the key and stores
-- its outcome; a concurrent duplicate waits on the claimed row, then returns the stored outcome.
CREATE FUNCTION cagnotte_allocate(
  p_person uuid, p_key text, p_hash text, p_request_id text,
  p_round uuid, p_bucket uuid, p_membership uuid, p_amount bigint, p_entered_by uuid
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_claimed text;
  v_stored record;
  v_outcome jsonb;
BEGIN
  IF p_key IS NOT NULL THEN
    INSERT INTO idempotency_keys (person_id, key, request_hash) VALUES (p_person, p_key, p_hash)
      ON CONFLICT (person_id, key) DO NOTHING RETURNING key INTO v_claimed;
    IF v_claimed IS NULL THEN
      SELECT request_hash, response INTO v_stored FROM idempotency_keys WHERE person_id = p_person AND key = p_key;
      IF v_stored.request_hash IS DISTINCT FROM p_hash THEN RETURN jsonb_build_object('outcome', 'key_reused'); END IF;
      IF v_stored.response IS NULL THEN RETURN jsonb_build_object('outcome', 'in_progress'); END IF;
      RETURN v_stored.response;
    END IF;
  END IF;
  v_outcome := cagnotte_apply_allocation(p_round, p_bucket, p_membership, p_amount, p_entered_by, p_key)
    || jsonb_build_object('requestId', p_request_id, 'amountCents', p_amount);
  IF p_key IS NOT NULL THEN
    UPDATE idempotency_keys SET response = v_outcome,
        status_code = CASE WHEN v_outcome->>'outcome' = 'ok' THEN 200 ELSE 409 END
      WHERE person_id = p_person AND key = p_key;
  END IF;
  RETURN v_outcome;
END;
$$;
